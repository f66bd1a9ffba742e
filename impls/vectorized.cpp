// vectorized: the hand-vectorized softmax (impls/simd/three_pass.hpp), one
// registry entry per instruction set, so every path is tested on every
// machine that can run it, plus "vectorized", which runs the best one the CPU
// supports. This file is compiled for the baseline: it only checks features
// and calls through function pointers, so nothing here can execute an
// instruction the CPU lacks.
#include <cstddef>

#include "impls/isa_variant.hpp"
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

// Each output is rounded once from e + err (2^64/sum), where err is the exact
// rounding error of e (three_pass.hpp, ExpErr): the value is exp good to the
// rounding of inner (2^-25.5 relative at most) and the polynomial (2^-28),
// and the sum, of e + err too, is good to the float block sums (2u relative
// at most per block of four vectors, not growing with n; double: exact to
// n^2 u^2).
// Scaling e + err, not e alone, keeps y monotone in x (with e alone the
// exhaustive sweep found 2.9 million order violations). Measured (accuracy
// report, every family, n = 1 .. 2^20, all three paths): normal outputs at
// most 1.53 ulp (f32, AVX2) and 1.11 (f64), subnormal at most 0.89, none
// flushed, no order or tie violations; the exhaustive float sweep 0.93 ulp,
// no order violation. Declared: the target, 2 ulp, which leaves room for the
// block sums' worst case.
constexpr Budget kBudget{.f32 = {2.0, 0}, .f64 = {2.0, 0}};

}  // namespace

Impl vectorized() {
  return {
      .name = "vectorized",
      .summary = "hand-vectorized softmax (exact-argument exp, compensated sum), best ISA path this CPU supports",
      .role = Role::kernel,
      .kernels = {cell<Op::softmax>(dispatch<float>, kBudget.f32), cell<Op::softmax>(dispatch<double>, kBudget.f64)},
  };
}

Impl vectorized_avx512() {
  return {
      .name = "vectorized.avx512",
      .summary = "vectorized softmax, AVX-512 intrinsics: own exp (scalef), masked tail, compensated sum",
      .role = Role::isa_path,
      .parent = "vectorized",
      .kernels = {cell<Op::softmax>(simd::avx512::softmax_f32, kBudget.f32),
                  cell<Op::softmax>(simd::avx512::softmax_f64, kBudget.f64)},
      .available = simd::has_avx512,
  };
}

Impl vectorized_avx2() {
  return {
      .name = "vectorized.avx2",
      .summary = "vectorized softmax, AVX2+FMA intrinsics: own exp, maskload tail, compensated sum",
      .role = Role::isa_path,
      .parent = "vectorized",
      .kernels = {cell<Op::softmax>(simd::avx2::softmax_f32, kBudget.f32),
                  cell<Op::softmax>(simd::avx2::softmax_f64, kBudget.f64)},
      .available = simd::has_avx2,
  };
}

Impl vectorized_portable() {
  return {
      .name = "vectorized.portable",
      .summary = "vectorized softmax in plain C++ the compiler vectorizes (SSE2 baseline), same exp",
      .role = Role::isa_path,
      .parent = "vectorized",
      .kernels = {cell<Op::softmax>(simd::portable::softmax_f32, kBudget.f32),
                  cell<Op::softmax>(simd::portable::softmax_f64, kBudget.f64)},
  };
}

}  // namespace smx::impls
