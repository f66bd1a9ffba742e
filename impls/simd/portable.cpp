// The portable ISA target's translation unit (isa_targets.hpp:
// portable_kernels), built with the baseline flags (SSE2 on x86-64): the
// only place the portable kernels are compiled. SMX_SIMD_PORTABLE_TU makes
// each algorithm header (algorithms.hpp) add its portable kernel,
// smx::simd::portable::<id><T>, written in plain C++ over portable_ops.hpp;
// the table below takes each one's cells (<id>_kernels) in SMX_SIMD_ALGORITHMS order.
#define SMX_SIMD_PORTABLE_TU

#include "impls/simd/algorithms.hpp"
#include "impls/simd/isa_targets.hpp"

namespace {
constexpr smx::simd::IsaKernels portable_table() {
  smx::simd::IsaKernels t{};
  std::size_t a = 0;
#define SMX_PORTABLE_FILL(id)                                      \
  smx::simd::portable::id##_kernels<float>(t.algorithm[a].f32);  \
  smx::simd::portable::id##_kernels<double>(t.algorithm[a].f64); \
  ++a;
  SMX_SIMD_ALGORITHMS(SMX_PORTABLE_FILL)
#undef SMX_PORTABLE_FILL
  t.exp = {smx::simd::portable::exp_only<float>, smx::simd::portable::exp_only<double>};
  return t;
}
}  // namespace

constinit const smx::simd::IsaKernels smx::simd::portable_kernels = portable_table();
