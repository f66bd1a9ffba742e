// AVX-512 (F, DQ, BW, VL) softmax kernels: 16 floats or 8 doubles a vector.
// The algorithms are written once over ISA ops (algorithms.hpp, shared with
// avx2.cpp), the exponential in exp.hpp; this file supplies the AVX-512
// operations and its row of kernels (isa_targets.hpp: avx512_kernels).
// 2^(k+64) is built in the exponent bits; the remainder uses masked loads and stores
// (never touching memory past the row), so it runs the same instructions as
// the body and equal inputs give bit-identical outputs wherever they sit.
//
// Special values: a NaN anywhere makes the sum, hence every output, NaN; x_i
// - m below -tail (-inf included) gives e_i = 0 exactly; an all -inf row
// gives NaN (-inf - -inf); +inf gives a NaN row (inf - inf).
//
// This file is compiled with AVX-512 flags. Everything but the kernel table
// is in an anonymous namespace and uses intrinsics and builtins only:
// an inline or template function from a header instantiated here could become
// the weak symbol the linker keeps for baseline code too, and crash there.
//
// GCC 12 warns falsely inside its own AVX-512 headers (the self-initialised
// _mm512_undefined_* placeholders, GCC bug 105593); -Werror builds would fail.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>

#include <cstddef>
#include <type_traits>

#include "impls/simd/algorithms.hpp"
#include "impls/simd/exp_constants.hpp"
#include "impls/simd/exp.hpp"
#include "impls/simd/isa_targets.hpp"

namespace {

using std::size_t;
namespace ec = smx::simd::exp_constants;

struct F32 {
  using T = float;
  using V = __m512;
  using M = __mmask16;
  static constexpr size_t lanes = 16;
  static M all() { return 0xFFFF; }

  static V set1(T v) { return _mm512_set1_ps(v); }
  static V load(const T* p) { return _mm512_loadu_ps(p); }
  static V load_or(M k, const T* p, V fill) { return _mm512_mask_loadu_ps(fill, k, p); }
  static V load_z(M k, const T* p) { return _mm512_maskz_loadu_ps(k, p); }
  static void store(T* p, V v) { _mm512_storeu_ps(p, v); }
  static void store_m(T* p, M k, V v) { _mm512_mask_storeu_ps(p, k, v); }
  // A store that bypasses the caches (p aligned to the vector), then the fence that orders them.
  static void stream(T* p, V v) { _mm512_stream_ps(p, v); }
  static void stream_fence() { _mm_sfence(); }
  static M first(size_t r) { return static_cast<M>(_bzhi_u32(0xFFFFu, static_cast<unsigned>(r))); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V fnma(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }  // c - a b
  // max(v, acc): an ordinary acc wins over a NaN v, so NaN is left to the sum.
  static V max(V v, V acc) { return _mm512_max_ps(v, acc); }
  static T reduce_max(V v) { return _mm512_reduce_max_ps(v); }

  // v 2^d for integer-valued d (twopass); v on the lanes of m, 0 elsewhere.
  static V scale2(V v, V d) { return _mm512_scalef_ps(v, d); }
  static V and_mask(V v, M m) { return _mm512_maskz_mov_ps(m, v); }
  // a b + c on the lanes of m, 0 elsewhere.
  static V fma_z(M m, V a, V b, V c) { return _mm512_maskz_fmadd_ps(m, a, b, c); }
  // 2^(k+64) from kbig = magic_pow2 + k: its low bits shifted into the exponent.
  static V exp2_bits(V kbig) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_castps_si512(kbig), ec::F32::mantissa_bits));
  }
  static V fms(V a, V b, V c) { return _mm512_fmsub_ps(a, b, c); }  // a b - c
  // Lane masks: a < b or unordered; a >= b or unordered; a == b; both.
  static M nge(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_NGE_UQ); }
  static M nlt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_NLT_UQ); }
  static M eq(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  static M mand(M a, M b) { return static_cast<M>(a & b); }
  static V add_m(V a, M k, V b) { return _mm512_mask_add_ps(a, k, a, b); }  // a + b on the lanes of k, else a
  static M andnot(M a, M b) { return static_cast<M>(~a & b); }               // b and not a
  static unsigned count(M k) { return static_cast<unsigned>(__builtin_popcount(k)); }  // lanes set
  // The lanes in double (exactly), and back (rounded once).
  static void widen(V v, __m512d& lo, __m512d& hi) {
    lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
    hi = _mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1));
  }
  static V narrow(__m512d lo, __m512d hi) {
    return _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo)), _mm512_cvtpd_ps(hi), 1);
  }

  // The sum in double: 2^-53 relative rounding per term is far below float's.
  struct Acc {
    static constexpr size_t width = 8;
    __m512d a = _mm512_setzero_pd();
    explicit Acc(float /*seed: not needed in double*/) {}
    void add(V e) {
      a = _mm512_add_pd(a, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
      a = _mm512_add_pd(a, _mm512_cvtps_pd(_mm512_extractf32x8_ps(e, 1)));
    }
    void to_lanes(double* h, double* l) const {
      _mm512_storeu_pd(h, a);
      _mm512_storeu_pd(l, _mm512_setzero_pd());
    }
  };
};

