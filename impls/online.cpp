// online: the online normalizer of Milakov and Gimelshein (2018), one pass for
// the max and the sum together (rescaling the sum as the max grows), one pass
// to write y (impls/simd/three_pass.hpp, online). One registry entry per
// instruction set plus the dispatching one (isa_variant.hpp).
#include "impls/isa_variant.hpp"
#include "impls/simd/kernels.hpp"

namespace smx::impls {
namespace {

namespace s = simd;

// The exponentials are those of vectorized (exact x - m), but each rescaling
// of the running sum rounds (factor and product) and the sum is a plain
// recursive one in the element type, so the error grows with n. Measured
// (accuracy report and conformance tests, every family, n up to 2^20, all
// three paths): float 16 ulp at n = 4096 (adjacent floats: the max grows at
// every element), 1215 at 2^20; double 12 at n = 257, 4717 at 2^20.
// Declared rounded up.
constexpr Budget kBudget{.f32 = {4, 0x1p-7}, .f64 = {16, 0x1p-6}};

}  // namespace

Impl online() {
  return isa_entry("online", "online normalizer (Milakov-Gimelshein): max and sum in one pass, best ISA path",
                   best_of<float, s::avx512::online_f32, s::avx2::online_f32, s::portable::online_f32>,
                   best_of<double, s::avx512::online_f64, s::avx2::online_f64, s::portable::online_f64>, always,
                   kBudget);
}
Impl online_avx512() {
  return isa_entry("online.avx512", "online normalizer, AVX-512 path", s::avx512::online_f32, s::avx512::online_f64,
                   s::has_avx512, kBudget);
}
Impl online_avx2() {
  return isa_entry("online.avx2", "online normalizer, AVX2+FMA path", s::avx2::online_f32, s::avx2::online_f64,
                   s::has_avx2, kBudget);
}
Impl online_portable() {
  return isa_entry("online.portable", "online normalizer, portable C++ path", s::portable::online_f32,
                   s::portable::online_f64, always, kBudget);
}

}  // namespace smx::impls
