// The three passes of the intrinsics kernels (avx512.cpp, avx2.cpp), written
// once over an ISA "ops" type O that supplies vector type V, lane mask M, the
// loads/stores/arithmetic, exp_shifted, the sum accumulator Acc and inverse.
//
// Deliberately in an anonymous namespace: each ISA translation unit that
// includes this gets its own internal copy compiled with its own flags, so no
// instantiation can become a shared weak symbol (see avx512.cpp).
//
// Pass 1: m = max x (NaN ignored here: it reaches every output through the sum).
// Pass 2: e_i = exp(x_i - m) 2^64 stored in y and summed, four accumulators
//   (float: in double; double: Fast2Sum against a seed, below).
// Pass 3: y_i = fma(e_i, hi, e_i lo) 2^-64 with hi + lo = 2^64/sum: one
//   rounding each (y_i 2^64 is rounded in the normal range, where e_i lo is
//   still exact enough; taking 2^-64 off is exact unless y_i is subnormal).
// The remainder runs the same instructions under a lane mask, so equal inputs
// give bit-identical outputs wherever they sit in the row.
#pragma once

#include <cstddef>

#include "impls/simd/exp_constants.hpp"

namespace {

// Seed of the double sums: every e is at most 2^64, so against a seed of 2^65
// the partial sum always has the larger exponent and Fast2Sum (t = s + e,
// error e - (t - s)) is exact at every step; the seed is taken off exactly
// at the end. The sum is then s + c up to c's own rounding (about n^2 u^2).
constexpr double kSumSeed = 0x1p65;

// The factor 2^64 that e carries (exp_constants.hpp).
constexpr double kScale = 0x1p64;
static_assert(smx::simd::exp_constants::F32::scale_log2 == 64 && smx::simd::exp_constants::F64::scale_log2 == 64);

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
  hi = h1 * kScale;  // exact: sum >= 2^64, so these stay normal
  lo = l1 * kScale;
}

template <class O>
void three_pass(const typename O::T* x, typename O::T* y, std::size_t n) {
  using V = typename O::V;
  using M = typename O::M;
  constexpr std::size_t L = O::lanes;
  if (n == 0) return;

  // Pass 1: the maximum, four independent accumulators.
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
  const typename O::T mx = O::reduce_max(O::max(O::max(m0, m1), O::max(m2, m3)));

  // Pass 2: e_i = exp(x_i - m) 2^64 into y, summed.
  const V m = O::set1(mx), m_neg = O::set1(-mx);
  typename O::Acc acc[4];
  for (i = 0; i + 4 * L <= n; i += 4 * L) {
    const V e0 = O::exp_shifted(O::load(x + i), m, m_neg, O::all());
    const V e1 = O::exp_shifted(O::load(x + i + L), m, m_neg, O::all());
    const V e2 = O::exp_shifted(O::load(x + i + 2 * L), m, m_neg, O::all());
    const V e3 = O::exp_shifted(O::load(x + i + 3 * L), m, m_neg, O::all());
    O::store(y + i, e0);
    O::store(y + i + L, e1);
    O::store(y + i + 2 * L, e2);
    O::store(y + i + 3 * L, e3);
    acc[0].add(e0);
    acc[1].add(e1);
    acc[2].add(e2);
    acc[3].add(e3);
  }
  for (; i + L <= n; i += L) {
    const V e = O::exp_shifted(O::load(x + i), m, m_neg, O::all());
    O::store(y + i, e);
    acc[0].add(e);
  }
  if (i < n) {
    const M k = O::first(n - i);
    const V e = O::exp_shifted(O::load_z(k, x + i), m, m_neg, k);  // 0 off the row
    O::store_m(y + i, k, e);
    acc[1].add(e);
  }

  // Pass 3: y_i = e_i (hi + lo) 2^-64, one rounding (see the top).
  typename O::T hi_s, lo_s;
  O::inverse(acc, hi_s, lo_s);
  const V hi = O::set1(hi_s), lo = O::set1(lo_s);
  const V unscale = O::set1(static_cast<typename O::T>(1.0 / kScale));
  auto scale = [&](V e) { return O::mul(O::fma(e, hi, O::mul(e, lo)), unscale); };
  for (i = 0; i + 4 * L <= n; i += 4 * L) {
    const V e0 = O::load(y + i), e1 = O::load(y + i + L);
    const V e2 = O::load(y + i + 2 * L), e3 = O::load(y + i + 3 * L);
    O::store(y + i, scale(e0));
    O::store(y + i + L, scale(e1));
    O::store(y + i + 2 * L, scale(e2));
    O::store(y + i + 3 * L, scale(e3));
  }
  for (; i + L <= n; i += L) O::store(y + i, scale(O::load(y + i)));
  if (i < n) {
    const M k = O::first(n - i);
    O::store_m(y + i, k, scale(O::load_z(k, y + i)));
  }
}

// The exponential alone, exactly as pass 2 computes it (e = exp(x) 2^64,
// neither summed nor scaled): the benchmarks' exp-only roofline probe, the
// cost of one exp per element that no softmax of this design can beat.
template <class O>
void exp_only(const typename O::T* x, typename O::T* y, std::size_t n) {
  using V = typename O::V;
  constexpr std::size_t L = O::lanes;
  const V zero = O::set1(0);
  std::size_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const V e0 = O::exp_shifted(O::load(x + i), zero, zero, O::all());
    const V e1 = O::exp_shifted(O::load(x + i + L), zero, zero, O::all());
    O::store(y + i, e0);
    O::store(y + i + L, e1);
  }
  for (; i + L <= n; i += L) O::store(y + i, O::exp_shifted(O::load(x + i), zero, zero, O::all()));
  if (i < n) {
    const typename O::M k = O::first(n - i);
    O::store_m(y + i, k, O::exp_shifted(O::load_z(k, x + i), zero, zero, k));
  }
}

}  // namespace
