// vectorized: the hand-vectorized softmax (impls/simd/three_pass.hpp), one
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
// the relative error of its own e (its rounding, about 0.5 ulp of e, which is
// up to 1 ulp of y where e and y sit at opposite ends of their binades; the
// polynomial, 2^-28) and of the sum. The sum adds each e's exact rounding
// error back (three_pass.hpp, ExpErr), so one dominant term no longer passes
// its rounding on to every output; float sums pairs of vectors in float (at
// most 2^-24 relative each, not growing with n) before the double sum.
// Measured (accuracy report, every family, n = 1 .. 2^20, all three paths):
// normal outputs at most 1.82 ulp (f32) and 1.70 (f64), subnormal outputs at
// most 1.19, none flushed, no order or tie violations.
constexpr Budget kBudget{.f32 = {2.0, 0}, .f64 = {2.0, 0}};

}  // namespace

Impl vectorized() {
  return {
      .name = "vectorized",
      .summary = "hand-vectorized softmax (exact-argument exp, compensated sum), best ISA path this CPU supports",
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
      .summary = "vectorized softmax, AVX-512 intrinsics: own exp (scalef), masked tail, compensated sum",
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
      .summary = "vectorized softmax, AVX2+FMA intrinsics: own exp, maskload tail, compensated sum",
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
      .summary = "vectorized softmax in plain C++ the compiler vectorizes (SSE2 baseline), same exp",
      .softmax_f32 = simd::portable::softmax_f32,
      .softmax_f64 = simd::portable::softmax_f64,
      .budget = kBudget,
      .all_neg_inf = AllNegInf::nan,
      .pos_inf = PosInf::nan_row,
  };
}

}  // namespace smx::impls
