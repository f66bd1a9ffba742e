// The SIMD algorithms: the one list of them, and the kernel table of an ISA
// target built from it.
//
// Adding an algorithm: its header impls/simd/<id>.hpp (vectorized.hpp is the
// smallest example), which holds
// - smx::simd::<id>_data, its registry data (algorithm.hpp): a budget per
//   operation it provides;
// - <id>_kernels<OpsOf, T>(OpKernels<T>&), which puts its kernels over an
//   ISA's ops OpsOf<T> (exp.hpp, row_loop.hpp) in the cells of the
//   operations it provides (kernels.hpp), softmax at least;
// - under #ifdef SMX_SIMD_PORTABLE_TU, smx::simd::portable::<id>_kernels<T>,
//   the same over its portable kernels (portable_ops.hpp; only portable.cpp
//   compiles them);
// then its two entries below, side by side: its #include and X(id) in
// SMX_SIMD_ALGORITHMS, in `softmax-lab list` order. Nothing else changes: every ISA target's
// table, the portable one and the registry entries (entries.cpp: the
// dispatcher and one path per target) come from this list.
//
// Each intrinsics translation unit builds its table over its ops:
//   constinit const smx::simd::IsaKernels smx::simd::<name>_kernels = kernels_over<OpsOf>();
// constinit: the table is filled in by the compiler, so no code of the unit
// runs at start-up, on any CPU. Anonymous namespace: see exp.hpp.
#pragma once

#include <cstddef>

#include "impls/simd/exp_probe.hpp"
#include "impls/simd/kernels.hpp"

// The algorithms: each one's header, and X(id) in the list, in the same order.
#include "impls/simd/vectorized.hpp"
#include "impls/simd/accurate.hpp"
#include "impls/simd/online.hpp"
#include "impls/simd/twopass.hpp"
#define SMX_SIMD_ALGORITHMS(X) X(vectorized) X(accurate) X(online) X(twopass)

namespace smx::simd {

#define SMX_SIMD_COUNT(id) +1
constexpr std::size_t kAlgorithmCount = 0 SMX_SIMD_ALGORITHMS(SMX_SIMD_COUNT);
#undef SMX_SIMD_COUNT

// One ISA target's kernels (its translation unit defines them as a constant).
// The algorithms come first: the order the translation unit instantiates
// them in, which GCC's inlining follows (this order keeps the base's code).
struct IsaKernels {
  AlgorithmKernels algorithm[kAlgorithmCount];  // in SMX_SIMD_ALGORITHMS order
  KernelPair exp;  // exp(x) 2^64 alone, as the softmax computes it: the exp-only probe
};

}  // namespace smx::simd

namespace {

template <template <class> class OpsOf>
constexpr smx::simd::IsaKernels kernels_over() {
  smx::simd::IsaKernels t{};
  std::size_t a = 0;
#define SMX_SIMD_FILL(id)                          \
  id##_kernels<OpsOf, float>(t.algorithm[a].f32);  \
  id##_kernels<OpsOf, double>(t.algorithm[a].f64); \
  ++a;
  SMX_SIMD_ALGORITHMS(SMX_SIMD_FILL)
#undef SMX_SIMD_FILL
  t.exp = {exp_probe_row<OpsOf<float>>, exp_probe_row<OpsOf<double>>};
  return t;
}

}  // namespace
