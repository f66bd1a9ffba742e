// accurate: the vectorized softmax with each exponential kept as e + err (its
// rounding errors, exact) to the end, so every output is rounded once from a
// value good to the polynomial's accuracy (2^-28 float, 2^-55.8 double):
// faithfully rounded (three_pass.hpp, Accuracy::faithful).
// Its kernels: accurate_row<O> over an ISA's ops, and the portable one
// (portable::accurate<T>, in portable.cpp only). Anonymous namespaces: see
// exp.hpp.
#pragma once

#include <cstddef>

#include "impls/simd/algorithm.hpp"
#include "impls/simd/three_pass.hpp"

namespace smx::simd {

inline constexpr AlgorithmData accurate_data{
    .name = "accurate",
    .summary = "faithfully rounded softmax: exp kept as e + its exact rounding error, best ISA path",
    .path_summary = "faithfully rounded softmax",
    // Each output: 0.5 ulp from its one rounding, plus the polynomial's 2^-28
    // (float) or 2^-55.8 (double) relative, plus the sum's (exact in double up
    // to n 2^-53/16 for float; s + c for double), so below 1 ulp: faithful.
    // Subnormal outputs are rounded twice (at y 2^64, then taking 2^-64 off),
    // which stays within 1 ulp too. Measured: docs/performance.md and the
    // accuracy report.
    .budgets = {{.op = Op::softmax, .f32 = {.base = 1.0, .per_element = 0x1p-40}, .f64 = {.base = 1.0}}},
};

}  // namespace smx::simd

namespace {

template <class O>
void accurate_row(const typename O::T* x, typename O::T* y, std::size_t n) {
  three_pass_row<O, Accuracy::faithful>(x, y, n);
}

}  // namespace

// The portable kernel (portable_ops.hpp), in the portable translation unit only.
#ifdef SMX_SIMD_PORTABLE_TU
namespace smx::simd::portable {
namespace {

template <class T>
void accurate(const T* x, T* y, std::size_t n) { softmax<Accuracy::faithful>(x, y, n); }

}  // namespace
}  // namespace smx::simd::portable
#endif

// Its kernel cells (kernels.hpp): softmax only.
namespace {
template <template <class> class OpsOf, class T>
constexpr void accurate_kernels(smx::simd::OpKernels<T>& k) { k.template at<smx::Op::softmax>().row = accurate_row<OpsOf<T>>; }
}  // namespace
#ifdef SMX_SIMD_PORTABLE_TU
namespace smx::simd::portable {
namespace {
template <class T>
constexpr void accurate_kernels(OpKernels<T>& k) { k.template at<Op::softmax>().row = accurate<T>; }
}  // namespace
}  // namespace smx::simd::portable
#endif
