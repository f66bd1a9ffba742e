// Tier 1: long double evaluation with a rigorous error bound.
//
// With m = max x, d_i = x_i - m is exact as a long double pair (TwoSum), so
// the argument reduction loses nothing. e_i = exp(d_i) comes from our own
// pair-valued kernel (ld_arith.hpp, relative error <= 2^-77), S1 = sum of
// e_j over the finite entries other than the max (compensated, error
// (k+2)^2 u^2), S = 1 + S1. Then
//   softmax_i     = e_i / S            (pair division, error < 2^-120)
//   log_softmax_i = d_i - log1p(S1)    (log1p to ~2^-70 by a Newton step)
//   logsumexp     = m + log1p(S1)
// Each result is a pair with an absolute error bound; decide() rounds it to
// T when no rounding boundary lies within the bound. The rest goes to the
// multiprecision tier. Keeping S1 apart from the max's exact 1 keeps its
// relative accuracy when S1 is tiny (one dominant logit), which log1p needs.
#include <cmath>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "reference/detail.hpp"
#include "reference/ld_arith.hpp"
#include "reference/rounding.hpp"

namespace smx::ref::detail {
namespace {

constexpr long double ln2_ld = 0.693147180559945309417232121458176568L;
constexpr long double inf_ld = std::numeric_limits<long double>::infinity();

// Below this d_i = x_i - m, softmax_i <= exp(d_i) < denorm_min/2, so it
// rounds to +0 for sure (S >= 1). The 1e-9 covers the rounding of ln 2.
template <class T>
constexpr long double zero_threshold() {
  using L = std::numeric_limits<T>;
  return (L::min_exponent - L::digits - 1) * ln2_ld - 1e-9L;
}

// The exponent d_i = (x_i - m) / temperature as a pair: exact for a power of
// two (long double's range holds every quotient), else a pair quotient with
// relative error below 2^-118, which each exp turns into a relative error
// of |d_i| 2^-118 (<= 11000 2^-118 where an exp is taken).
struct Scale {
  long double t = 1;
  bool exact = true;
  explicit Scale(long double temperature) : t(temperature) {
    int e = 0;
    exact = std::frexp(temperature, &e) == 0.5L;
  }
  LdPair of(long double v, long double m) const {
    const LdPair d = two_sum(v, -m);
    if (t == 1) return d;
    if (exact) return {d.hi / t, d.lo / t};
    return div_pair(d, {t, 0});
  }
  long double rel_err(long double d) const { return exact ? 0.0L : std::fabs(d) * 0x1p-118L; }
  long double exp_rel_err() const { return exact ? 0.0L : exp_pair_max_arg * 0x1p-117L; }
};

// S1 = sum over finite j != jmax of exp(x_j - m), as a pair with an absolute
// error bound. Terms with d_j < cut are not computed; each is < exp(cut).
struct SumS1 {
  LdPair s1;
  long double err = 0;
  std::size_t computed = 0, dropped = 0;
};

template <class T, bool Store>
SumS1 sum_s1(std::span<const T> x, const RowScan<T>& scan, long double cut, LdPair* store,
             const ExpTable& tb, const Scale& sc) {
  const long double m = scan.m;
  long double hi = 0, lo = 0;
  std::size_t computed = 0, dropped = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const T v = x[i];
    if (!(v > -std::numeric_limits<T>::infinity()) || i == scan.jmax) {
      if constexpr (Store) store[i] = {i == scan.jmax ? 1.0L : 0.0L, 0};
      continue;
    }
    const LdPair d = sc.of(v, m);
    if (d.hi < cut) {
      ++dropped;
      if constexpr (Store) store[i] = {0, 0};
      continue;
    }
    const LdPair e = exp_pair(d.hi, d.lo, tb);
    if constexpr (Store) store[i] = e;
    ++computed;
    // Compensated (Neumaier-style) accumulation of a positive series: the
    // exact sum is hi + (the errors and lows collected in lo).
    const LdPair t = two_sum(hi, e.hi);
    hi = t.hi;
    lo += t.lo + e.lo;
  }
  SumS1 r;
  r.s1 = fast_two_sum(hi, lo);  // |lo| <= (k+2) u hi < hi
  r.computed = computed;
  r.dropped = dropped;
  // Kernel error (relative, positive terms) + compensated-sum error
  // (<= (k+2)^2 u^2 S1, doubled) + the dropped terms (expl(cut) within a
  // factor 2 of exp(cut), surely).
  const auto k = static_cast<long double>(computed) + 2;
  r.err = (exp_pair_eta * 1.01L + sc.exp_rel_err() + 2 * k * k * ld_u * ld_u) * hi +
          (dropped ? 2 * static_cast<long double>(dropped) * std::exp(cut) : 0.0L);
  return r;
}

// L = log1p(S1) as a pair with an absolute error bound, S1 > 0 known to
// +-err_s1. L0 = log1pl(S1) is only a guess (no accuracy assumed); then
// rho = (1 + S1) exp(-L0) - 1 is evaluated in pair arithmetic with our exp
// kernel and L = L0 + log1p(rho) ~ L0 + rho - rho^2/2, which makes the bound
// a posteriori: it depends on the computed rho, not on log1pl's quality.
// Relative to L the bound is ~2^-76 for L < 0.00135 (expm1 of a small
// argument keeps relative accuracy) and ~2^-77 / L above.
struct LogS {
  LdPair L;
  long double err = inf_ld;
};

LogS log1p_pair(LdPair s1, long double err_s1, const ExpTable& tb) {
  const long double L0 = std::log1p(s1.hi + s1.lo);
  if (!(L0 > 0) || !(L0 < 1e4L)) return {{L0, 0}, inf_ld};
  LdPair em;  // exp(-L0) - 1, in (-1, 0]
  long double err_em;
  if (L0 < expm1_small_max_arg) {
    em = expm1_small(-L0, 0);
    err_em = expm1_small_eta(L0) * 1.01L * std::fabs(em.hi);
  } else {
    const LdPair e = exp_pair(-L0, 0, tb);
    const LdPair t = two_sum(e.hi, -1.0L);
    em = {t.hi, t.lo + e.lo};
    err_em = exp_pair_eta * 1.01L * e.hi + 2 * ld_u * std::fabs(em.lo);
  }
  // rho = s1 + em + s1 em: the leading terms cancel almost completely, so
  // they are combined exactly and only the small parts are rounded.
  const LdPair a = two_sum(s1.hi, em.hi);
  const LdPair p = two_prod(s1.hi, em.hi);
  const LdPair b = two_sum(a.hi, p.hi);
  const long double parts[] = {a.lo, p.lo, b.lo, s1.lo, em.lo, s1.hi * em.lo, s1.lo * em.hi};
  long double rest = 0, mag = 0;
  for (const long double v : parts) {
    rest += v;
    mag += std::fabs(v);
  }
  const long double rho = b.hi + rest;
  // d rho / d S1 = 1 + em = exp(-L0); d rho / d em = 1 + S1.
  const long double err_rho = (err_em * (1 + s1.hi) + err_s1 * (1 + em.hi)) * 1.01L + 8 * ld_u * mag +
                              std::fabs(s1.lo * em.lo) + 2 * ld_u * std::fabs(rho) +
                              0x1p-16300L;  // underflow in products of tiny S1 and em (S1 >= 2^-15870)
  if (!(std::fabs(rho) <= 0x1p-20L * L0)) return {{L0, 0}, inf_ld};  // log1pl was off: give up
  const long double corr = rho - rho * rho / 2;
  LogS r;
  r.L = fast_two_sum(L0, corr);
  const long double ar = std::fabs(rho);
  r.err = err_rho * (1 + 0x1p-18L) + ar * ar * ar / 2 + 2 * ld_u * (std::fabs(corr) + ar * ar);
  return r;
}

// Fallback for the outputs listed in idx; writes them and updates stats.
template <class T>
void resolve(Op op, const MpRow<T>& row, std::span<const std::size_t> idx, std::span<T> out,
             const Options& opt, Stats& st) {
  if (idx.empty()) return;
  std::vector<T> res(idx.size());
  const unsigned bits = mp_resolve<T>(opt.backend, op, row, idx, res);
  for (std::size_t j = 0; j < idx.size(); ++j) out[idx[j]] = res[j];
  st.fallback += idx.size();
  if (bits > st.max_precision_bits) st.max_precision_bits = bits;
}

template <class T>
MpRow<T> mp_row(std::span<const T> x, const RowScan<T>& scan, long double temperature = 1) {
  MpRow<T> r;
  r.temperature = temperature;
  r.x = x;
  r.m = scan.m;
  r.jmax = scan.jmax;
  r.d2 = two_sum(scan.m2, -static_cast<long double>(scan.m)).hi / temperature;
  r.n_finite = scan.n_finite;
  r.uniform = false;
  return r;
}

}  // namespace

