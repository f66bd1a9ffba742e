// twopass: two passes with (mantissa, exponent) sums (Dukhan and Ablavatski,
// 2020): exp(x) = p 2^k with k kept apart, so no max pass and no overflow;
// the second pass recomputes exp and writes y. Its kernels: twopass_row<O>
// over an ISA's ops, and the portable one (portable::twopass<T>, in
// portable.cpp only). Anonymous namespaces: see exp.hpp.
#pragma once

#include <cstddef>

#include "impls/simd/algorithm.hpp"
#include "impls/simd/exp.hpp"
#include "impls/simd/exp_constants.hpp"
#include "impls/simd/row_loop.hpp"
#include "impls/simd/vectorized.hpp"

namespace smx::simd {

inline constexpr AlgorithmData twopass_data{
    .name = "twopass",
    .summary = "two passes, (mantissa, exponent) sums of exp (Dukhan-Ablavatski), best ISA path",
    .path_summary = "two-pass (mantissa, exponent) softmax",
    // The range reduction rounds once (x - k ln 2 in two or three parts), p is
    // rounded, and the mantissa sums are plain sums in the element type,
    // rescaled as the exponent grows: the error grows with n. Rows outside the
    // reduction's range take the vectorized kernel. Measured (accuracy report,
    // every family, n up to 2^20, all three paths): float 3.3 ulp at n = 15,
    // 33 at 4096, 5239 at 2^20 (equal values: one float lane sums 2^17 of
    // them); double 5.9 at 63, 61 at 4096, 11453 at 2^20. Declared rounded up.
    .budgets = {{.op = Op::softmax, .f32 = {.base = 4, .per_element = 0x1p-6}, .f64 = {.base = 6, .per_element = 0x1p-5}}},
};

}  // namespace smx::simd

namespace {

// Two passes with (mantissa, exponent) sums (Dukhan and Ablavatski, 2020):
// exp(x) = p 2^k with p in [0.7, 1.42] and k kept apart (as a float), so no
// max pass is needed and nothing overflows. Pass 1 keeps, per lane, a sum
// mantissa and the largest k seen, scaling the sum down when k grows; pass 2
// recomputes p 2^k and writes p (1/M) 2^(k - E). The range reduction
// x - k ln 2 is exact for |x| <= R (three-part ln 2 for float); rows whose
// max is outside [-R + 110, R] (or not finite) take the vectorized kernel,
// and entries below -R count as -R, where their outputs round to 0 anyway
// (R: exp_constants.hpp, TwoPassRange).

// p and k of exp(x) for x >= -R (x clamped); NaN stays NaN.
template <class O>
inline void exp_parts(typename O::V x, typename O::V& p, typename O::V& k) {
  using T = typename O::T;
  using V = typename O::V;
  using C = ec::For<T>;
  using Rg = ec::TwoPassRange<T>;
  const V xc = O::max(O::set1(-Rg::R), x);  // NaN x stays NaN (max returns its second operand)
  k = O::sub(O::fma(xc, O::set1(C::log2e), O::set1(C::magic)), O::set1(C::magic));
  V r = O::fnma(k, O::set1(Rg::c1), xc);  // exact
  r = O::fnma(k, O::set1(Rg::c2), r);
  if constexpr (Rg::c3 != 0) r = O::fnma(k, O::set1(Rg::c3), r);
  p = O::add(O::set1(T(1)), O::fma(O::mul(r, r), q_of<O>(r), r));
}

template <class O>
void twopass_row(const typename O::T* x, typename O::T* y, std::size_t n) {
  using T = typename O::T;
  using V = typename O::V;
  using M = typename O::M;
  using Rg = ec::TwoPassRange<T>;
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
  if (has_nan || !(m >= -Rg::R + 110 && m <= Rg::R)) return vectorized_row<O>(x, y, n);  // NaN, +-inf, out of range
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

}  // namespace

// The portable kernel (portable_ops.hpp), in the portable translation unit only.
#ifdef SMX_SIMD_PORTABLE_TU
#include "impls/simd/portable_ops.hpp"

namespace smx::simd::portable {
namespace {

// p and k of exp(x) for x >= -R (x clamped); NaN stays NaN.
template <class T>
inline void exp_parts(T x, T& p, T& k) {
  using C = typename Traits<T>::C;
  using Rg = ec::TwoPassRange<T>;
  const T xc = max_keep(-Rg::R, x);  // NaN stays NaN
  k = (xc * C::log2e + C::magic) - C::magic;
  T r = xc - k * Rg::c1;  // exact
  r = r - k * Rg::c2;
  if constexpr (Rg::c3 != 0) r = r - k * Rg::c3;
  p = T(1) + ((r * r) * Traits<T>::q(r) + r);
}

template <class T>
void twopass(const T* x, T* y, std::size_t n) {
  constexpr std::size_t B = Traits<T>::B;
  using Rg = ec::TwoPassRange<T>;
  if (n == 0) return;
  const T ninf = -std::numeric_limits<T>::infinity();
  T mant[B] = {}, ex[B], mx = ninf;
  for (std::size_t j = 0; j < B; ++j) ex[j] = ninf;
  auto add = [&](std::size_t j, T v) {
    T p, k;
    exp_parts(v, p, k);
    const T e_new = k > ex[j] ? k : ex[j];
    mant[j] = scale2(mant[j], ex[j] - e_new) + scale2(p, k - e_new);
    ex[j] = e_new;
  };
  std::size_t i = 0;
  for (; i + B <= n; i += B) {
    T xb[B];
    std::memcpy(xb, x + i, sizeof xb);
    for (std::size_t j = 0; j < B; ++j) {
      mx = max_keep(xb[j], mx);
      add(j, xb[j]);
    }
  }
  for (; i < n; ++i) {
    mx = max_keep(x[i], mx);
    add(0, x[i]);
  }
  if (!(mx >= -Rg::R + 110 && mx <= Rg::R)) return vectorized(x, y, n);
  T E = ninf;
  for (std::size_t j = 0; j < B; ++j) E = ex[j] > E ? ex[j] : E;
  double total = 0;
  for (std::size_t j = 0; j < B; ++j)
    total += std::ldexp(static_cast<double>(mant[j]), static_cast<int>(std::fmax(ex[j] - E, -2000.0)));
  const double inv = 1.0 / total;
  const T hi = static_cast<T>(inv), lo = static_cast<T>(inv - static_cast<double>(hi));
  auto out = [&](T v) {
    T p, k;
    exp_parts(v, p, k);
    return scale2(p * hi + p * lo, k - E);
  };
  for (i = 0; i + B <= n; i += B) {
    T xb[B];
    std::memcpy(xb, x + i, sizeof xb);
    for (std::size_t j = 0; j < B; ++j) xb[j] = out(xb[j]);
    std::memcpy(y + i, xb, sizeof xb);
  }
  for (; i < n; ++i) y[i] = out(x[i]);
}

// exp(x) 2^64, as the softmax computes it on rows whose max is near 0: the

}  // namespace
}  // namespace smx::simd::portable
#endif

// Its kernel cells (kernels.hpp): softmax only.
namespace {
template <template <class> class OpsOf, class T>
constexpr void twopass_kernels(smx::simd::OpKernels<T>& k) { k.template at<smx::Op::softmax>().row = twopass_row<OpsOf<T>>; }
}  // namespace
#ifdef SMX_SIMD_PORTABLE_TU
namespace smx::simd::portable {
namespace {
template <class T>
constexpr void twopass_kernels(OpKernels<T>& k) { k.template at<Op::softmax>().row = twopass<T>; }
}  // namespace
}  // namespace smx::simd::portable
#endif
