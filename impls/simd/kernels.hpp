// The hand-vectorized softmax kernels as data: a kernel's type and a pair of
// them (f32, f64); one target's table of them is in algorithms.hpp. Each
// kernel has the registry's row contract (impls/registry.hpp): y may alias x,
// n == 0 is a no-op, no alignment beyond the element's. Only the portable ones run
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

struct KernelPair {
  kernel_fn<float> f32;
  kernel_fn<double> f64;
  template <class T> kernel_fn<T> of() const {
    if constexpr (std::is_same_v<T, float>) return f32; else return f64;
  }
};

// One ISA target's kernels, by algorithm (algorithms.hpp, which lists them).
struct IsaKernels;

}  // namespace smx::simd
