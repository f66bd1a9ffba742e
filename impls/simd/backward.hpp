// softmax_backward over an ISA's ops: dx_i = y_i (dy_i - c), c = <dy, y>.
// c is taken in double-double (float: the products exact in double, TwoSum
// sums; double: FMA product errors and TwoSum), so dy_i - c loses nothing to
// c's rounding unless dy_i and c agree to about 2^-100; then each output is
// rounded once (float: computed in double; double: y (d + t) with d + t =
// dy_i - c and the product's error by FMA). Two passes, dx may be dy.
// Anonymous namespace: see exp.hpp.
#pragma once

#include <cstddef>
#include <type_traits>

#include "impls/simd/row_loop.hpp"
#include "impls/simd/row_stats.hpp"

namespace {

// s + c += a + b exactly (TwoSum of the partial sum and a, b into c).
template <class D>
inline void two_sum_into(typename D::V& s, typename D::V& c, typename D::V a, typename D::V b) {
  using V = typename D::V;
  const V t = D::add(s, a), v = D::sub(t, s);
  c = D::add(c, D::add(D::add(D::sub(s, D::sub(t, v)), D::sub(a, v)), b));
  s = t;
}

template <template <class> class OpsOf, class T>
void softmax_backward_row(const T* y, const T* dy, T* dx, std::size_t n) {
  using O = OpsOf<T>;
  using D = OpsOf<double>;
  using V = typename O::V;
  using M = typename O::M;
  using DV = typename D::V;
  if (n == 0) return;
  constexpr std::size_t L = O::lanes;
  const DV zero = D::set1(0);
  DV s[2] = {zero, zero}, c[2] = {zero, zero};
  auto dot = [&](std::size_t j, V a, V b) {
    if constexpr (std::is_same_v<T, float>) {
      DV al, ah, bl, bh;
      O::widen(a, al, ah);
      O::widen(b, bl, bh);
      two_sum_into<D>(s[j], c[j], D::mul(al, bl), zero);
      two_sum_into<D>(s[j], c[j], D::mul(ah, bh), zero);
    } else {
      const V p = O::mul(a, b);
      two_sum_into<D>(s[j], c[j], p, O::fms(a, b, p));
    }
  };
  for_row<O>(
      n,
      [&](std::size_t i) {
        dot(0, O::load(y + i), O::load(dy + i));
        dot(1, O::load(y + i + L), O::load(dy + i + L));
        dot(0, O::load(y + i + 2 * L), O::load(dy + i + 2 * L));
        dot(1, O::load(y + i + 3 * L), O::load(dy + i + 3 * L));
      },
      [&](std::size_t i, M k, bool tail) {
        if (tail) dot(0, O::load_z(k, y + i), O::load_z(k, dy + i));
        else dot(0, O::load(y + i), O::load(dy + i));
      });
  double h[2 * D::lanes], l[2 * D::lanes];
  for (std::size_t j = 0; j < 2; ++j) D::store(h + j * D::lanes, s[j]), D::store(l + j * D::lanes, c[j]);
  const smx::simd::DD cd = smx::simd::sum_lanes(h, l, 2 * D::lanes);
  auto out = [&](V a, V b) -> V {
    if constexpr (std::is_same_v<T, float>) {
      const DV ch = D::set1(cd.hi), cl = D::set1(cd.lo);
      DV al, ah, bl, bh;
      O::widen(a, al, ah);
      O::widen(b, bl, bh);
      return O::narrow(D::mul(al, D::sub(D::sub(bl, ch), cl)), D::mul(ah, D::sub(D::sub(bh, ch), cl)));
    } else {
      const V mc = O::set1(-cd.hi);
      const V d = O::add(b, mc), v = O::sub(d, b);
      const V t = O::sub(O::add(O::sub(b, O::sub(d, v)), O::sub(mc, v)), O::set1(cd.lo));  // d + t = dy - c
      const V p = O::mul(a, d);
      return O::add(p, O::fma(a, t, O::fms(a, d, p)));
    }
  };
  for_row<O>(
      n,
      [&](std::size_t i) {
        for (std::size_t j = 0; j < 4; ++j) {
          const std::size_t k = i + j * L;
          O::store(dx + k, out(O::load(y + k), O::load(dy + k)));
        }
      },
      [&](std::size_t i, M k, bool tail) {
        if (tail) O::store_m(dx + i, k, out(O::load_z(k, y + i), O::load_z(k, dy + i)));
        else O::store(dx + i, out(O::load(y + i), O::load(dy + i)));
      });
}

}  // namespace
