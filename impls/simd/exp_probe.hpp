// The exp-only roofline probe: exp_probe_row<O> over an ISA's ops, and the
// portable one (portable::exp_only<T>, in portable.cpp only). Anonymous
// namespaces: see exp.hpp.
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

// The portable probe (portable_ops.hpp), in the portable translation unit only.
#ifdef SMX_SIMD_PORTABLE_TU
#include "impls/simd/portable_ops.hpp"

namespace smx::simd::portable {
namespace {

// exp(x) 2^64, as the softmax computes it on rows whose max is near 0: the
// exp-only roofline probe.
template <class T>
void exp_only(const T* x, T* y, std::size_t n) {
  const Row<T> row{T(0)};
  for (std::size_t i = 0; i < n; ++i) y[i] = exp_of<Shift::none>(x[i], row.m, row.cut, row.bias);
}

}  // namespace
}  // namespace smx::simd::portable
#endif
