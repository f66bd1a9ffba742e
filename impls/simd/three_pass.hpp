// The softmax kernels of the intrinsics paths (avx512.cpp, avx2.cpp), written
// once over an ISA "ops" type O that supplies the vector type V, lane mask M,
// loads/stores/arithmetic, fma_z (an FMA zeroed off a lane mask), exp2_bits (2^(k+64) from the exponent's magic-number sum),
// scale2/and_mask (twopass) and the sum accumulator Acc.
//
// Deliberately in an anonymous namespace: each ISA translation unit that
// includes this gets its own internal copy compiled with its own flags, so no
// instantiation can become a shared weak symbol (see avx512.cpp).
//
// vectorized (three_pass): m = max x (NaN ignored here: it reaches every
// output through the sum); e_i = exp(x_i) 2^(64 - k0) or exp(x_i - m) 2^64
// (RowExp: always an exact argument), summed with the exact
// rounding errors of the e_i (ExpErr, Sums); then y_i = fma(e_i, hi, e_i lo)
// 2^-64 with hi + lo = 2^64/sum: one rounding each (y_i 2^64 is rounded in
// the normal range, where e_i lo is still exact enough; taking 2^-64 off is
// exact unless y_i is subnormal). Float rows not written in place compute
// the max on the way (the shift-free exp does not need it) and check the
// window at the end. In cache the e_i are stored in y and scaled in place
// (reload); beyond kRecomputeBytes they are recomputed in the writing pass
// (x read twice, y written once). accurate keeps e_i + err_i to the end;
// online and twopass are the published alternatives, for comparison.
// The remainder runs the same instructions under a lane mask, so equal inputs
// give bit-identical outputs wherever they sit in the row.
#pragma once

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "impls/simd/exp_constants.hpp"
#include "impls/simd/kernels.hpp"

namespace {

namespace ec = smx::simd::exp_constants;

// The factor 2^64 that e carries (exp_constants.hpp).
constexpr double kScale = 0x1p64;
static_assert(ec::F32::scale_log2 == 64 && ec::F64::scale_log2 == 64);

using smx::simd::kRecomputeBytes;

// hi + lo = 2^64 / sum(h[j] + l[j]) to about 2^-100 relative, where h are
// the lanes' partial sums and l their small corrections.
inline void inverse_of_sum(const double* h, const double* l, std::size_t lanes, double& hi, double& lo) {
  double s = h[0], e = l[0];
  for (std::size_t j = 1; j < lanes; ++j) {  // TwoSum: the rounding errors go into e
    const double u = s + h[j], b = u - s;
    e += ((s - (u - b)) + (h[j] - b)) + l[j];
    s = u;
  }
  const double sum = s + e;  // renormalise: sum is the rounded total, e the rest
  e -= sum - s;
  const double h1 = 1.0 / sum;
  // 1 - sum h1 is exact with an FMA; then take off the low part of the sum.
  const double l1 = (__builtin_fma(-sum, h1, 1.0) - e * h1) * h1;
  hi = h1 * kScale;  // exact: a power of two, and hi, lo stay normal in the windows below
  lo = l1 * kScale;
}

// How a row's exponentials are taken, chosen from its max m, so that the
// argument of the polynomial is always exact and e a monotone function of x:
// - none: e = exp(x) 2^(64 - k0), k0 = round(m log2 e): no subtraction at
//   all. For m in (scaled_lo, scaled_hi) of exp_constants.hpp, where every
//   x that matters (x >= m - tail) still has an exact reduction x - k ln 2.
// - sub: e = exp(x - m) 2^64 for m outside that range: there x - m is exact
//   (Sterbenz) for every x >= m - tail, and the rest round to 0 anyway.
// These replaced a shift by every max with x - m made exact by TwoSum
// (s + t), which was not monotone where x - m is inexact and the x finer
// than r: r = rh + rl is rounded, and a change of t far below ulp(r) moved
// it by a whole ulp (tests/exact_shift_order_test.cpp). They are also five
// operations cheaper.
enum class Shift { none, sub };

template <class O>
struct RowExp {
  using T = typename O::T;
  using V = typename O::V;
  using W = std::conditional_t<std::is_same_v<T, float>, ec::F32, ec::F64>;
  Shift shift;
  V m;        // sub: m
  V lower;     // the argument (x, or x - m) is clamped here: outputs below round to 0
  V magic;     // W::magic_pow2 - k0: 2^(k - k0 + 64) from the bits (exp_of)
  T seed;      // a power of two above every e (double sums, below)
  int k0 = 0;  // the row's exponent offset (online merges its lanes to it)

