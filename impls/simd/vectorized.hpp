// vectorized: the hand-vectorized softmax, three passes (three_pass.hpp) with
// an exact-argument exp and the sum of e + err (err: e's rounding, exact).
// Its kernels: vectorized_row<O> over an ISA's ops, and the portable one
// (portable::vectorized<T>, in portable.cpp only). Anonymous namespaces: see
// exp.hpp.
#pragma once

#include <cstddef>

#include "impls/simd/algorithm.hpp"
#include "impls/simd/backward.hpp"
#include "impls/simd/cross_entropy.hpp"
#include "impls/simd/log_softmax.hpp"
#include "impls/simd/three_pass.hpp"

namespace smx::simd {

inline constexpr AlgorithmData vectorized_data{
    .name = "vectorized",
    .summary = "hand-vectorized softmax (exact-argument exp, compensated sum), best ISA path this CPU supports",
    .path_summary = "vectorized softmax",
    // Each output is rounded once from e + err (2^64/sum), where err is the
    // exact rounding error of e (exp.hpp, ExpErr): the value is exp good to
    // the rounding of inner (2^-25.5 relative at most) and the polynomial
    // (2^-28), and the sum, of e + err too, is good to the float block sums
    // (2u relative at most per block of four vectors, not growing with n;
    // double: exact to n^2 u^2).
    // Scaling e + err, not e alone, keeps y monotone in x (with e alone the
    // exhaustive sweep found 2.9 million order violations). Measured
    // (accuracy report, every family, n = 1 .. 2^20, all three paths): normal
    // outputs at most 1.53 ulp (f32, AVX2) and 1.11 (f64), subnormal at most
    // 0.89, none flushed, no order or tie violations; the exhaustive float
    // sweep 0.93 ulp, no order violation. Declared: the target, 2 ulp, which
    // leaves room for the block sums' worst case.
    .budgets = {
        {.op = Op::softmax, .f32 = {.base = 2.0}, .f64 = {.base = 2.0}},
        // (softmax of beta x, beta folded in: exp(beta (x - m)) with beta (x - m)
        // carried exactly as hi + lo into the reduction, faithful exps; within
        // the same 2 ulp.)
        // BUDGETS_LOG
        {.op = Op::log_softmax, .f32 = {.base = 1.0}, .f64 = {.base = 1.0}},
        // BUDGETS_CE
        {.op = Op::cross_entropy, .f32 = {.base = 2.0}, .f64 = {.base = 2.0}},
        // BUDGETS_BACKWARD
        {.op = Op::softmax_backward, .f32 = {.base = 2.0}, .f64 = {.base = 2.0}},
    },
    .own_summaries = {
        {"avx512", "vectorized softmax, AVX-512 intrinsics: own exp (scalef), masked tail, compensated sum"},
        {"avx2", "vectorized softmax, AVX2+FMA intrinsics: own exp, maskload tail, compensated sum"},
        {"portable", "vectorized softmax in plain C++ the compiler vectorizes (SSE2 baseline), same exp"},
    },
};

}  // namespace smx::simd

namespace {

template <class O>
void vectorized_row(const typename O::T* x, typename O::T* y, std::size_t n) {
  three_pass_row<O, Accuracy::compensated>(x, y, n);
}

// Its kernel cells: every operation (log_softmax.hpp, cross_entropy.hpp, backward.hpp).
template <template <class> class OpsOf, class T>
constexpr void vectorized_kernels(smx::simd::OpKernels<T>& k) {
  using smx::Op;
  k.template at<Op::softmax>() = {vectorized_row<OpsOf<T>>, nullptr, softmax_scaled_row<OpsOf, T>};
  k.template at<Op::log_softmax>() = {log_softmax_row<OpsOf, T>, nullptr, log_softmax_scaled_row<OpsOf, T>};
  k.template at<Op::cross_entropy>() = {cross_entropy_row<OpsOf, T>, cross_entropy_batch<OpsOf, T>, nullptr};
  k.template at<Op::softmax_backward>() = {softmax_backward_row<OpsOf, T>, nullptr, nullptr};
}

}  // namespace

// The portable kernel (portable_ops.hpp), in the portable translation unit only.
#ifdef SMX_SIMD_PORTABLE_TU
#include "impls/simd/portable_row_ops.hpp"

namespace smx::simd::portable {
namespace {

template <class T>
void vectorized(const T* x, T* y, std::size_t n) { softmax<Accuracy::compensated>(x, y, n); }

template <class T>
constexpr void vectorized_kernels(OpKernels<T>& k) {
  k.template at<Op::softmax>() = {vectorized<T>, nullptr, softmax_scaled<T>};
  k.template at<Op::log_softmax>() = {log_softmax<T>, nullptr, log_softmax_scaled<T>};
  k.template at<Op::cross_entropy>() = {cross_entropy<T>, cross_entropy_batch<T>, nullptr};
  k.template at<Op::softmax_backward>() = {softmax_backward<T>, nullptr, nullptr};
}

}  // namespace
}  // namespace smx::simd::portable
#endif
