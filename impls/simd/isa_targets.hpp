// The ISA targets of the hand-vectorized kernels, best first. One line each:
//   X(name, label, CPU check)
// name: the translation unit impls/simd/<name>.cpp, which defines
// smx::simd::<name>_kernels; label: how `softmax-lab list` names the path.
// The check is the features the unit is built with: each SMX_CPU(feature) is
// also the flag -m<feature> of that unit (cmake/SmxCompileOptions.cmake reads
// them from these lines, one target a line), so the two cannot drift apart.
//
// Adding an ISA target: its unit impls/simd/<name>.cpp (avx2.cpp is the
// model: the ops F32 and F64 in an anonymous namespace, OpsOf, and
//   constinit const smx::simd::IsaKernels smx::simd::<name>_kernels = kernels_over<OpsOf>();
// from algorithms.hpp, which instantiates every algorithm over those ops),
// plus its line here, in its place in the best-first order. CMake builds
// every .cpp of impls/simd/ (a glob) and gives it its flags from that line;
// entries.cpp adds the path <algorithm>.<name> of every algorithm.
#pragma once

#include <span>
#include <string_view>

#include "impls/simd/kernels.hpp"

#define SMX_ISA_TARGETS(X)                                                                                          \
  X(avx512, "AVX-512", SMX_CPU(avx512f) && SMX_CPU(avx512dq) && SMX_CPU(avx512bw) && SMX_CPU(avx512vl) && SMX_CPU(avx2) && SMX_CPU(fma) && SMX_CPU(bmi2)) \
  X(avx2, "AVX2+FMA", SMX_CPU(avx2) && SMX_CPU(fma) && SMX_CPU(bmi2))                                                \
  X(portable, "portable C++", true)

namespace smx::simd {

#define SMX_ISA_DECLARE(name, label, check) extern const IsaKernels name##_kernels;
SMX_ISA_TARGETS(SMX_ISA_DECLARE)
#undef SMX_ISA_DECLARE

struct IsaTarget {
  std::string_view name;   // "avx512"
  std::string_view label;  // "AVX-512"
  bool (*supported)();     // the running CPU has every feature the unit is built with
  const IsaKernels* kernels;
};

// Every target, best first (isa_targets.cpp: baseline code).
std::span<const IsaTarget> isa_targets();
// The first target the running CPU supports (the last, portable, always is).
const IsaTarget& best_isa_target();

}  // namespace smx::simd
