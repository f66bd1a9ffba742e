// The portable target's operations: plain C++ written for the compiler to
// vectorize at the baseline (SSE2 on x86-64), no intrinsics. Each algorithm's
// portable kernel (its header, under SMX_SIMD_PORTABLE_TU) is written over
// these. Same algorithms as the intrinsics paths (the constants of
// exp_constants.hpp, the row reference of row_reference.hpp), adapted to
// having no FMA:
// - k ln2_hi is an exact product (ln2_hi is short), so s - k ln2_hi is exact
//   by Sterbenz; exp(r) is summed as 1 + (rh + (rl + r^2 Q(r))) as in the
//   other paths (monotone in x, and without FMA much better than Horner);
// - the last pass cannot use fma(e, hi, e lo): float multiplies in double
//   (exact product, one rounding to float), double splits e * hi exactly
//   (Dekker's product) before adding e * lo.
// The row is processed in blocks of B lanes (fixed trip count, per-lane
// accumulators, so the loops vectorize without reassociating anything) and a
// scalar remainder; both call the same scalar functions, so equal inputs give
// bit-identical outputs wherever they sit.
//
// Only portable.cpp, built with the baseline flags, may include this (it
// defines SMX_SIMD_PORTABLE_TU): included in an ISA translation unit, this
// code would be compiled with that unit's flags (and FP_FAST_FMA would pick
// the other Split). Anonymous namespace, as for the intrinsics (exp.hpp).
#pragma once

#ifndef SMX_SIMD_PORTABLE_TU
#error "impls/simd/portable_ops.hpp belongs to the portable translation unit (portable.cpp) alone"
#endif

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "impls/simd/exp_constants.hpp"
#include "impls/simd/pass_options.hpp"
#include "impls/simd/row_reference.hpp"

