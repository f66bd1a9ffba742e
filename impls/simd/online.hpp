// online: the online normalizer of Milakov and Gimelshein (2018), one pass for
// the max and the sum together (rescaling the sum as the max grows), one pass
// to write y. Its kernels: online_row<O> over an ISA's ops, and the portable
// one (portable::online<T>, in portable.cpp only). Anonymous namespaces: see
// exp.hpp.
#pragma once

#include <cstddef>

#include "impls/simd/algorithm.hpp"
#include "impls/simd/exp.hpp"
#include "impls/simd/row_loop.hpp"
#include "impls/simd/three_pass.hpp"
#include "impls/simd/vectorized.hpp"

namespace smx::simd {

inline constexpr AlgorithmData online_data{
    .name = "online",
    .summary = "online normalizer (Milakov-Gimelshein): max and sum in one pass, best ISA path",
    .path_summary = "online normalizer",
    // The exponentials are those of vectorized (exact argument, e monotone),
    // the rescalings exact powers of two, but the sum is a plain recursive one
    // per lane in the element type, so the error grows with n: at most
    // (n/lanes - 1) u relative, which is n/lanes ulp of an output at worst.
    // The fewest lanes are the portable path's (16 floats, 8 doubles), hence
    // the per-element terms. Measured (conformance tests, accuracy report,
    // every family, n up to 2^20, every path): float 16 ulp at n = 4096, 1215
    // at 2^20; double 1366 at n = 65537 (tests/exact_shift_order_test.cpp,
    // portable), 4717 at 2^20.
    .budgets = {{.op = Op::softmax, .f32 = {.base = 4, .per_element = 0x1p-4}, .f64 = {.base = 16, .per_element = 0x1p-3}}},
};

}  // namespace smx::simd

namespace {

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
void online_row(const typename O::T* x, typename O::T* y, std::size_t n) {
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
  if (!(mx > W::scaled_lo && mx < W::scaled_hi)) return vectorized_row<O>(x, y, n);  // -inf, +inf rows too
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
  scale_pass<O, Shift::none, Reuse::recompute, Accuracy::compensated, Scaled::e>(x, y, n, row, hi, lo);
}

}  // namespace

// The portable kernel (portable_ops.hpp), in the portable translation unit only.
#ifdef SMX_SIMD_PORTABLE_TU
#include "impls/simd/portable_ops.hpp"

namespace smx::simd::portable {
namespace {

// The online normalizer as above, over blocks of lanes: per lane the running
// max m, a reference 2^K from it and the sum d of exp(x) 2^(64 - K), rescaled
// exactly by 2^(K_old - K_new) as m grows; then y recomputed. Rows whose max
// is outside (scaled_lo, scaled_hi) take the vectorized kernel.
template <class T>
void online(const T* x, T* y, std::size_t n) {
  using Tr = Traits<T>;
  using C = typename Tr::C;
  using U = typename Tr::U;
  constexpr std::size_t B = Tr::B;
  if (n == 0) return;
  const T lowest = std::numeric_limits<T>::lowest();
  const T floor_m = C::scaled_lo + static_cast<T>(opaque_zero);
  auto k_of = [&](T mv) { return ((floor_m > mv ? floor_m : mv) * C::log2e + C::magic) - C::magic; };
  T m[B], d[B] = {}, kr[B];
  for (std::size_t j = 0; j < B; ++j) m[j] = lowest, kr[j] = k_of(lowest);
  auto step = [&](std::size_t j, T v) {
    const T m_new = max_keep(v, m[j]);
    const T k_new = k_of(m_new);
    const U bias = static_cast<U>(static_cast<U>(C::exp_bias + C::scale_log2) - static_cast<U>(static_cast<std::int64_t>(k_new)));
    const T cut = (floor_m > m_new ? floor_m : m_new) - C::tail;
    d[j] = scale2(d[j], kr[j] - k_new) + exp_of<Shift::none>(v, T(0), cut, bias);
    m[j] = m_new;
    kr[j] = k_new;
  };
  std::size_t i = 0;
  for (; i + B <= n; i += B) {
    T xb[B];
    std::memcpy(xb, x + i, sizeof xb);
    for (std::size_t j = 0; j < B; ++j) step(j, xb[j]);
  }
  for (; i < n; ++i) step(0, x[i]);
  T mx = lowest;
  for (std::size_t j = 0; j < B; ++j) mx = max_keep(m[j], mx);
  if (!(mx > C::scaled_lo && mx < C::scaled_hi)) return vectorized(x, y, n);  // -inf, +inf rows too
  const Row<T> row(mx);
  LaneSums<T> sums(0.0);
  for (std::size_t j = 0; j < B; ++j)
    sums.s[0] += std::ldexp(static_cast<double>(d[j]), static_cast<int>(kr[j]) - row.k0);
  scale_pass<Shift::none, Reuse::recompute, Accuracy::compensated, Scaled::e>(x, y, n, row, sums);
}

}  // namespace
}  // namespace smx::simd::portable
#endif

// Its kernel cells (kernels.hpp): softmax only.
namespace {
template <template <class> class OpsOf, class T>
constexpr void online_kernels(smx::simd::OpKernels<T>& k) { k.template at<smx::Op::softmax>().row = online_row<OpsOf<T>>; }
}  // namespace
#ifdef SMX_SIMD_PORTABLE_TU
namespace smx::simd::portable {
namespace {
template <class T>
constexpr void online_kernels(OpKernels<T>& k) { k.template at<Op::softmax>().row = online<T>; }
}  // namespace
}  // namespace smx::simd::portable
#endif
