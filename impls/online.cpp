// online: the online normalizer of Milakov and Gimelshein (2018), one pass for
// the max and the sum together (rescaling the sum as the max grows), one pass
// to write y. One registry entry per instruction set plus the dispatching one.
// Compiled for the baseline: it checks features and calls through pointers.
#include <cstddef>

#include "impls/registry.hpp"
#include "impls/simd/dispatch.hpp"
#include "impls/simd/kernels.hpp"

namespace smx::impls {
namespace {

template <class T>
void dispatch(const T* x, T* y, std::size_t n) {
  namespace s = simd;
  static const row_fn<T> fn = [] () -> row_fn<T> {
    if constexpr (sizeof(T) == 4)
      return s::has_avx512() ? s::avx512::online_f32 : s::has_avx2() ? s::avx2::online_f32 : s::portable::online_f32;
    else
      return s::has_avx512() ? s::avx512::online_f64 : s::has_avx2() ? s::avx2::online_f64 : s::portable::online_f64;
  }();
  fn(x, y, n);
}

// The exponentials are those of vectorized (exact x - m), but each rescaling
// of the running sum rounds (factor and product) and the sum is a plain
// recursive one in the element type, so the error grows with n. Measured
// (accuracy report and conformance tests, every family, n up to 2^20, all
// three paths): float 16 ulp at n = 4096 (adjacent floats: the max grows at
// every element), 1215 at 2^20; double 12 at n = 257, 4717 at 2^20.
// Declared rounded up.
constexpr Budget kBudget{.f32 = {4, 0x1p-7}, .f64 = {16, 0x1p-6}};

Impl entry(std::string_view name, std::string_view summary, row_fn<float> f32, row_fn<double> f64,
           bool (*available)()) {
  return {.name = name, .summary = summary, .softmax_f32 = f32, .softmax_f64 = f64, .available = available,
          .budget = kBudget};
}

}  // namespace

Impl online() {
  return entry("online", "online normalizer (Milakov-Gimelshein): max and sum in one pass, best ISA path",
               dispatch<float>, dispatch<double>, [] { return true; });
}
Impl online_avx512() {
  return entry("online.avx512", "online normalizer, AVX-512 path", simd::avx512::online_f32,
               simd::avx512::online_f64, simd::has_avx512);
}
Impl online_avx2() {
  return entry("online.avx2", "online normalizer, AVX2+FMA path", simd::avx2::online_f32, simd::avx2::online_f64,
               simd::has_avx2);
}
Impl online_portable() {
  return entry("online.portable", "online normalizer, portable C++ path", simd::portable::online_f32,
               simd::portable::online_f64, [] { return true; });
}

}  // namespace smx::impls
