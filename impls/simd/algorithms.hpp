// Every SIMD algorithm's header, and the kernel table an intrinsics ISA
// translation unit builds from them over its ops (kernels_over<OpsOf>):
//   constinit const smx::simd::IsaKernels smx::simd::<name>_kernels = kernels_over<OpsOf>();
// constinit: the table is filled in by the compiler, so no code of the unit
// runs at start-up, on any CPU. Anonymous namespace: see exp.hpp.
#pragma once

#include "impls/simd/accurate.hpp"
#include "impls/simd/exp_probe.hpp"
#include "impls/simd/kernels.hpp"
#include "impls/simd/online.hpp"
#include "impls/simd/twopass.hpp"
#include "impls/simd/vectorized.hpp"

namespace {

template <template <class> class OpsOf>
constexpr smx::simd::IsaKernels kernels_over() {
#define SMX_SIMD_ROW_KERNELS(id) {id##_row<OpsOf<float>>, id##_row<OpsOf<double>>},
  return {.algorithm = {SMX_SIMD_ALGORITHMS(SMX_SIMD_ROW_KERNELS)},
          .exp = {exp_probe_row<OpsOf<float>>, exp_probe_row<OpsOf<double>>}};
#undef SMX_SIMD_ROW_KERNELS
}

}  // namespace