template <class T>
Stats fast_softmax(std::span<const T> x, const RowScan<T>& scan, std::span<T> out,
                   std::span<long double> value, const Options& opt) {
  const ExpTable& tb = exp_table();
  const std::size_t n = x.size();
  const bool want_value = !value.empty();
  constexpr long double zero_below = zero_threshold<T>();
  // Without values, terms that round to 0 need no exp: each is below half
  // the smallest subnormal, relative to S >= 1; counted in the bound.
  const long double cut = want_value ? -exp_pair_max_arg : zero_below;

  // The exponentials, 32 bytes each, kept from the sum for the quotients:
  // per thread and reused, so rows allocate nothing once warm. Past 2^20
  // they are computed again instead (the same function of the same
  // arguments, so the same values): stored, 2^24 of them held 512 MiB.
  constexpr std::size_t stored_up_to = std::size_t{1} << 20;
  const bool stored = n <= stored_up_to;
  thread_local std::vector<LdPair> scratch;
  if (stored && scratch.size() < n) scratch.resize(n);
  const Scale sc(opt.temperature);
  const SumS1 sum = stored ? sum_s1<T, true>(x, scan, cut, scratch.data(), tb, sc)
                           : sum_s1<T, false>(x, scan, cut, nullptr, tb, sc);
  const auto exp_of = [&](std::size_t i, const LdPair& d) -> LdPair {
    if (stored) return scratch[i];
    return i == scan.jmax ? LdPair{1.0L, 0} : exp_pair(d.hi, d.lo, tb);  // as sum_s1 has it
  };

  const LdPair s0 = two_sum(1.0L, sum.s1.hi);
  const LdPair S = fast_two_sum(s0.hi, s0.lo + sum.s1.lo);  // div_pair wants |lo| <= ulp(hi)
  const long double rel_s = sum.err / S.hi * (1 + 0x1p-40L);
  // float's ulp is 2^-24 relative: the quotient's own rounding (2^-64) can
  // stay in the bound instead of being recovered exactly (Dekker) as for double.
  constexpr bool exact_quotient = !std::is_same_v<T, float>;
  constexpr long double rel_div = exact_quotient ? 0x1p-118L : 2 * ld_u;

  Stats st;
  std::vector<std::size_t> pending;
  const long double m = scan.m;
  for (std::size_t i = 0; i < n; ++i) {
    const T v = x[i];
    if (!(v > -std::numeric_limits<T>::infinity())) {
      out[i] = 0;
      if (want_value) value[i] = 0;
      ++st.special;
      continue;
    }
    const LdPair d = sc.of(v, m);
    if (d.hi < cut) {  // only when values are wanted below -11000, or below zero_below
      out[i] = 0;
      if (want_value) value[i] = std::exp(d.hi) / S.hi;
      ++st.special;
      continue;
    }
    const LdPair e = exp_of(i, d);
    LdPair y;
    if constexpr (exact_quotient) {
      y = div_pair(e, S);
    } else {
      const long double q = e.hi / S.hi;
      y = {q, (e.lo - q * S.lo) / S.hi};
    }
    if (want_value) value[i] = y.hi + y.lo;
    if (d.hi < zero_below) {
      out[i] = 0;
      ++st.special;
      continue;
    }
    if (!opt.force_multiprecision) {
      const long double rel = (v == scan.m ? 0.0L : exp_pair_eta * 1.01L + sc.rel_err(d.hi)) + rel_s + rel_div;
      const long double err = rel * (1 + 0x1p-40L) * y.hi;
      const Decision<T> dec = decide<T, long double>(y.hi, y.lo, 0.0L, 0.0L, err, +1, 0, ld_u);
      if (dec.decided) {
        out[i] = dec.value;
        ++st.fast;
        continue;
      }
    }
    pending.push_back(i);
  }
  resolve<T>(Op::softmax, mp_row(x, scan, opt.temperature), pending, out, opt, st);
  return st;
}