struct F64 {
  using T = double;
  using V = __m512d;
  using M = __mmask8;
  static constexpr size_t lanes = 8;
  static M all() { return 0xFF; }

  static V set1(T v) { return _mm512_set1_pd(v); }
  static V load(const T* p) { return _mm512_loadu_pd(p); }
  static V load_or(M k, const T* p, V fill) { return _mm512_mask_loadu_pd(fill, k, p); }
  static V load_z(M k, const T* p) { return _mm512_maskz_loadu_pd(k, p); }
  static void store(T* p, V v) { _mm512_storeu_pd(p, v); }
  static void store_m(T* p, M k, V v) { _mm512_mask_storeu_pd(p, k, v); }
  static void stream(T* p, V v) { _mm512_stream_pd(p, v); }
  static void stream_fence() { _mm_sfence(); }
  static M first(size_t r) { return static_cast<M>(_bzhi_u32(0xFFu, static_cast<unsigned>(r))); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static V sub(V a, V b) { return _mm512_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static V fnma(V a, V b, V c) { return _mm512_fnmadd_pd(a, b, c); }
  static V max(V v, V acc) { return _mm512_max_pd(v, acc); }
  static T reduce_max(V v) { return _mm512_reduce_max_pd(v); }

  // v 2^d for integer-valued d (twopass); v on the lanes of m, 0 elsewhere.
  static V scale2(V v, V d) { return _mm512_scalef_pd(v, d); }
  static V and_mask(V v, M m) { return _mm512_maskz_mov_pd(m, v); }
  static V fma_z(M m, V a, V b, V c) { return _mm512_maskz_fmadd_pd(m, a, b, c); }
  static V exp2_bits(V kbig) {
    return _mm512_castsi512_pd(_mm512_slli_epi64(_mm512_castpd_si512(kbig), ec::F64::mantissa_bits));
  }
  static V fms(V a, V b, V c) { return _mm512_fmsub_pd(a, b, c); }
  static M nge(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_NGE_UQ); }
  static M nlt(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_NLT_UQ); }
  static M eq(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
  static M mand(M a, M b) { return static_cast<M>(a & b); }
  static V add_m(V a, M k, V b) { return _mm512_mask_add_pd(a, k, a, b); }
  static M andnot(M a, M b) { return static_cast<M>(~a & b); }
  static unsigned count(M k) { return static_cast<unsigned>(__builtin_popcount(k)); }

  using Acc = SeededSum<F64>;  // exp.hpp
};

// The ops by element type, for the kernel table (algorithms.hpp).
template <class T>
using OpsOf = std::conditional_t<std::is_same_v<T, float>, F32, F64>;

}  // namespace

constinit const smx::simd::IsaKernels smx::simd::avx512_kernels = kernels_over<OpsOf>();
