// online: the online normalizer of Milakov and Gimelshein (2018), one pass for
// the max and the sum together (rescaling the sum as the max grows), one pass
// to write y (impls/simd/three_pass.hpp, online). One registry entry per
// instruction set plus the dispatching one (isa_variant.hpp).
#include "impls/isa_variant.hpp"
#include "impls/simd/kernels.hpp"

namespace smx::impls {
namespace {

namespace s = simd;

// The exponentials are those of vectorized (exact argument, e monotone), the
// rescalings exact powers of two, but the sum is a plain recursive one per
// lane in the element type, so the error grows with n: at most (n/lanes - 1)
// u relative, which is n/lanes ulp of an output at worst. The fewest lanes
// are the portable path's (16 floats, 8 doubles), hence the per-element
// terms. Measured (conformance tests, accuracy report, every family, n up to
// 2^20, every path): float 16 ulp at n = 4096, 1215 at 2^20; double 1366 at
// n = 65537 (tests/exact_shift_order_test.cpp, portable), 4717 at 2^20.
constexpr Budget kBudget{.f32 = {4, 0x1p-4}, .f64 = {16, 0x1p-3}};

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
