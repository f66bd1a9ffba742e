// vectorized: the hand-vectorized three-pass softmax (impls/simd/), one
// registry entry per instruction set, so every path is tested on every
// machine that can run it, plus "vectorized", which runs the best one the CPU
// supports. This file is compiled for the baseline: it only checks features
// and calls through function pointers, so nothing here can execute an
// instruction the CPU lacks.
#include <cstddef>

#include "impls/registry.hpp"
#include "impls/simd/dispatch.hpp"
#include "impls/simd/kernels.hpp"

namespace smx::impls {
namespace {

// Resolved once, on the first call; later calls go straight through.
template <class T>
void dispatch(const T* x, T* y, std::size_t n) {
  static const row_fn<T> fn = simd::best_softmax<T>();
  fn(x, y, n);
}

// Each output is rounded once from e (2^64/sum), so its error is 0.5 ulp plus
// the relative errors of its own e and of the sum's weighted mean of e
// (rounding of e, polynomial, reduction), about 1u each at worst. Measured
// (throwaway test against binary128; random rows of 14 families and the
// lab/families rows, n = 0..5000, LLM sizes, 2^16, 2^20+3; the project's
// accuracy grid and its exhaustive float sweep), the same for all three
// paths: normal outputs at most 1.81 ulp (f32) and 2.07 (f64, one "ties" row
// of n = 151936); rows built to line the errors up reach 2.1; subnormal
// outputs at most 1.2, none flushed. The sums do not grow with n: f64 is exact
// to about n^2 u^2 (three_pass.hpp); f32 is summed in double over at least 16
// lanes, so n 2^-53 / 16 relative, n 2^-33 float ulp.
constexpr Budget kBudget{.f32 = {2.5, 0x1p-33}, .f64 = {2.5, 0}};

}  // namespace

Impl vectorized() {
  return {
      .name = "vectorized",
      .summary = "hand-vectorized three-pass softmax, best ISA path this CPU supports (avx512, avx2, portable)",
      .softmax_f32 = dispatch<float>,
      .softmax_f64 = dispatch<double>,
      .budget = kBudget,
      .all_neg_inf = AllNegInf::nan,
      .pos_inf = PosInf::nan_row,
  };
}

Impl vectorized_avx512() {
  return {
      .name = "vectorized.avx512",
      .summary = "three-pass softmax, AVX-512 intrinsics: own exp (scalef), masked tail, compensated sum",
      .softmax_f32 = simd::avx512::softmax_f32,
      .softmax_f64 = simd::avx512::softmax_f64,
      .available = simd::has_avx512,
      .budget = kBudget,
      .all_neg_inf = AllNegInf::nan,
      .pos_inf = PosInf::nan_row,
  };
}

Impl vectorized_avx2() {
  return {
      .name = "vectorized.avx2",
      .summary = "three-pass softmax, AVX2+FMA intrinsics: own exp, maskload tail, compensated sum",
      .softmax_f32 = simd::avx2::softmax_f32,
      .softmax_f64 = simd::avx2::softmax_f64,
      .available = simd::has_avx2,
      .budget = kBudget,
      .all_neg_inf = AllNegInf::nan,
      .pos_inf = PosInf::nan_row,
  };
}

Impl vectorized_portable() {
  return {
      .name = "vectorized.portable",
      .summary = "three-pass softmax in plain C++ the compiler vectorizes (SSE2 baseline), same exp",
      .softmax_f32 = simd::portable::softmax_f32,
      .softmax_f64 = simd::portable::softmax_f64,
      .budget = kBudget,
      .all_neg_inf = AllNegInf::nan,
      .pos_inf = PosInf::nan_row,
  };
}

}  // namespace smx::impls
