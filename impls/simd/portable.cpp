// The portable ISA target's translation unit (isa_targets.hpp:
// portable_kernels), built with the baseline flags (SSE2 on x86-64): the
// only place the portable kernels are compiled. SMX_SIMD_PORTABLE_TU makes
// each algorithm header (algorithms.hpp) add its portable kernel,
// smx::simd::portable::<id><T>, written in plain C++ over portable_ops.hpp;
// the table below takes them in SMX_SIMD_ALGORITHMS order.
#define SMX_SIMD_PORTABLE_TU

#include "impls/simd/algorithms.hpp"
#include "impls/simd/isa_targets.hpp"

#define SMX_PORTABLE_KERNELS(id) {smx::simd::portable::id<float>, smx::simd::portable::id<double>},
constinit const smx::simd::IsaKernels smx::simd::portable_kernels = {
    .algorithm = {SMX_SIMD_ALGORITHMS(SMX_PORTABLE_KERNELS)},
    .exp = {portable::exp_only<float>, portable::exp_only<double>},
};
#undef SMX_PORTABLE_KERNELS
