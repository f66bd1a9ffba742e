// accurate: the vectorized softmax with each exponential kept as e + err (its
// rounding errors, exact) to the end, so every output is rounded once from a
// value good to the polynomial's accuracy (2^-28 float, 2^-55.8 double):
// faithfully rounded. One registry entry per instruction set plus the
// dispatching one, as for vectorized. Compiled for the baseline: it checks
// features and calls through function pointers.
#include <cstddef>
#include <vector>

#include "impls/registry.hpp"
#include "impls/simd/dispatch.hpp"
#include "impls/simd/kernels.hpp"

namespace smx::impls {
namespace {

template <class T> using accurate_fn = void (*)(const T*, T*, std::size_t, T*);

// Room for err beside y, per thread, grown as needed; only rows that reload
// (kRecomputeBytes) use it. Lives here, in baseline code, because a std::vector
// instantiated in an ISA translation unit could leak its instructions.
template <class T>
T* errs_scratch(std::size_t n) {
  if (n * sizeof(T) > simd::kRecomputeBytes) return nullptr;
  thread_local std::vector<T> buf;
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}

template <class T, accurate_fn<T> K>
void run(const T* x, T* y, std::size_t n) {
  K(x, y, n, errs_scratch<T>(n));
}

template <class T>
void dispatch(const T* x, T* y, std::size_t n) {
  namespace s = simd;
  static const row_fn<T> fn = [] () -> row_fn<T> {
    if constexpr (sizeof(T) == 4)
      return s::has_avx512() ? run<float, s::avx512::accurate_f32>
             : s::has_avx2() ? run<float, s::avx2::accurate_f32> : run<float, s::portable::accurate_f32>;
    else
      return s::has_avx512() ? run<double, s::avx512::accurate_f64>
             : s::has_avx2() ? run<double, s::avx2::accurate_f64> : run<double, s::portable::accurate_f64>;
  }();
  fn(x, y, n);
}

// Each output: 0.5 ulp from its one rounding, plus the polynomial's 2^-28
// (float) or 2^-55.8 (double) relative, plus the sum's (exact in double up to
// n 2^-53/16 for float; s + c for double), so below 1 ulp: faithful. Subnormal
// outputs are rounded twice (at y 2^64, then taking 2^-64 off), which stays
// within 1 ulp too. Measured: docs/performance.md and the accuracy report.
constexpr Budget kBudget{.f32 = {1.0, 0x1p-40}, .f64 = {1.0, 0}};

Impl entry(std::string_view name, std::string_view summary, row_fn<float> f32, row_fn<double> f64,
           bool (*available)()) {
  return {.name = name, .summary = summary, .softmax_f32 = f32, .softmax_f64 = f64, .available = available,
          .budget = kBudget};
}

}  // namespace

Impl accurate() {
  return entry("accurate", "faithfully rounded softmax: exp kept as e + its exact rounding error, best ISA path",
               dispatch<float>, dispatch<double>, [] { return true; });
}
Impl accurate_avx512() {
  return entry("accurate.avx512", "faithfully rounded softmax, AVX-512 path", run<float, simd::avx512::accurate_f32>,
               run<double, simd::avx512::accurate_f64>, simd::has_avx512);
}
Impl accurate_avx2() {
  return entry("accurate.avx2", "faithfully rounded softmax, AVX2+FMA path", run<float, simd::avx2::accurate_f32>,
               run<double, simd::avx2::accurate_f64>, simd::has_avx2);
}
Impl accurate_portable() {
  return entry("accurate.portable", "faithfully rounded softmax, portable C++ path",
               run<float, simd::portable::accurate_f32>, run<double, simd::portable::accurate_f64>, [] { return true; });
}

}  // namespace smx::impls