  explicit RowExp(T mx) {
    const bool scaled = mx > W::scaled_lo && mx < W::scaled_hi;  // false for NaN and +-inf
    shift = scaled ? Shift::none : Shift::sub;
    const double l2 = static_cast<double>(mx) * 1.4426950408889634;
    const int k = scaled ? static_cast<int>(__builtin_floor(l2 + 0.5)) : 0;
    const int top = scaled ? static_cast<int>(__builtin_floor(l2)) : 0;
    set(scaled ? T(0) : mx, scaled ? mx - W::tail : -W::tail, k, top - k);
  }
  // The fused max pass's guess (float): k0 = 0, and a lower bound that does
  // not depend on m (it is not known yet): right for every m in the window
  // [window_lo, window_hi], checked after the pass.
  static RowExp guess() {
    RowExp r;
    r.shift = Shift::none;
    r.set(T(0), W::window_lo - W::tail, 0, 0);  // the seed is for double sums: float's ignore it
    return r;
  }
  static bool fits_guess(T mx) { return mx >= W::window_lo && mx <= W::window_hi; }
  // A reference per lane (online): k0 and the lower bound as vectors.
  // Built at every step of online: what exp_of reads, and no sums' seed.
  static RowExp per_lane(V k0, V low) {
    RowExp r;
    r.shift = Shift::none;
    r.m = r.lower = low;  // m: unused with Shift::none
    r.magic = O::sub(O::set1(W::magic_pow2), k0);
    r.seed = T(0);
    return r;
  }

