// twopass: two passes with (mantissa, exponent) sums (Dukhan and Ablavatski,
// 2020): exp(x) = p 2^k with k kept apart, so no max pass and no overflow;
// the second pass recomputes exp and writes y. One registry entry per
// instruction set plus the dispatching one. Compiled for the baseline: it
// checks features and calls through pointers.
#include <cstddef>

#include "impls/registry.hpp"
#include "impls/simd/dispatch.hpp"
#include "impls/simd/kernels.hpp"

namespace smx::impls {
namespace {

template <class T>
void dispatch(const T* x, T* y, std::size_t n) {
  namespace s = simd;
  static const row_fn<T> fn = [] () -> row_fn<T> {
    if constexpr (sizeof(T) == 4)
      return s::has_avx512() ? s::avx512::twopass_f32 : s::has_avx2() ? s::avx2::twopass_f32 : s::portable::twopass_f32;
    else
      return s::has_avx512() ? s::avx512::twopass_f64 : s::has_avx2() ? s::avx2::twopass_f64 : s::portable::twopass_f64;
  }();
  fn(x, y, n);
}

// The range reduction rounds once (x - k ln 2 in two or three parts), p is
// rounded, and the mantissa sums are plain sums in the element type, rescaled
// as the exponent grows: the error grows with n. Rows outside the reduction's
// range take the vectorized kernel. Measured (accuracy report, every family,
// n up to 2^20, all three paths): float 3.3 ulp at n = 15, 33 at 4096, 5239
// at 2^20 (equal values: one float lane sums 2^17 of them); double 5.9 at 63,
// 61 at 4096, 11453 at 2^20. Declared rounded up.
constexpr Budget kBudget{.f32 = {4, 0x1p-6}, .f64 = {6, 0x1p-5}};

Impl entry(std::string_view name, std::string_view summary, row_fn<float> f32, row_fn<double> f64,
           bool (*available)()) {
  return {.name = name, .summary = summary, .softmax_f32 = f32, .softmax_f64 = f64, .available = available,
          .budget = kBudget};
}

}  // namespace

Impl twopass() {
  return entry("twopass", "two passes, (mantissa, exponent) sums of exp (Dukhan-Ablavatski), best ISA path",
               dispatch<float>, dispatch<double>, [] { return true; });
}
Impl twopass_avx512() {
  return entry("twopass.avx512", "two-pass (mantissa, exponent) softmax, AVX-512 path", simd::avx512::twopass_f32,
               simd::avx512::twopass_f64, simd::has_avx512);
}
Impl twopass_avx2() {
  return entry("twopass.avx2", "two-pass (mantissa, exponent) softmax, AVX2+FMA path", simd::avx2::twopass_f32, simd::avx2::twopass_f64,
               simd::has_avx2);
}
Impl twopass_portable() {
  return entry("twopass.portable", "two-pass (mantissa, exponent) softmax, portable C++ path", simd::portable::twopass_f32,
               simd::portable::twopass_f64, [] { return true; });
}

}  // namespace smx::impls
