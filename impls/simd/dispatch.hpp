// Run-time choice of the instruction set for the hand-vectorized kernels:
// the best path the running CPU supports (avx512, avx2, portable). Compiled
// for the baseline; it checks features and returns function pointers, so
// nothing here can execute an instruction the CPU lacks.
#pragma once

#include <cstddef>
#include <string_view>

namespace smx::simd {

template <class T> using kernel_fn = void (*)(const T* x, T* y, std::size_t n);

bool has_avx512();  // every feature avx512.cpp is compiled with
bool has_avx2();    // every feature avx2.cpp is compiled with
std::string_view best_isa();  // "avx512", "avx2" or "portable"

// The softmax and the exp-only probe (exp(x) 2^64) of the best path.
template <class T> kernel_fn<T> best_softmax();
template <class T> kernel_fn<T> best_exp();

}  // namespace smx::simd
