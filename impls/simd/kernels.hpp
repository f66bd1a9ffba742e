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

namespace avx512 {  // AVX-512 F/DQ/BW/VL (+ AVX2, FMA, BMI2): impls/simd/avx512.cpp
void softmax_f32(const float* x, float* y, std::size_t n);
void softmax_f64(const double* x, double* y, std::size_t n);
void exp_f32(const float* x, float* y, std::size_t n);  // exp(x) 2^64: the exp-only probe
void exp_f64(const double* x, double* y, std::size_t n);
// Faithfully rounded softmax.
void accurate_f32(const float* x, float* y, std::size_t n);
void accurate_f64(const double* x, double* y, std::size_t n);
// The online normalizer (one pass for max and sum, one to write y).
void online_f32(const float* x, float* y, std::size_t n);
void online_f64(const double* x, double* y, std::size_t n);
// Two passes with (mantissa, exponent) sums (Dukhan-Ablavatski).
void twopass_f32(const float* x, float* y, std::size_t n);
void twopass_f64(const double* x, double* y, std::size_t n);
}  // namespace avx512

namespace avx2 {  // AVX2, FMA, BMI2: impls/simd/avx2.cpp
void softmax_f32(const float* x, float* y, std::size_t n);
void softmax_f64(const double* x, double* y, std::size_t n);
void exp_f32(const float* x, float* y, std::size_t n);  // exp(x) 2^64: the exp-only probe
void exp_f64(const double* x, double* y, std::size_t n);
// Faithfully rounded softmax.
void accurate_f32(const float* x, float* y, std::size_t n);
void accurate_f64(const double* x, double* y, std::size_t n);
// The online normalizer (one pass for max and sum, one to write y).
void online_f32(const float* x, float* y, std::size_t n);
void online_f64(const double* x, double* y, std::size_t n);
// Two passes with (mantissa, exponent) sums (Dukhan-Ablavatski).
void twopass_f32(const float* x, float* y, std::size_t n);
void twopass_f64(const double* x, double* y, std::size_t n);
}  // namespace avx2

namespace portable {  // plain C++ for the compiler to vectorize: impls/simd/portable.cpp
void softmax_f32(const float* x, float* y, std::size_t n);
void softmax_f64(const double* x, double* y, std::size_t n);
void exp_f32(const float* x, float* y, std::size_t n);  // exp(x) 2^64: the exp-only probe
void exp_f64(const double* x, double* y, std::size_t n);
// Faithfully rounded softmax.
void accurate_f32(const float* x, float* y, std::size_t n);
void accurate_f64(const double* x, double* y, std::size_t n);
// The online normalizer (one pass for max and sum, one to write y).
void online_f32(const float* x, float* y, std::size_t n);
void online_f64(const double* x, double* y, std::size_t n);
// Two passes with (mantissa, exponent) sums (Dukhan-Ablavatski).
void twopass_f32(const float* x, float* y, std::size_t n);
void twopass_f64(const double* x, double* y, std::size_t n);
}  // namespace portable

}  // namespace smx::simd
