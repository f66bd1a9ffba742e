// twopass: two passes with (mantissa, exponent) sums (Dukhan and Ablavatski,
// 2020): exp(x) = p 2^k with k kept apart, so no max pass and no overflow;
// the second pass recomputes exp and writes y (impls/simd/three_pass.hpp,
// twopass). One registry entry per instruction set plus the dispatching one.
#include "impls/isa_variant.hpp"
#include "impls/simd/kernels.hpp"

namespace smx::impls {
namespace {

namespace s = simd;

// The range reduction rounds once (x - k ln 2 in two or three parts), p is
// rounded, and the mantissa sums are plain sums in the element type, rescaled
// as the exponent grows: the error grows with n. Rows outside the reduction's
// range take the vectorized kernel. Measured (accuracy report, every family,
// n up to 2^20, all three paths): float 3.3 ulp at n = 15, 33 at 4096, 5239
// at 2^20 (equal values: one float lane sums 2^17 of them); double 5.9 at 63,
// 61 at 4096, 11453 at 2^20. Declared rounded up.
constexpr Budget kBudget{.f32 = {4, 0x1p-6}, .f64 = {6, 0x1p-5}};

}  // namespace

Impl twopass() {
  return isa_entry("twopass", "two passes, (mantissa, exponent) sums of exp (Dukhan-Ablavatski), best ISA path",
                   best_of<float, s::avx512::twopass_f32, s::avx2::twopass_f32, s::portable::twopass_f32>,
                   best_of<double, s::avx512::twopass_f64, s::avx2::twopass_f64, s::portable::twopass_f64>, always,
                   kBudget);
}
Impl twopass_avx512() {
  return isa_entry("twopass.avx512", "two-pass (mantissa, exponent) softmax, AVX-512 path", s::avx512::twopass_f32,
                   s::avx512::twopass_f64, s::has_avx512, kBudget);
}
Impl twopass_avx2() {
  return isa_entry("twopass.avx2", "two-pass (mantissa, exponent) softmax, AVX2+FMA path", s::avx2::twopass_f32,
                   s::avx2::twopass_f64, s::has_avx2, kBudget);
}
Impl twopass_portable() {
  return isa_entry("twopass.portable", "two-pass (mantissa, exponent) softmax, portable C++ path",
                   s::portable::twopass_f32, s::portable::twopass_f64, always, kBudget);
}

}  // namespace smx::impls
