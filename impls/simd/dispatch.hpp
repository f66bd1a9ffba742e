// Run-time choice of the instruction set for the hand-vectorized kernels:
// the best ISA target the running CPU supports (isa_targets.hpp). Baseline
// code; it checks features and returns function pointers, so nothing here
// can execute an instruction the CPU lacks.
#pragma once

#include <string_view>

#include "impls/simd/kernels.hpp"

namespace smx::simd {

std::string_view best_isa();  // "avx512", "avx2" or "portable"

// The exp-only probe (exp(x) 2^64) of the best path.
template <class T> kernel_fn<T> best_exp();

}  // namespace smx::simd
