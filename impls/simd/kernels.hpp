// The hand-vectorized softmax kernels as data: the algorithms every ISA
// target provides, and the table of one target's kernels. Each kernel has the
// registry's row contract (impls/registry.hpp): y may alias x, n == 0 is a
// no-op, no alignment beyond the element's. Only the portable ones run
// everywhere; the others need their target's CPU check (isa_targets.hpp).
// Declarations and types only: the ISA translation units include it too.
#pragma once

#include <cstddef>
#include <type_traits>

namespace smx::simd {

// Above this many bytes per row, the kernels recompute the exponential rather
// than store and reload it (docs/performance.md, "reload vs recompute"); the
// accurate kernels need their errs scratch only up to it.
constexpr std::size_t kRecomputeBytes = std::size_t(1) << 20;

// Room for n values per thread, grown as needed (scratch.cpp: baseline code,
// so no std::vector is instantiated in an ISA translation unit). The kernels
// keep each exponential's rounding error there beside y; the pointer stays
// valid until the next call on the same thread with a larger n. The first
// argument only picks the type.
float* errs_scratch(float*, std::size_t n);
double* errs_scratch(double*, std::size_t n);

template <class T> using kernel_fn = void (*)(const T* x, T* y, std::size_t n);

// The SIMD algorithms, in `softmax-lab list` order. X(id): impls/simd/<id>.hpp
// holds its registry data, smx::simd::<id>_data, and its intrinsics kernel,
// <id>_row<O> (included by algorithms.hpp); portable.cpp its portable kernel.
#define SMX_SIMD_ALGORITHMS(X) X(vectorized) X(accurate) X(online) X(twopass)

#define SMX_SIMD_COUNT(id) +1
constexpr std::size_t kAlgorithmCount = 0 SMX_SIMD_ALGORITHMS(SMX_SIMD_COUNT);
#undef SMX_SIMD_COUNT

struct KernelPair {
  kernel_fn<float> f32;
  kernel_fn<double> f64;
  template <class T> kernel_fn<T> of() const {
    if constexpr (std::is_same_v<T, float>) return f32; else return f64;
  }
};

// One ISA target's kernels (its translation unit defines them as a constant).
// The algorithms come first: the order the translation unit instantiates
// them in, which GCC's inlining follows (this order keeps the base's code).
struct IsaKernels {
  KernelPair algorithm[kAlgorithmCount];  // in SMX_SIMD_ALGORITHMS order
  KernelPair exp;  // exp(x) 2^64 alone, as the softmax computes it: the exp-only probe
};

}  // namespace smx::simd