 private:
  RowExp() = default;
  // e <= 2^(64 + top) (1 + 2^-50) < seed = 2^(64 + top + 2), top the largest
  // exponent of exp(m - c) 2^-k0; built in the bits (ldexp is a library call).
  void set(T c, T low, int k, int top) {
    k0 = k;
    m = O::set1(c);
    lower = O::set1(low);
    magic = O::set1(W::magic_pow2 - static_cast<T>(k));
    seed = static_cast<T>(__builtin_bit_cast(double, static_cast<std::uint64_t>(1023 + W::scale_log2 + top + 2) << 52));
  }
};

// Q(r) of exp_constants.hpp: exp(r) = 1 + r + r^2 Q(r).
template <class O>
inline typename O::V q_of(typename O::V r) {
  using V = typename O::V;
  if constexpr (std::is_same_v<typename O::T, float>) {
    using C = ec::F32;
    V q = O::fma(O::set1(C::c6), r, O::set1(C::c5));
    q = O::fma(q, r, O::set1(C::c4));
    q = O::fma(q, r, O::set1(C::c3));
    return O::fma(q, r, O::set1(C::c2));
  } else {
    using C = ec::F64;
    V q = O::fma(O::set1(C::c11), r, O::set1(C::c10));
    q = O::fma(q, r, O::set1(C::c9));
    q = O::fma(q, r, O::set1(C::c8));
    q = O::fma(q, r, O::set1(C::c7));
    q = O::fma(q, r, O::set1(C::c6));
    q = O::fma(q, r, O::set1(C::c5));
    q = O::fma(q, r, O::set1(C::c4));
    q = O::fma(q, r, O::set1(C::c3));
    return O::fma(q, r, O::set1(C::c2));
  }
}

// e = exp(x - c) 2^(64 - k0) on the lanes of `live` (0 elsewhere; x - c
// clamped at the row's lower bound), and err, what the final rounding of e took off (e + err is
// exp(x - c) 2^64 to the polynomial's accuracy). Summing e + err instead of e
// leaves each output with its own e's rounding only: with the sum of the
// rounded e, one dominant term's rounding would reach every output (up to
// 1 ulp more). err costs four operations; callers that do not read it (the
// exp-only probe, the scaling pass) do not compute it. Accurate (A): err also
// takes the rounding of inner (TwoSum), so that e + err is exp to the
// polynomial's accuracy, 2^-28 (float) or 2^-55.8 (double) relative.
template <class O>
struct ExpErr {
  typename O::V e, err;
};
template <class O, Shift S, bool A = false>
inline ExpErr<O> exp_of(typename O::V x, const RowExp<O>& row, typename O::M live) {
  using V = typename O::V;
  using T = typename O::T;
  using C = std::conditional_t<std::is_same_v<T, float>, ec::F32, ec::F64>;
  // The argument is clamped at the row's lower bound (a max on the adder,
  // where a compare into a mask would take the busier multiply pipes): e
  // there is exp(-tail) of the largest e at most, whose output rounds to 0
  // all the same. NaN stays NaN (max returns its second operand).
  const V s = O::max(row.lower, S == Shift::none ? x : O::sub(x, row.m));
  const V kbig = O::fma(s, O::set1(C::log2e), row.magic);  // k - k0 + bias + 64 in the low bits
  const V k = O::sub(kbig, row.magic);
  const V rh = O::fnma(k, O::set1(C::ln2_hi), s);  // exact
  const V rl = O::mul(k, O::set1(-C::ln2_lo));
  const V r = O::add(rh, rl);
  // 1 + (rh + (rl + r^2 Q(r))): the linear part is kept out of the rounding
  // of r and of Q, which makes e monotone in x (plain Horner is not, for
  // r < 0, by a rounding of its inner terms) and a little more accurate.
  const V v = O::fma(O::mul(r, r), q_of<O>(r), rl);
  const V inner = O::add(rh, v);
  // 2^(k+64) from the bits of kbig (exact: e is kept normal over the
  // windows); scaling by it in the last FMA rounds 1 + inner once, and the
  // same FMA with the result taken off gives that rounding's exact error.
  // This replaced scalef, three times the cost of an FMA on Zen 4.
  const V pow2 = O::exp2_bits(kbig);
  const V e = O::fma_z(live, inner, pow2, pow2);
  if constexpr (A) {  // TwoSum: inner + inner_err == rh + v, the error joins err
    const V b = O::sub(inner, rh);
    const V inner_err = O::add(O::sub(rh, O::sub(inner, b)), O::sub(v, b));
    return {e, O::fma_z(live, inner_err, pow2, O::fma(inner, pow2, O::sub(pow2, e)))};
  }
  return {e, O::fma_z(live, inner, pow2, O::sub(pow2, e))};
}

// The double sum of an ISA's double ops O (their Acc): s + c, s seeded with a
// power of two above every e, so that Fast2Sum is exact (the partial sum
// always has the larger exponent); the seed comes off exactly at the end.
template <class O>
struct SeededSum {
  using V = typename O::V;
  static constexpr std::size_t width = O::lanes;
  V s, c;
  typename O::T seed;
  explicit SeededSum(typename O::T sd) : s(O::set1(sd)), c(O::set1(0)), seed(sd) {}
  void add(V e) {
    const V t = O::add(s, e);
    c = O::add(c, O::sub(e, O::sub(t, s)));
    s = t;
  }
  void to_lanes(double* h, double* l) const {
    O::store(h, O::sub(s, O::set1(seed)));
    O::store(l, c);
  }
};

// The sum of N values added in pairs (short dependency chains).
template <std::size_t N>
inline double pairwise(const double* v) {
  if constexpr (N == 1) return v[0];
  else return pairwise<N / 2>(v) + pairwise<N - N / 2>(v + N / 2);
}

// Sum accumulators of e + err. Float: e summed in blocks of four vectors in
// float, then in double (the block sum's rounding is at most 2u relative,
// and the double sum of the blocks does not grow with n; 5-10% faster than
// pairs, 1.53 instead of 1.28 ulp at worst); err (at most 2^-24 e each) in float
// lanes, its own rounding far below. Double: s + c exact with Fast2Sum
// against the seed (every e is below it, so the partial sum always has the
// larger exponent); err goes into c.
template <class O, bool A = false>
struct Sums {
  using V = typename O::V;
  typename O::Acc acc[4];
  V err = O::set1(0);
  explicit Sums(typename O::T seed) : acc{typename O::Acc(seed), typename O::Acc(seed), typename O::Acc(seed), typename O::Acc(seed)} {}
  void add4(const ExpErr<O>& a, const ExpErr<O>& b, const ExpErr<O>& c, const ExpErr<O>& d) {
    if constexpr (std::is_same_v<typename O::T, float> && !A) {  // accurate: no pair roundings
      acc[0].add(O::add(O::add(a.e, b.e), O::add(c.e, d.e)));
    } else {
      acc[0].add(a.e);
      acc[1].add(b.e);
      acc[2].add(c.e);
      acc[3].add(d.e);
    }
    err = O::add(err, O::add(O::add(a.err, b.err), O::add(c.err, d.err)));
  }
  void add1(const ExpErr<O>& a) {
    acc[3].add(a.e);
    err = O::add(err, a.err);
  }
  // hi + lo = 2^64 / sum, in T.
  __attribute__((always_inline)) void inverse(typename O::T& hi, typename O::T& lo) const {
    constexpr std::size_t D = O::Acc::width;
    double h[4 * D], l[4 * D];
    for (std::size_t j = 0; j < 4; ++j) acc[j].to_lanes(h + j * D, l + j * D);
    typename O::T errs[O::lanes];
    O::store(errs, err);
    double err_lanes[O::lanes];
    for (std::size_t j = 0; j < O::lanes; ++j) err_lanes[j] = static_cast<double>(errs[j]);
    l[0] += pairwise<O::lanes>(err_lanes);  // a correction: tiny next to the sum
    double H, L;
    if constexpr (std::is_same_v<typename O::T, float>) {
      // Positive double lanes: their sum is good to 2^-48, far below float.
      // Pairwise rather than in a loop: a chain of 48 dependent additions was
      // a sixth of the time of a 1024-element row.
      for (std::size_t j = 0; j < 4 * D; ++j) h[j] += l[j];
      H = kScale / pairwise<4 * D>(h);
      L = 0;
    } else {
      inverse_of_sum(h, l, 4 * D, H, L);
    }
    hi = static_cast<typename O::T>(H);
    lo = static_cast<typename O::T>((H - static_cast<double>(hi)) + L);
  }
};

// hi + lo = 2^64 / sum: the factor of the scaling pass.
template <class T>
struct Scale {
  T hi, lo;
};

template <class O>
typename O::T row_max(const typename O::T* x, std::size_t n) {
  using V = typename O::V;
  constexpr std::size_t L = O::lanes;
  const V ninf = O::set1(-__builtin_huge_valf());
  V m0 = ninf, m1 = ninf, m2 = ninf, m3 = ninf;
  std::size_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L) {
    m0 = O::max(O::load(x + i), m0);
    m1 = O::max(O::load(x + i + L), m1);
    m2 = O::max(O::load(x + i + 2 * L), m2);
    m3 = O::max(O::load(x + i + 3 * L), m3);
  }
  for (; i + L <= n; i += L) m0 = O::max(O::load(x + i), m0);
  if (i < n) m1 = O::max(O::load_or(O::first(n - i), x + i, ninf), m1);
  return O::reduce_max(O::max(O::max(m0, m1), O::max(m2, m3)));
}

