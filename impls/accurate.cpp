// accurate: the vectorized softmax with each exponential kept as e + err (its
// rounding errors, exact) to the end, so every output is rounded once from a
// value good to the polynomial's accuracy (2^-28 float, 2^-55.8 double):
// faithfully rounded. One registry entry per instruction set plus the
// dispatching one (isa_variant.hpp). Compiled for the baseline.
#include "impls/isa_variant.hpp"
#include "impls/simd/kernels.hpp"

namespace smx::impls {
namespace {

namespace s = simd;

// Each output: 0.5 ulp from its one rounding, plus the polynomial's 2^-28
// (float) or 2^-55.8 (double) relative, plus the sum's (exact in double up to
// n 2^-53/16 for float; s + c for double), so below 1 ulp: faithful. Subnormal
// outputs are rounded twice (at y 2^64, then taking 2^-64 off), which stays
// within 1 ulp too. Measured: docs/performance.md and the accuracy report.
constexpr Budget kBudget{.f32 = {1.0, 0x1p-40}, .f64 = {1.0, 0}};

}  // namespace

Impl accurate() {
  return isa_entry("accurate", "faithfully rounded softmax: exp kept as e + its exact rounding error, best ISA path",
                   best_of<float, s::avx512::accurate_f32, s::avx2::accurate_f32,
                           s::portable::accurate_f32>,
                   best_of<double, s::avx512::accurate_f64, s::avx2::accurate_f64,
                           s::portable::accurate_f64>,
                   always, kBudget);
}
Impl accurate_avx512() {
  return isa_entry("accurate.avx512", "faithfully rounded softmax, AVX-512 path", s::avx512::accurate_f32,
                   s::avx512::accurate_f64, s::has_avx512, kBudget);
}
Impl accurate_avx2() {
  return isa_entry("accurate.avx2", "faithfully rounded softmax, AVX2+FMA path", s::avx2::accurate_f32,
                   s::avx2::accurate_f64, s::has_avx2, kBudget);
}
Impl accurate_portable() {
  return isa_entry("accurate.portable", "faithfully rounded softmax, portable C++ path",
                   s::portable::accurate_f32, s::portable::accurate_f64, always, kBudget);
}

}  // namespace smx::impls
