// vectorized: the hand-vectorized softmax, three passes (three_pass.hpp) with
// an exact-argument exp and the sum of e + err (err: e's rounding, exact),
// and on the same exponential every other operation: log_softmax.hpp,
// cross_entropy.hpp (with the temperature-folding softmax), backward.hpp.
// Its kernels: vectorized_kernels<OpsOf, T> over an ISA's ops, and the
// portable ones (portable::vectorized_kernels<T>, portable_row_ops.hpp, in
// portable.cpp only). Anonymous namespaces: see exp.hpp.
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
        // The folding kernels get beta = RN(1/T): a relative error of u in
        // every exponent beta (x_i - m), so |x_i - m| / T u more in each
        // output (per_distance).
        {.op = Op::softmax,
         .f32 = {.base = 2.0},
         .f64 = {.base = 2.0},
         .scaled_f32 = {.base = 2.0, .per_distance = 1},
         .scaled_f64 = {.base = 2.0, .per_distance = 1}},
        // The softmax of beta x (scaled kernel: beta = 1/T > 0 folded into
        // the exponent): exp(beta (x - m)) with beta (x - m) carried as hi + lo
        // (TwoSum, FMA product) into the reduction, e + err summed apart from
        // the max, one rounding per output; measured at most 1.02 ulp (f32,
        // llm, 2^20), 0.82 (f64), within the softmax's 2.
        // log_softmax, y_i = (x_i - m) - log1p(S1), S1 summed apart from the
        // max's 1 (exp_sums.hpp) and x_i - m exact before L comes off; L in
        // double-double (row_stats.cpp). The max's output -L: f32 within
        // 0.5 + 0.47 ulp (compensated exps, em faithful: S1 to 2^-25.1; the
        // two-pass path of rows in the window, S1 >= 256: 0.95 ulp in all,
        // log_softmax.hpp), f64 within 0.5 + 0.29 (faithful exps, S1 to
        // 2^-54.8); every other output has |y| > L, so less. The scaled
        // kernel adds the argument's rounding, below 2^-37 relative. Measured
        // (every family, n = 1 .. 2^20, seeds 1..3, all three paths): f32
        // 0.65 ulp (0.68 scaled), f64 0.52 (0.54 scaled). Declared 1.
        // Its folding kernel claims nothing against x / T: beta's rounding
        // moves the max's output -L by |x_j - m| / T u relative (j the
        // largest other entry), a distance the budget has no term for
        // (measured 3.7 ulp, T = 0.7, uniform-100 f32).
        {.op = Op::log_softmax, .f32 = {.base = 1.0}, .f64 = {.base = 1.0}},
        // cross_entropy: loss (m - x_t) + L, two terms >= 0, within 1 ulp as
        // log_softmax (measured 0.65 f32, 0.52 f64, the correct confident
        // prediction's tiny loss included); gradient p_i as the softmax of
        // e + err (measured 1.01 f32, 0.80 f64) and the target's
        // -(S - e_t)/S in double-double, never p_t - 1 (measured 0.57, 0.51).
        // Declared: the gradient's 2.
        {.op = Op::cross_entropy, .f32 = {.base = 2.0}, .f64 = {.base = 2.0}},
        // softmax_backward: c = <dy, y> in double-double, each dx_i rounded
        // once from y_i (dy_i - c): 0.5 ulp plus c's 2^-100 relative scaled
        // by |c| / |dy_i - c|. Measured 0.50 (f32), 1.00 (f64; 1.80 portable,
        // whose Dekker products lose digits where y is subnormal) where
        // |dy_i - c| >= 2^-8 |c|; below that, f32 0.50 and f64 up to 25 ulp
        // on rows whose products y_j dy_j are subnormal (their rounding is
        // absolute there). Declared 2 plus c's relative error (2^-100, in
        // ulps of T: 2^-76 f32, 2^-47 f64, doubled) times the condition
        // number |c| / |dy_i - c|; f64 outputs below 2^-1000 (where those
        // subnormal products' absolute rounding is within a few hundred ulps
        // of the output) carry no claim.
        {.op = Op::softmax_backward,
         .f32 = {.base = 2.0, .per_distance = 0x1p-75},
         .f64 = {.base = 2.0, .per_distance = 0x1p-46, .floor = 0x1p-1000}},
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