template <class T>
Stats fast_log_softmax(std::span<const T> x, const RowScan<T>& scan, std::span<T> out,
                       std::span<long double> value, const Options& opt) {
  const ExpTable& tb = exp_table();
  const std::size_t n = x.size();
  const bool want_value = !value.empty();
  const long double m = scan.m;
  // Terms 250 below the second largest are < e^-250 S1 each: negligible
  // (counted in the bound) and not worth an exp.
  const Scale sc(opt.temperature);
  const long double d2 = sc.of(scan.m2, m).hi;
  const long double cut = std::max(-exp_pair_max_arg, d2 - 250);
  const SumS1 sum = sum_s1<T, false>(x, scan, cut, nullptr, tb, sc);
  // All other entries below -11000: 0 < log1p(S1) < 2^-15000, below any
  // rounding resolution of T; y_i = d_i - (that) is decided exactly by
  // rounding d_i with ties going down.
  const bool infinitesimal = sum.computed == 0;
  const LogS L = infinitesimal ? LogS{} : log1p_pair(sum.s1, sum.err, tb);

  Stats st;
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < n; ++i) {
    const T v = x[i];
    if (!(v > -std::numeric_limits<T>::infinity())) {
      out[i] = -std::numeric_limits<T>::infinity();
      if (want_value) value[i] = -inf_ld;
      ++st.special;
      continue;
    }
    const LdPair d = sc.of(v, m);
    if (infinitesimal && sc.exact) {
      const Decision<T> dec = decide<T, long double>(d.hi, d.lo, 0.0L, 0.0L, 0.0L, -1, -1, ld_u);
      if (want_value) value[i] = d.hi + d.lo;
      if (!dec.decided) throw std::logic_error("reference: infinitesimal log_softmax undecided");
      out[i] = dec.value;
      ++st.special;
      continue;
    }
    // y = d.hi + d.lo - L: the exact parts stay apart from the approximate
    // one, so a tiny L still decides when d is exactly a rounding boundary.
    if (want_value) value[i] = d.hi + (d.lo - L.L.hi);
    if (!opt.force_multiprecision) {
      const long double err = L.err * (1 + 0x1p-40L) + sc.rel_err(d.hi) * 1.01L;
      const Decision<T> dec = decide<T, long double>(d.hi, d.lo, -L.L.hi, -L.L.lo, err, -1, 0, ld_u);
      if (dec.decided) {
        out[i] = dec.value;
        ++st.fast;
        continue;
      }
    }
    pending.push_back(i);
  }
  resolve<T>(Op::log_softmax, mp_row(x, scan, opt.temperature), pending, out, opt, st);
  return st;
}