// Runs f(i, mask) over the row in vectors of L (4 at a time in the body:
// f4(i)), the remainder masked. Keeps the three loops of each pass in one place.
template <class O, class F4, class F1>
inline void for_row(std::size_t n, F4&& f4, F1&& f1) {
  constexpr std::size_t L = O::lanes;
  std::size_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L) f4(i);
  for (; i + L <= n; i += L) f1(i, O::all(), false);
  if (i < n) f1(i, O::first(n - i), true);
}

// Pass 2: e = exp(x - c) 2^64 summed, stored in y if `store` (and err in
// errs, if `keep`); if `track`, also the maximum of x (the window test of a
// row whose max was not known). A: accurate (exp_of, Sums).
template <class O, Shift S, bool store, bool track, bool A = false, bool keep = true>
Scale<typename O::T> sum_pass(const typename O::T* x, typename O::T* y, std::size_t n, const RowExp<O>& row,
                              typename O::T* mx = nullptr, typename O::T* errs = nullptr) {
  using V = typename O::V;
  using M = typename O::M;
  constexpr std::size_t L = O::lanes;
  const V ninf = O::set1(-__builtin_huge_valf());
  V m0 = ninf, m1 = ninf;
  Sums<O, A> sums(row.seed);
  auto e_of = [&](V v, M k) {
    if constexpr (track) m0 = O::max(v, m0);
    return exp_of<O, S, A>(v, row, k);
  };
  for_row<O>(
      n,
      [&](std::size_t i) {
        const V x0 = O::load(x + i), x1 = O::load(x + i + L), x2 = O::load(x + i + 2 * L), x3 = O::load(x + i + 3 * L);
        if constexpr (track) m1 = O::max(O::max(x0, x1), O::max(O::max(x2, x3), m1));
        const ExpErr<O> e0 = exp_of<O, S, A>(x0, row, O::all()), e1 = exp_of<O, S, A>(x1, row, O::all());
        const ExpErr<O> e2 = exp_of<O, S, A>(x2, row, O::all()), e3 = exp_of<O, S, A>(x3, row, O::all());
        if constexpr (store) {
          O::store(y + i, e0.e);
          O::store(y + i + L, e1.e);
          O::store(y + i + 2 * L, e2.e);
          O::store(y + i + 3 * L, e3.e);
          if constexpr (keep) {
            O::store(errs + i, e0.err);
            O::store(errs + i + L, e1.err);
            O::store(errs + i + 2 * L, e2.err);
            O::store(errs + i + 3 * L, e3.err);
          }
        }
        sums.add4(e0, e1, e2, e3);
      },
      [&](std::size_t i, M k, bool tail) {
        const ExpErr<O> e = e_of(tail ? O::load_or(k, x + i, ninf) : O::load(x + i), k);
        if constexpr (store) O::store_m(y + i, k, e.e);
        if constexpr (store && keep) O::store_m(errs + i, k, e.err);
        sums.add1(e);
      });
  if constexpr (track) *mx = O::reduce_max(O::max(m0, m1));
  // Inverted here, while the accumulators are in registers: returned through
  // memory, reloading them as whole vectors stalled on store forwarding (a
  // third of a 16-element row's time).
  Scale<typename O::T> c;
  sums.inverse(c.hi, c.lo);
  return c;
}

