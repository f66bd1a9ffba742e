#include "impls/simd/dispatch.hpp"

#include <vector>

#include "impls/simd/kernels.hpp"

namespace smx::simd {

// The flags of cmake/SmxCompileOptions.cmake, feature by feature.
bool has_avx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && has_avx2();
}

bool has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2");
}

namespace {
template <class T>
T* grown(std::size_t n) {
  thread_local std::vector<T> buf;
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}
}  // namespace
float* errs_scratch(float*, std::size_t n) { return grown<float>(n); }
double* errs_scratch(double*, std::size_t n) { return grown<double>(n); }

std::string_view best_isa() { return has_avx512() ? "avx512" : has_avx2() ? "avx2" : "portable"; }

template <> kernel_fn<float> best_softmax<float>() {
  return has_avx512() ? avx512::softmax_f32 : has_avx2() ? avx2::softmax_f32 : portable::softmax_f32;
}
template <> kernel_fn<double> best_softmax<double>() {
  return has_avx512() ? avx512::softmax_f64 : has_avx2() ? avx2::softmax_f64 : portable::softmax_f64;
}
template <> kernel_fn<float> best_exp<float>() {
  return has_avx512() ? avx512::exp_f32 : has_avx2() ? avx2::exp_f32 : portable::exp_f32;
}
template <> kernel_fn<double> best_exp<double>() {
  return has_avx512() ? avx512::exp_f64 : has_avx2() ? avx2::exp_f64 : portable::exp_f64;
}

}  // namespace smx::simd