// 1 - p_t = N / S with N = S - e_t: for the max N is S1 itself; for any
// other entry e_t <= 1 <= N, so the subtraction loses nothing relative to N.
template <class T>
T fast_complement(std::span<const T> x, const RowScan<T>& scan, std::size_t t, const Options& opt, Stats& st,
                  long double* value) {
  const ExpTable& tb = exp_table();
  const long double m = scan.m;
  const long double d2 = two_sum(scan.m2, -m).hi;
  const long double cut = std::max(-exp_pair_max_arg, d2 - 250);  // dropped terms: < e^-250 S1 each
  const SumS1 sum = sum_s1<T, false>(x, scan, cut, nullptr, tb, Scale(1));
  const LdPair s0 = two_sum(1.0L, sum.s1.hi);
  const LdPair S = fast_two_sum(s0.hi, s0.lo + sum.s1.lo);
  LdPair num = sum.s1;
  long double err_num = sum.err;
  if (t != scan.jmax) {
    const LdPair d = two_sum(x[t], -m);
    // Below the cut, e_t was dropped from S1 already (and is in its error).
    const LdPair e = x[t] == scan.m ? LdPair{1.0L, 0} : d.hi < cut ? LdPair{0, 0} : exp_pair(d.hi, d.lo, tb);
    const LdPair a = two_sum(S.hi, -e.hi);
    const long double lo = S.lo - e.lo;
    num = fast_two_sum(a.hi, a.lo + lo);
    err_num = sum.err + exp_pair_eta * 1.01L * e.hi + 4 * ld_u * (std::fabs(a.lo) + std::fabs(lo));
  }
  const LdPair c = div_pair(num, S);
  if (value) *value = c.hi + c.lo;
  if (!opt.force_multiprecision) {
    const long double rel = err_num / num.hi + sum.err / S.hi + 0x1p-118L;
    const long double err = rel * (1 + 0x1p-30L) * c.hi;
    const Decision<T> dec = decide<T, long double>(c.hi, c.lo, 0.0L, 0.0L, err, +1, 0, ld_u);
    if (dec.decided) {
      ++st.fast;
      return dec.value;
    }
  }
  const std::size_t idx[1] = {t};
  T res[1];
  const unsigned bits = mp_resolve<T>(opt.backend, Op::complement, mp_row(x, scan), idx, res);
  ++st.fallback;
  st.max_precision_bits = std::max(st.max_precision_bits, bits);
  return res[0];
}