// Pass 3: y = (e + err)(hi + lo) 2^-64, one rounding (see the top), e and
// err reloaded from y and errs or recomputed from x. With the sum of e + err,
// y must scale e + err too: scaling e alone makes y fall where x rises
// within one rounded e (err grows, the sum with it), which the exhaustive
// sweep found 2.9 million times. keep = false (online): y = e (hi + lo) 2^-64.
template <class O, Shift S, bool reload, bool A = false, bool keep = true>
void scale_pass(const typename O::T* x, typename O::T* y, std::size_t n, const RowExp<O>& row,
                typename O::T hi_s, typename O::T lo_s, const typename O::T* errs = nullptr) {
  using T = typename O::T;
  using V = typename O::V;
  using M = typename O::M;
  constexpr std::size_t L = O::lanes;
  const V hi = O::set1(hi_s), lo = O::set1(lo_s);
  const V unscale = O::set1(static_cast<T>(1.0 / kScale));
  auto scale = [&](ExpErr<O> e) {
    if constexpr (keep) return O::mul(O::fma(e.e, hi, O::fma(e.e, lo, O::mul(e.err, hi))), unscale);
    else return O::mul(O::fma(e.e, hi, O::mul(e.e, lo)), unscale);
  };
  auto e_at = [&](std::size_t i, M k, bool tail) -> ExpErr<O> {
    if constexpr (reload) {
      const V e = tail ? O::load_z(k, y + i) : O::load(y + i);
      if constexpr (keep) return {e, tail ? O::load_z(k, errs + i) : O::load(errs + i)};
      else return {e, e};
    } else {
      return exp_of<O, S, A>(tail ? O::load_z(k, x + i) : O::load(x + i), row, k);
    }
  };
  // Recomputing (beyond the cache), y goes out with streaming stores from
  // its first vector-aligned element on: they skip reading y's lines before
  // writing them, a quarter of the memory traffic. The head before it is
  // masked, so every value is still computed the same way.
  std::size_t head = 0;
  bool stream = false;
  if constexpr (!reload) {
    const std::size_t a = reinterpret_cast<std::uintptr_t>(y) % sizeof(V);
    stream = a % sizeof(T) == 0;
    head = stream ? std::min(n, (sizeof(V) - a) % sizeof(V) / sizeof(T)) : 0;
    if (head) O::store_m(y, O::first(head), scale(e_at(0, O::first(head), true)));
  }
  auto put = [&](std::size_t i, V v) {
    if constexpr (!reload) {
      if (stream) return O::stream(y + i, v);
    }
    O::store(y + i, v);
  };
  for_row<O>(
      n - head,
      [&](std::size_t j) {
        const std::size_t i = j + head;
        const ExpErr<O> e0 = e_at(i, O::all(), false), e1 = e_at(i + L, O::all(), false);
        const ExpErr<O> e2 = e_at(i + 2 * L, O::all(), false), e3 = e_at(i + 3 * L, O::all(), false);
        put(i, scale(e0));
        put(i + L, scale(e1));
        put(i + 2 * L, scale(e2));
        put(i + 3 * L, scale(e3));
      },
      [&](std::size_t j, M k, bool tail) {
        const std::size_t i = j + head;
        if (tail) O::store_m(y + i, k, scale(e_at(i, k, tail)));
        else put(i, scale(e_at(i, k, tail)));
      });
  if (stream) O::stream_fence();  // the streamed stores are ordered before the caller reads y
}

template <class O, Shift S, bool reload, bool A>
void softmax_known(const typename O::T* x, typename O::T* y, std::size_t n, const RowExp<O>& row,
                   typename O::T* errs) {
  const auto c = sum_pass<O, S, reload, false, A>(x, y, n, row, nullptr, errs);
  scale_pass<O, S, reload, A>(x, y, n, row, c.hi, c.lo, errs);
}

template <class O, bool reload, bool A>
void softmax_by(const typename O::T* x, typename O::T* y, std::size_t n, const RowExp<O>& row, typename O::T* errs) {
  if (row.shift == Shift::none)
    softmax_known<O, Shift::none, reload, A>(x, y, n, row, errs);
  else
    softmax_known<O, Shift::sub, reload, A>(x, y, n, row, errs);
}

// x and y share memory (in place, or overlapping).
template <class T>
bool overlap(const T* x, const T* y, std::size_t n) {
  const auto a = reinterpret_cast<std::uintptr_t>(x), b = reinterpret_cast<std::uintptr_t>(y);
  return a < b + n * sizeof(T) && b < a + n * sizeof(T);
}

