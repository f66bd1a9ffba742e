// The per-row scalar arithmetic of the new-operation kernels (row_stats.hpp),
// in double-double. Baseline code, compiled without FMA: products are split
// exactly by Dekker's method.
#include "impls/simd/row_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "impls/worker_pool.hpp"

namespace smx::simd {
namespace {

DD two_sum(double a, double b) {
  const double s = a + b, v = s - a;
  return {s, (a - (s - v)) + (b - v)};
}
DD fast_two_sum(double a, double b) {  // |a| >= |b|
  const double s = a + b;
  return {s, b - (s - a)};
}
DD split(double a) {
  const double c = a * 134217729.0;  // 2^27 + 1
  const double h = c - (c - a);
  return {h, a - h};
}
DD two_prod(double a, double b) {
  const double p = a * b;
  const DD x = split(a), y = split(b);
  return {p, ((x.hi * y.hi - p) + x.hi * y.lo + x.lo * y.hi) + x.lo * y.lo};
}
DD add(DD a, DD b) {
  const DD s = two_sum(a.hi, b.hi);
  return fast_two_sum(s.hi, s.lo + (a.lo + b.lo));
}
DD neg(DD a) { return {-a.hi, -a.lo}; }
DD mul(DD a, DD b) {
  const DD p = two_prod(a.hi, b.hi);
  return fast_two_sum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}
DD mul(DD a, double b) { return mul(a, DD{b, 0}); }
// a / b: three quotient digits, each remainder exact enough (about 2^-104).
DD div(DD a, DD b) {
  const double q1 = a.hi / b.hi;
  DD r = add(a, neg(mul(b, q1)));
  const double q2 = r.hi / b.hi;
  r = add(r, neg(mul(b, q2)));
  const double q3 = r.hi / b.hi;
  return add(fast_two_sum(q1, q2), DD{q3, 0});
}

constexpr DD kLn2{0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56};

}  // namespace

DD sum_lanes(const double* h, const double* l, std::size_t count) {
  DD s{};
  for (std::size_t i = 0; i < count; ++i) s = add(s, DD{h[i], 0}), s.lo += l[i];
  return fast_two_sum(s.hi, s.lo);
}

DD log1p_dd(DD s) {
  if (!(s.hi >= 0) || !(s.hi < std::numeric_limits<double>::infinity())) return {s.hi + s.hi, 0};  // NaN, inf
  // log(1 + s) = k ln 2 + 2 atanh(w), w = (f - 1)/(f + 1), f = (1 + s) 2^-k in
  // [sqrt 1/2, sqrt 2), so |w| < 0.1716. For s below sqrt 2 - 1, k = 0 and
  // w = s/(2 + s) straight from s: 1 + s would lose a tiny s's low digits.
  int k = 0;
  DD w;
  if (s.hi < 0x1.a827999fcef32p-2) {
    w = div(s, add(DD{2, 0}, s));
  } else {
    const DD u = add(DD{1, 0}, s);
    int e;
    double f = std::frexp(u.hi, &e);  // [0.5, 1)
    k = e;
    if (f < 0x1.6a09e667f3bcdp-1) k -= 1;
    const DD fu{std::ldexp(u.hi, -k), std::ldexp(u.lo, -k)};  // exact
    f = fu.hi;
    w = div(add(DD{f - 1, 0}, DD{fu.lo, 0}), add(two_sum(f, 1), DD{fu.lo, 0}));  // f - 1 exact (Sterbenz)
  }
  // 2 atanh(w) = 2w + 2w^3 (1/3 + w^2/5 + ...): the tail in double, 2^-53 of a
  // term 0.01 of the total at most; 13 terms reach w^26/27 < 2^-134.
  const double w2 = w.hi * w.hi;
  double p = 2.0 / 27;
  for (int j = 25; j >= 3; j -= 2) p = p * w2 + 2.0 / j;
  const DD tail{w.hi * w2 * p, 0};
  DD r = add(DD{2 * w.hi, 2 * w.lo}, tail);
  if (k != 0) r = add(mul(kLn2, static_cast<double>(k)), r);
  return r;
}

RowLog row_log(const RowSums& s) {
  RowLog r;
  // S1 near the bottom of double's normal range: the double-double steps
  // would keep its low part in subnormals. Divided 2^600 up instead, where
  // log1p(S1) = S1 to a relative S1/2 < 2^-900.
  if (s.ties == 1 && s.keep.hi < 0x1p-900 * s.em.hi) {
    const DD q = div(DD{s.keep.hi * 0x1p600, s.keep.lo * 0x1p600}, s.em);
    r.s1 = r.l = DD{q.hi * 0x1p-600, q.lo * 0x1p-600};
    return r;
  }
  r.s1 = add(div(s.keep, s.em), DD{s.ties - 1, 0});
  r.l = log1p_dd(r.s1);
  return r;
}

RowLog row_log_total(DD total, DD em_summed, DD em) {
  RowLog r;
  r.s1 = div(add(total, neg(em_summed)), em);
  r.l = log1p_dd(r.s1);
  return r;
}

DD row_scale(const RowSums& s) { return div(DD{0x1p64, 0}, add(s.keep, mul(s.em, s.ties))); }

DD ce_loss(double m, double xt, const RowLog& r) {
  const DD d = two_sum(m, -xt);
  if (!std::isfinite(d.hi)) return {d.hi, 0};  // a target at -inf: +inf (its lo would be NaN)
  return add(d, r.l);
}

DD ce_target_gradient(const RowLog& r, DD et, DD em, bool target_is_max) {
  const DD big_s = add(DD{1, 0}, r.s1);
  // The other entries' share: S - e_t, all of it S1 when the target is a max.
  const DD others = target_is_max ? r.s1 : add(r.s1, add(DD{1, 0}, neg(div(et, em))));
  return neg(div(others, big_s));
}

double mean_over_rows(std::size_t rows, std::size_t cols, int threads, double (*loss)(const void*, std::size_t),
                      const void* job) {
  if (rows == 0) return std::numeric_limits<double>::quiet_NaN();  // the mean of nothing
  unsigned parts = threads > 0 ? static_cast<unsigned>(threads) : 1u;
  if (threads == 0) {
    const std::size_t by_work = rows * cols >> 18;
    parts = static_cast<unsigned>(std::clamp<std::size_t>(by_work, 1, std::max(1u, std::thread::hardware_concurrency())));
  }
  constexpr unsigned kMaxParts = 256;
  parts = static_cast<unsigned>(std::min<std::size_t>({parts, kMaxParts, rows}));
  struct Job {
    std::size_t rows;
    unsigned parts;
    double (*loss)(const void*, std::size_t);
    const void* job;
    DD sums[kMaxParts];
  } j{rows, parts, loss, job, {}};
  // One chunk per part: the part's index, hence its slot, is its begin.
  const chunk_fn body = [](void* context, std::size_t begin, std::size_t end) {
    Job& jb = *static_cast<Job*>(context);
    for (std::size_t p = begin; p < end; ++p) {
      const std::size_t r0 = jb.rows * p / jb.parts, r1 = jb.rows * (p + 1) / jb.parts;
      DD s{};
      for (std::size_t r = r0; r < r1; ++r) s = add(s, DD{jb.loss(jb.job, r), 0});
      jb.sums[p] = s;
    }
  };
  parallel_chunks(parts, parts, body, &j);
  DD total{};
  for (unsigned p = 0; p < parts; ++p) total = add(total, j.sums[p]);
  return div(total, DD{static_cast<double>(rows), 0}).hi;
}

}  // namespace smx::simd
