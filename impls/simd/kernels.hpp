// The hand-vectorized softmax kernels, one namespace per instruction set. Each
// is a row kernel with the registry's contract (impls/registry.hpp): y may
// alias x, n == 0 is a no-op, no alignment beyond the element's. Only the
// portable ones run everywhere; the others need the CPU features that
// impls/vectorized.cpp checks before calling them.
#pragma once

#include <cstddef>

namespace smx::simd {

// Above this many bytes per row, the kernels recompute the exponential rather
// than store and reload it (docs/performance.md, "reload vs recompute"); the
// accurate kernels need their errs scratch only up to it.
constexpr std::size_t kRecomputeBytes = std::size_t(1) << 20;

// Room for n values per thread, grown as needed (dispatch.cpp: baseline code,
// so no std::vector is instantiated in an ISA translation unit). The kernels
// keep each exponential's rounding error there beside y; the pointer stays
// valid until the next call on the same thread with a larger n. The first
// argument only picks the type.
float* errs_scratch(float*, std::size_t n);
double* errs_scratch(double*, std::size_t n);

// The kernels every instruction set provides, one list for the three
// namespaces below (X-macro: X(name, T, suffix) for name_f32, name_f64):
//   softmax   the vectorized softmax
//   exp       exp(x) 2^64 alone: the exp-only probe
//   accurate  faithfully rounded softmax
//   online    the online normalizer (one pass for max and sum, one to write y)
//   twopass   two passes with (mantissa, exponent) sums (Dukhan-Ablavatski)
#define SMX_SIMD_KERNELS(X)                                                                               \
  X(softmax, float, f32) X(softmax, double, f64) X(exp, float, f32) X(exp, double, f64)                    \
  X(accurate, float, f32) X(accurate, double, f64) X(online, float, f32) X(online, double, f64)            \
  X(twopass, float, f32) X(twopass, double, f64)
#define SMX_SIMD_DECLARE(name, T, suffix) void name##_##suffix(const T* x, T* y, std::size_t n);

namespace avx512 {  // AVX-512 F/DQ/BW/VL (+ AVX2, FMA, BMI2): impls/simd/avx512.cpp
SMX_SIMD_KERNELS(SMX_SIMD_DECLARE)
}  // namespace avx512

namespace avx2 {  // AVX2, FMA, BMI2: impls/simd/avx2.cpp
SMX_SIMD_KERNELS(SMX_SIMD_DECLARE)
}  // namespace avx2

namespace portable {  // plain C++ for the compiler to vectorize: impls/simd/portable.cpp
SMX_SIMD_KERNELS(SMX_SIMD_DECLARE)
}  // namespace portable

}  // namespace smx::simd