template <class O, bool reload, bool A>
void softmax_row(const typename O::T* x, typename O::T* y, std::size_t n, typename O::T* errs) {
  using T = typename O::T;
  // Float, x not overwritten before the end of pass 2: assume the window
  // (k0 = 0, which needs no max) and check it with the max computed on the
  // way; a row outside it starts again. The e of the two ways differ by the
  // exact factor 2^k0 (and the clamped ones, which never reach a sum of them),
  // so the outputs are the same bits wherever y is.
  if constexpr (std::is_same_v<T, float>) {
    if (!reload || !overlap(x, y, n)) {
      const RowExp<O> guess = RowExp<O>::guess();
      T mx;
      const auto c = sum_pass<O, Shift::none, reload, true, A>(x, y, n, guess, &mx, errs);
      if (RowExp<O>::fits_guess(mx)) return scale_pass<O, Shift::none, reload, A>(x, y, n, guess, c.hi, c.lo, errs);
      return softmax_by<O, reload, A>(x, y, n, RowExp<O>(mx), errs);
    }
  }
  softmax_by<O, reload, A>(x, y, n, RowExp<O>(row_max<O>(x, n)), errs);
}

// The vectorized softmax (A = false) and the accurate one (A: inner's
// rounding in err too, each e + err summed in double, no float pair sums):
// reload in cache (err beside e in the per-thread scratch of dispatch.cpp),
// recompute beyond.
template <class O, bool A>
void three_pass_row(const typename O::T* x, typename O::T* y, std::size_t n) {
  if (n == 0) return;
  if (n * sizeof(typename O::T) <= kRecomputeBytes)
    softmax_row<O, true, A>(x, y, n, smx::simd::errs_scratch(y, n));
  else
    softmax_row<O, false, A>(x, y, n, nullptr);
}
template <class O>
void three_pass(const typename O::T* x, typename O::T* y, std::size_t n) {
  three_pass_row<O, false>(x, y, n);
}

// The online normalizer (Milakov and Gimelshein, 2018): one pass keeps, per
// lane, a running reference from the running max m and the sum d of the
// exponentials relative to it, rescaling d whenever the reference grows; the
// lanes are merged, then a second pass recomputes the exponentials and scales
// them. The reference of a lane is 2^K, K = round(m log2 e) (m clamped below
// at scaled_lo): e = exp(x) 2^(64 - K) is RowExp's subtraction-free
// exponential (exact argument, monotone in x), and the rescale 2^(K_old -
// K_new) is exact and costs no second exponential. The published rescale
// exp(m_old - m_new), with x - m made exact by TwoSum, broke order where x - m
// is inexact (tests/exact_shift_order_test.cpp). d is a plain running sum in
// T. A row whose max is outside (scaled_lo, scaled_hi), or not finite, takes
// the vectorized kernel (checked after the pass, like twopass).
template <class O>
void online(const typename O::T* x, typename O::T* y, std::size_t n) {
  using T = typename O::T;
  using V = typename O::V;
  using M = typename O::M;
  using W = typename RowExp<O>::W;
  constexpr std::size_t L = O::lanes;
  if (n == 0) return;
  const V lowest = O::set1(sizeof(T) == 4 ? T(-__FLT_MAX__) : T(-__DBL_MAX__));
  const V floor_m = O::set1(W::scaled_lo), tail = O::set1(W::tail);
  const V log2e = O::set1(W::log2e), magic = O::set1(W::magic);
  auto k_of = [&](V m) { return O::sub(O::fma(O::max(floor_m, m), log2e, magic), magic); };
  const V k_start = k_of(lowest);
  V m[4] = {lowest, lowest, lowest, lowest}, d[4] = {O::set1(0), O::set1(0), O::set1(0), O::set1(0)};
  V kr[4] = {k_start, k_start, k_start, k_start};
  auto step = [&](int j, V v, M live) {
    const V m_new = O::max(v, m[j]);  // NaN v: ignored here, reaches d through exp
    const V k_new = k_of(m_new);
    const RowExp<O> row = RowExp<O>::per_lane(k_new, O::sub(O::max(floor_m, m_new), tail));
    d[j] = O::add(O::scale2(d[j], O::sub(kr[j], k_new)), exp_of<O, Shift::none>(v, row, live).e);
    m[j] = m_new;
    kr[j] = k_new;
  };
  for_row<O>(
      n,
      [&](std::size_t i) {
        step(0, O::load(x + i), O::all());
        step(1, O::load(x + i + L), O::all());
        step(2, O::load(x + i + 2 * L), O::all());
        step(3, O::load(x + i + 3 * L), O::all());
      },
      [&](std::size_t i, M k, bool tail_mask) { step(3, tail_mask ? O::load_or(k, x + i, lowest) : O::load(x + i), k); });
  const T mx = O::reduce_max(O::max(O::max(m[0], m[1]), O::max(m[2], m[3])));
  if (!(mx > W::scaled_lo && mx < W::scaled_hi)) return three_pass<O>(x, y, n);  // -inf, +inf rows too
  // Merge: D = sum of d 2^(K - k0) in double, k0 the row's (RowExp).
  const RowExp<O> row(mx);
  double total = 0;
  for (int j = 0; j < 4; ++j) {
    T dl[L], kl[L];
    O::store(dl, d[j]);
    O::store(kl, kr[j]);
    for (std::size_t l = 0; l < L; ++l)
      total += __builtin_ldexp(static_cast<double>(dl[l]), static_cast<int>(kl[l]) - row.k0);
  }
  const double inv = kScale / total;  // 2^64 / D
  const T hi = static_cast<T>(inv), lo = static_cast<T>(inv - static_cast<double>(hi));
  scale_pass<O, Shift::none, false, false, false>(x, y, n, row, hi, lo);
}

