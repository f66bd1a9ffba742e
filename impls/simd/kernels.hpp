// The hand-vectorized kernels as data: for each algorithm, one kernel cell per
// operation of impls/op.hpp (its row kernel, batched and temperature-folding
// ones) per element type; one target's table of them is in algorithms.hpp.
// Each kernel has the registry's contract for its operation (impls/op.hpp):
// outputs may alias inputs, n == 0 is a no-op, no alignment beyond the
// element's. Only the portable ones run everywhere; the others need their
// target's CPU check (isa_targets.hpp). Declarations and types only: the ISA
// translation units include it too.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "impls/op.hpp"

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

// A row kernel per element type (the exp-only probe).
struct KernelPair {
  kernel_fn<float> f32;
  kernel_fn<double> f64;
  template <class T> kernel_fn<T> of() const {
    if constexpr (std::is_same_v<T, float>) return f32; else return f64;
  }
};

// The kernels of one operation over T: nullptr where not provided (a
// std::nullptr_t member where the operation has no such kernel, impls/op.hpp).
template <class T, Op op>
struct OpCell {
  kernel_t<op, T> row = nullptr;
  batch_t<op, T> batch = nullptr;
  scaled_t<op, T> scaled = nullptr;
};

// One cell per row of op_table, found by operation: at<Op::log_softmax>().
template <class T, class Rows> struct OpCellsOf;
template <class T, std::size_t... r>
struct OpCellsOf<T, std::index_sequence<r...>> : OpCell<T, op_table[r].op>... {};

template <class T>
struct OpKernels : OpCellsOf<T, std::make_index_sequence<op_table.size()>> {
  template <Op op> constexpr OpCell<T, op>& at() { return *this; }
  template <Op op> constexpr const OpCell<T, op>& at() const { return *this; }
};

// An algorithm's kernels on one ISA target, per element type.
struct AlgorithmKernels {
  OpKernels<float> f32{};
  OpKernels<double> f64{};
  template <class T> constexpr OpKernels<T>& of() {
    if constexpr (std::is_same_v<T, float>) return f32; else return f64;
  }
  template <class T> constexpr const OpKernels<T>& of() const {
    if constexpr (std::is_same_v<T, float>) return f32; else return f64;
  }
};

// One ISA target's kernels, by algorithm (algorithms.hpp, which lists them).
struct IsaKernels;

}  // namespace smx::simd