namespace smx::simd::portable {
namespace {

namespace ec = smx::simd::exp_constants;
static_assert(ec::F32::scale_log2 == 64 && ec::F64::scale_log2 == 64, "0x1p64 below is e's scale");

template <class T> struct Traits;
template <> struct Traits<float> {
  using C = ec::F32;  // = ec::For<float>
  using U = std::uint32_t;
  static constexpr std::size_t B = 16;
  static float q(float r) {  // Q(r) of exp_constants.hpp
    float p = C::c6 * r + C::c5;
    p = p * r + C::c4;
    p = p * r + C::c3;
    return p * r + C::c2;
  }
};
template <> struct Traits<double> {
  using C = ec::F64;
  using U = std::uint64_t;
  static constexpr std::size_t B = 8;
  static double q(double r) {
    double p = C::c11 * r + C::c10;
    p = p * r + C::c9;
    p = p * r + C::c8;
    p = p * r + C::c7;
    p = p * r + C::c6;
    p = p * r + C::c5;
    p = p * r + C::c4;
    p = p * r + C::c3;
    return p * r + C::c2;
  }
};

// exp(x - c) 2^(64 - k0) for x - c >= cut, c = 0 (none) or m; below the cut
// (-inf included) a value so small that e * (1/sum) rounds to exactly 0. NaN
// stays NaN. bias = exp_bias + 64 - k0, added to k in the exponent bits. cut
// is a value the compiler cannot see through (opaque_zero, below).
// No branches and no masks: only selects between values already computed,
// which the compiler turns into vector compares and blends (a select guarding
// arithmetic, or a 64-bit integer mask, keeps GCC from vectorizing at SSE2).
// err: what the final rounding of e took off (exp.hpp, ExpErr), with
// Accuracy::faithful also the rounding of inner; callers that do not read it
// let the compiler drop it.
template <Shift S, Accuracy A = Accuracy::compensated, class T>
inline T exp_of(T x, T m, T cut, typename Traits<T>::U bias, T& err) {
  using Tr = Traits<T>;
  using C = typename Tr::C;
  using U = typename Tr::U;
  T s = x;
  if constexpr (S == Shift::sub) s = x - m;
  // Clamp s to the cutoff (a NaN s is kept: the compare is false).
  const T sc = cut > s ? cut : s;
  const T kbig = sc * C::log2e + C::magic;  // k = round(s / ln 2) in the low bits
  const T k = kbig - C::magic;
  const T rh = sc - k * C::ln2_hi;  // exact
  const T rl = -k * C::ln2_lo;
  const T r = rh + rl;
  // 2^(k - k0 + 64) in the exponent bits; the magic number's high bits shift out.
  const U bits = (std::bit_cast<U>(kbig) + bias) << C::mantissa_bits;
  // 1 + (rh + (rl + r^2 Q(r))): the linear part without r's rounding.
  const T v = (r * r) * Tr::q(r) + rl;
  const T inner = rh + v;
  const T p = T(1) + inner;
  T e_err = (T(1) - p) + inner;  // exact: Sterbenz, then a sum's error
  if constexpr (A == Accuracy::faithful) {  // TwoSum: inner's own rounding
    const T b = inner - rh;
    e_err += (rh - (inner - b)) + (v - b);
  }
  err = e_err * std::bit_cast<T>(bits);
  return p * std::bit_cast<T>(bits);
}
template <Shift S, class T>
inline T exp_of(T x, T m, T cut, typename Traits<T>::U bias) {
  T unused;
  return exp_of<S>(x, m, cut, bias, unused);
}

// max(v, acc) as the hardware max instruction does it: a NaN v loses (the
// maximum ignores NaN), and reaches every output through the sum instead.
template <class T>
inline T max_keep(T v, T acc) { return v > acc ? v : acc; }

// e / sum (accurate: (e + err) / sum, e + err exact in double), one rounding to float.
struct ScaleF32 {
  double inv;
  float operator()(float e) const { return static_cast<float>(static_cast<double>(e) * inv); }
  float operator()(float e, float err) const {
    return static_cast<float>((static_cast<double>(e) + static_cast<double>(err)) * inv);
  }
};

// p + two_prod_err(a, b, p) == a b exactly, for p = a b rounded.
#if defined(FP_FAST_FMA)
// A hardware FMA (other targets, or -mfma): exact in one instruction. It is
// also required for correctness there, since the compiler may then contract
// the splitting below into FMAs and break it.
struct Split {
  double v;
  explicit Split(double a) : v(a) {}
};
inline double two_prod_err(const Split& a, const Split& b, double p) { return std::fma(a.v, b.v, -p); }
#else
// Dekker's product: Veltkamp splits each factor into halves whose products are exact.
struct Split {
  double h, l;
  explicit Split(double a) {
    const double c = a * 134217729.0;  // 2^27 + 1
    h = c - (c - a);
    l = a - h;
  }
};
inline double two_prod_err(const Split& a, const Split& b, double p) {
  return ((a.h * b.h - p) + a.h * b.l + a.l * b.h) + a.l * b.l;
}
#endif

// e (hi + lo) 2^-64 rounded once, for hi + lo = 2^64/sum: e hi is split
// exactly into p + err first. The sum is rounded at y 2^64, in the normal
// range, where the small terms are exact enough even when y is tiny; taking
// 2^-64 off after is exact unless y is subnormal.
struct ScaleF64 {
  double hi, lo;
  Split hs;
  double operator()(double e) const {
    const double p = e * hi;
    return (p + (two_prod_err(Split(e), hs, p) + e * lo)) * 0x1p-64;
  }
  double operator()(double e, double err) const {  // accurate: (e + err)(hi + lo)
    const double p = e * hi;
    return (p + (two_prod_err(Split(e), hs, p) + (e * lo + err * hi))) * 0x1p-64;
  }
};

// A zero read through volatile: the cutoffs plus it are values GCC cannot
// fold. With a literal cutoff it splits the clamp into a branch and then
// refuses to vectorize the loop.
volatile double opaque_zero = 0.0;

// A row's reference (row_reference.hpp) in the form exp_of takes it.
template <class T>
struct Row {
  using C = typename Traits<T>::C;
  using U = typename Traits<T>::U;
  Shift shift;
  T m, cut;
  int k0;
  U bias;       // exp_bias + 64 - k0
  double seed;  // double sums: a power of two above every e (Fast2Sum exact)
  explicit Row(T mx) {
    const RowReference<T> ref(mx);
    // The shift and the cut from mx, not read from ref: read from ref, GCC
    // lays the kernels out anew, and NaN outputs change sign.
    const bool scaled = RowReference<T>::scaled_range(mx);
    shift = scaled ? Shift::none : Shift::sub;
    k0 = ref.k0;
    m = ref.c;
    cut = RowReference<T>::lower_bound(mx, scaled) + static_cast<T>(opaque_zero);
    bias = static_cast<U>(static_cast<U>(C::exp_bias + C::scale_log2) - static_cast<U>(static_cast<std::int64_t>(k0)));
    seed = std::is_same_v<T, float> ? 0.0 : RowReference<T>::seed_above(ref.top);  // float sums in double need none
  }
};

// Lane sums s + c. Float: s in double (2^-53 per term, far below float's
// rounding), c = 0. Double: s seeded with a power of two above every e, so
// Fast2Sum is exact and c collects every rounding error (the seed comes off
// exactly at the end).
template <class T>
struct LaneSums {
  static constexpr std::size_t B = Traits<T>::B;
  double seed, s[B], c[B] = {};
  T err[B] = {};  // the e's rounding errors (float: in float, far below the sum's precision)
  explicit LaneSums(double sd) : seed(sd) {
    for (std::size_t j = 0; j < B; ++j) s[j] = sd;
  }
  void add(std::size_t j, T e, T e_err) {
    err[j] += e_err;
    if constexpr (std::is_same_v<T, float>) {
      s[j] += static_cast<double>(e);
    } else {
      const double u = s[j] + e;
      c[j] += e - (u - s[j]);
      s[j] = u;
    }
  }
  // The total h + l, merged exactly (TwoSum), renormalised.
  void total(double& h, double& l) const {
    h = s[0] - seed;
    l = c[0];
    for (std::size_t j = 0; j < B; ++j) l += static_cast<double>(err[j]);
    for (std::size_t j = 1; j < B; ++j) {
      const double d = s[j] - seed, u = h + d, b1 = u - h;
      l += ((h - (u - b1)) + (d - b1)) + c[j];
      h = u;
    }
    const double sum = h + l;
    l -= sum - h;
    h = sum;
  }
};

// The maximum. Each block is reduced as a tree (no loop-carried select,
// which the vectorizer would refuse without fast-math).
template <class T>
T row_max(const T* x, std::size_t n) {
  constexpr std::size_t B = Traits<T>::B;
  T mt = -std::numeric_limits<T>::infinity();
  std::size_t i = 0;
  for (; i + B <= n; i += B) {
    T a[B];
    std::memcpy(a, x + i, sizeof a);
    for (std::size_t h = B / 2; h > 0; h /= 2)
      for (std::size_t j = 0; j < h; ++j) a[j] = max_keep(a[j + h], a[j]);
    mt = max_keep(a[0], mt);
  }
  for (; i < n; ++i) mt = max_keep(x[i], mt);
  return mt;
}

// 2^d for integer-valued d, 0 below the normal range (exponent bits): the
// exact rescalings of online and twopass.
template <class T>
inline T pow2(T d) {
  using C = typename Traits<T>::C;
  using U = typename Traits<T>::U;
  const T lowest_exp = -static_cast<T>(C::exp_bias);
  const T t = (d > lowest_exp ? d : lowest_exp) + C::magic;
  return std::bit_cast<T>((std::bit_cast<U>(t) + static_cast<U>(C::exp_bias)) << C::mantissa_bits);
}
// v 2^d for d <= 0, in two factors so that only the last product rounds.
template <class T>
inline T scale2(T v, T d) {
  const T floor_step = -static_cast<T>(Traits<T>::C::exp_bias) + T(27);
  const T d1 = d > floor_step ? d : floor_step;
  return v * pow2(d1) * pow2(d - d1);
}

}  // namespace
}  // namespace smx::simd::portable