template <class T>
T fast_logsumexp(std::span<const T> x, const RowScan<T>& scan, const Options& opt) {
  const ExpTable& tb = exp_table();
  const long double m = scan.m;
  const long double d2 = two_sum(scan.m2, -m).hi;
  const long double cut = std::max(-exp_pair_max_arg, d2 - 250);
  const SumS1 sum = sum_s1<T, false>(x, scan, cut, nullptr, tb, Scale(1));
  if (sum.computed == 0) {  // m + (something in (0, 2^-15000))
    const Decision<T> dec = decide<T, long double>(m, 0.0L, 0.0L, 0.0L, 0.0L, 0, +1, ld_u);
    return dec.value;
  }
  if (!opt.force_multiprecision) {
    const LogS L = log1p_pair(sum.s1, sum.err, tb);
    const long double err = L.err * (1 + 0x1p-40L);
    const Decision<T> dec = decide<T, long double>(m, 0.0L, L.L.hi, L.L.lo, err, 0, 0, ld_u);
    if (dec.decided) return dec.value;
  }
  const std::size_t idx[1] = {npos};
  T res[1];
  mp_resolve<T>(opt.backend, Op::logsumexp, mp_row(x, scan), idx, res);
  return res[0];
}

template <class T>
T uniform_logsumexp(T m, std::size_t k, const Options& opt, unsigned* bits) {
  if (bits) *bits = 0;
  if (!opt.force_multiprecision) {
    // S1 = k - 1 exactly.
    const LogS L = log1p_pair({static_cast<long double>(k - 1), 0}, 0, exp_table());
    const long double err = L.err * (1 + 0x1p-40L);
    const Decision<T> dec = decide<T, long double>(static_cast<long double>(m), 0.0L, L.L.hi, L.L.lo, err, 0, 0, ld_u);
    if (dec.decided) return dec.value;
  }
  MpRow<T> row;
  row.m = m;
  row.d2 = 0;
  row.n_finite = k;
  row.uniform = true;
  const std::size_t idx[1] = {npos};
  T res[1];
  const unsigned b = mp_resolve<T>(opt.backend, Op::logsumexp, row, idx, res);
  if (bits) *bits = b;
  return res[0];
}

#define SMX_INSTANTIATE(T)                                                                         \
  template Stats fast_softmax<T>(std::span<const T>, const RowScan<T>&, std::span<T>,              \
                                 std::span<long double>, const Options&);                          \
  template Stats fast_log_softmax<T>(std::span<const T>, const RowScan<T>&, std::span<T>,          \
                                     std::span<long double>, const Options&);                      \
  template T fast_logsumexp<T>(std::span<const T>, const RowScan<T>&, const Options&);             \
  template T fast_complement<T>(std::span<const T>, const RowScan<T>&, std::size_t, const Options&, Stats&, \
                                long double*);                                                     \
  template T uniform_logsumexp<T>(T, std::size_t, const Options&, unsigned*);
SMX_INSTANTIATE(float)
SMX_INSTANTIATE(double)
#undef SMX_INSTANTIATE

}  // namespace smx::ref::detail
