// The table of ISA targets (isa_targets.hpp) and the choice among them.
// Baseline code: it checks features and hands out pointers, so nothing here
// can execute an instruction the CPU lacks.
#include "impls/simd/isa_targets.hpp"

#include <array>

#include "impls/simd/algorithms.hpp"
#include "impls/simd/dispatch.hpp"

namespace smx::simd {
namespace {

#define SMX_CPU(feature) __builtin_cpu_supports(#feature)
#define SMX_ISA_CHECK(name, label, check) \
  bool name##_supported() {               \
    __builtin_cpu_init();                 \
    return check;                         \
  }
SMX_ISA_TARGETS(SMX_ISA_CHECK)
#undef SMX_ISA_CHECK
#undef SMX_CPU

#define SMX_ISA_ENTRY(name, label, check) IsaTarget{#name, label, name##_supported, &name##_kernels},
constexpr std::array kTargets{SMX_ISA_TARGETS(SMX_ISA_ENTRY)};
#undef SMX_ISA_ENTRY

}  // namespace

std::span<const IsaTarget> isa_targets() { return kTargets; }

const IsaTarget& best_isa_target() {
  for (const IsaTarget& t : kTargets)
    if (t.supported()) return t;
  return kTargets.back();
}

std::string_view best_isa() { return best_isa_target().name; }

template <class T> kernel_fn<T> best_exp() { return best_isa_target().kernels->exp.of<T>(); }
template kernel_fn<float> best_exp<float>();
template kernel_fn<double> best_exp<double>();

}  // namespace smx::simd