// Two passes with (mantissa, exponent) sums (Dukhan and Ablavatski, 2020):
// exp(x) = p 2^k with p in [0.7, 1.42] and k kept apart (as a float), so no
// max pass is needed and nothing overflows. Pass 1 keeps, per lane, a sum
// mantissa and the largest k seen, scaling the sum down when k grows; pass 2
// recomputes p 2^k and writes p (1/M) 2^(k - E). The range reduction
// x - k ln 2 is exact for |x| <= R (three-part ln 2 for float); rows whose
// max is outside [-R + 110, R] (or not finite) take the vectorized kernel,
// and entries below -R count as -R, where their outputs round to 0 anyway.
template <class T> struct TwoPassRange;
template <> struct TwoPassRange<float> {
  static constexpr float R = 11000.0f;  // |k| < 2^14: k c1 exact
  static constexpr float c1 = 0x1.63p-1f, c2 = -0x1.bd0106p-13f, c3 = 0x1.cf79acp-40f;  // ln 2 = c1 + c2 + c3
};
template <> struct TwoPassRange<double> {
  static constexpr double R = 1.0e6;  // |k| < 2^21: k ln2_hi exact
  static constexpr double c1 = ec::F64::ln2_hi, c2 = ec::F64::ln2_lo, c3 = 0;
};

// p and k of exp(x) for x >= -R (x clamped); NaN stays NaN.
template <class O>
inline void exp_parts(typename O::V x, typename O::V& p, typename O::V& k) {
  using T = typename O::T;
  using V = typename O::V;
  using C = std::conditional_t<std::is_same_v<T, float>, ec::F32, ec::F64>;
  using Rg = TwoPassRange<T>;
  const V xc = O::max(O::set1(-Rg::R), x);  // NaN x stays NaN (max returns its second operand)
  k = O::sub(O::fma(xc, O::set1(C::log2e), O::set1(C::magic)), O::set1(C::magic));
  V r = O::fnma(k, O::set1(Rg::c1), xc);  // exact
  r = O::fnma(k, O::set1(Rg::c2), r);
  if constexpr (Rg::c3 != 0) r = O::fnma(k, O::set1(Rg::c3), r);
  p = O::add(O::set1(T(1)), O::fma(O::mul(r, r), q_of<O>(r), r));
}

