// The exp-only roofline probe of the intrinsics paths. Anonymous namespace:
// see exp.hpp.
#pragma once

#include <cstddef>

#include "impls/simd/exp.hpp"

namespace {

// The exponential alone, exactly as the softmax computes it on rows whose
// maximum is in the window (e = exp(x) 2^64, neither summed nor scaled): the
// benchmarks' exp-only roofline probe, the cost of one exp per element that
// no softmax of this design can beat.
template <class O>
void exp_probe_row(const typename O::T* x, typename O::T* y, std::size_t n) {
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