template <class O>
void twopass(const typename O::T* x, typename O::T* y, std::size_t n) {
  using T = typename O::T;
  using V = typename O::V;
  using M = typename O::M;
  using Rg = TwoPassRange<T>;
  constexpr std::size_t L = O::lanes;
  if (n == 0) return;
  const V ninf = O::set1(-__builtin_huge_valf());
  V mant[2] = {O::set1(0), O::set1(0)}, ex[2] = {ninf, ninf}, mx = ninf, nan = O::set1(0);
  auto add = [&](int j, V v, M live) {
    V p, k;
    exp_parts<O>(v, p, k);
    p = O::and_mask(p, live);  // off the row: 0
    nan = O::add(nan, O::mul(p, O::set1(T(0))));  // a NaN x makes p NaN; scalef may drop it below
    const V e_new = O::max(k, ex[j]);
    mant[j] = O::add(O::scale2(mant[j], O::sub(ex[j], e_new)), O::scale2(p, O::sub(k, e_new)));
    ex[j] = e_new;
  };
  for_row<O>(
      n,
      [&](std::size_t i) {
        const V x0 = O::load(x + i), x1 = O::load(x + i + L), x2 = O::load(x + i + 2 * L), x3 = O::load(x + i + 3 * L);
        mx = O::max(O::max(O::max(x0, x1), O::max(x2, x3)), mx);
        add(0, x0, O::all());
        add(1, x1, O::all());
        add(0, x2, O::all());
        add(1, x3, O::all());
      },
      [&](std::size_t i, M k, bool tail) {
        const V v = tail ? O::load_or(k, x + i, ninf) : O::load(x + i);
        mx = O::max(v, mx);
        add(0, v, k);
      });
  T nl[L];
  O::store(nl, nan);
  bool has_nan = false;
  for (T v : nl) has_nan |= v != v;
  const T m = O::reduce_max(mx);
  if (has_nan || !(m >= -Rg::R + 110 && m <= Rg::R)) return three_pass<O>(x, y, n);  // NaN, +-inf, out of range
  // Merge the lanes: E = the largest k, M = sum of mant 2^(k - E), in double.
  const T E = O::reduce_max(O::max(ex[0], ex[1]));
  double total = 0;
  for (int j = 0; j < 2; ++j) {
    T ml[L], el[L];
    O::store(ml, mant[j]);
    O::store(el, ex[j]);
    for (std::size_t l = 0; l < L; ++l)
      total += __builtin_ldexp(static_cast<double>(ml[l]), static_cast<int>(__builtin_fmax(el[l] - E, -2000.0)));
  }
  const double inv = 1.0 / total;
  const V hi = O::set1(static_cast<T>(inv)), lo = O::set1(static_cast<T>(inv - static_cast<double>(static_cast<T>(inv))));
  const V e_max = O::set1(E);
  auto out = [&](V v) {
    V p, k;
    exp_parts<O>(v, p, k);
    return O::scale2(O::fma(p, hi, O::mul(p, lo)), O::sub(k, e_max));
  };
  for_row<O>(
      n,
      [&](std::size_t i) {
        const V y0 = out(O::load(x + i)), y1 = out(O::load(x + i + L));
        const V y2 = out(O::load(x + i + 2 * L)), y3 = out(O::load(x + i + 3 * L));
        O::store(y + i, y0);
        O::store(y + i + L, y1);
        O::store(y + i + 2 * L, y2);
        O::store(y + i + 3 * L, y3);
      },
      [&](std::size_t i, M k, bool tail) { O::store_m(y + i, k, out(tail ? O::load_z(k, x + i) : O::load(x + i))); });
}

// The exponential alone, exactly as the softmax computes it on rows whose
// maximum is in the window (e = exp(x) 2^64, neither summed nor scaled): the
// benchmarks' exp-only roofline probe, the cost of one exp per element that
// no softmax of this design can beat.
template <class O>
void exp_only(const typename O::T* x, typename O::T* y, std::size_t n) {
  using V = typename O::V;
  constexpr std::size_t L = O::lanes;
  const RowExp<O> row = RowExp<O>::guess();
  std::size_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const V e0 = exp_of<O, Shift::none>(O::load(x + i), row, O::all()).e;
    const V e1 = exp_of<O, Shift::none>(O::load(x + i + L), row, O::all()).e;
    O::store(y + i, e0);
    O::store(y + i + L, e1);
  }
  for (; i + L <= n; i += L) O::store(y + i, exp_of<O, Shift::none>(O::load(x + i), row, O::all()).e);
  if (i < n) {
    const typename O::M k = O::first(n - i);
    O::store_m(y + i, k, exp_of<O, Shift::none>(O::load_z(k, x + i), row, k).e);
  }
}

}  // namespace

// The exported kernels of kernels.hpp, defined once for avx512.cpp and
// avx2.cpp: each names its ops by element type (OpsOf<float> = F32, ...) and
// expands SMX_THREE_PASS_EXPORTS inside its namespace smx::simd::<isa>.
namespace {
template <template <class> class OpsOf, class T>
struct Kernels {
  using O = OpsOf<T>;
  static void softmax(const T* x, T* y, std::size_t n) { three_pass<O>(x, y, n); }
  static void exp(const T* x, T* y, std::size_t n) { exp_only<O>(x, y, n); }
  static void accurate(const T* x, T* y, std::size_t n) { three_pass_row<O, true>(x, y, n); }
  static void online(const T* x, T* y, std::size_t n) { ::online<O>(x, y, n); }
  static void twopass(const T* x, T* y, std::size_t n) { ::twopass<O>(x, y, n); }
};
}  // namespace
#define SMX_THREE_PASS_KERNEL(name, T, suffix) \
  void name##_##suffix(const T* x, T* y, std::size_t n) { Kernels<OpsOf, T>::name(x, y, n); }
#define SMX_THREE_PASS_EXPORTS SMX_SIMD_KERNELS(SMX_THREE_PASS_KERNEL)
