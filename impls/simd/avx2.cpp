// AVX2 + FMA softmax kernels: 8 floats or 4 doubles a vector. Same algorithms
// as avx512.cpp (algorithms.hpp over these ops, the exponential in exp.hpp;
// its row of kernels: isa_targets.hpp, avx2_kernels); without scalef,
// 2^(k+64) is built in the exponent bits, which is exact because e is kept
// normal. The remainder uses maskload and
// maskstore (masked-off lanes are neither read nor written), so it runs the
// same instructions as the body and equal inputs give identical outputs.
//
// This file is compiled with -mavx2 -mfma -mbmi2 (its SMX_CPU features). Everything but the kernel
// table is in an anonymous namespace and uses intrinsics and builtins only:
// an inline or template function from a header instantiated here could become
// the weak symbol the linker keeps for baseline code too, and crash there.
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
  using V = __m256;
  using M = __m256i;  // lane mask: all ones or all zeros per lane
  static constexpr size_t lanes = 8;

  static M all() { return _mm256_set1_epi32(-1); }
  static M first(size_t r) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(r)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static V set1(T v) { return _mm256_set1_ps(v); }
  static V load(const T* p) { return _mm256_loadu_ps(p); }
  static V load_z(M k, const T* p) { return _mm256_maskload_ps(p, k); }
  static V load_or(M k, const T* p, V fill) { return _mm256_blendv_ps(fill, load_z(k, p), _mm256_castsi256_ps(k)); }
  static void store(T* p, V v) { _mm256_storeu_ps(p, v); }
  static void store_m(T* p, M k, V v) { _mm256_maskstore_ps(p, k, v); }
  // A store that bypasses the caches (p aligned to the vector), then the fence that orders them.
  static void stream(T* p, V v) { _mm256_stream_ps(p, v); }
  static void stream_fence() { _mm_sfence(); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V fnma(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }  // c - a b
  // max(v, acc): an ordinary acc wins over a NaN v, so NaN is left to the sum.
  static V max(V v, V acc) { return _mm256_max_ps(v, acc); }
  static T reduce_max(V v) {
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_movehdup_ps(h));
    return _mm_cvtss_f32(h);
  }

  // v 2^d for integer-valued d <= 0 (twopass), d below -100 in two steps so
  // that only the last product can round (into the subnormals): each factor
  // is built in the exponent bits, 2^-127 standing for 0.
  static V pow2(V d) {
    const V t = add(max(d, set1(-127.0f)), set1(ec::F32::magic));
    return _mm256_castsi256_ps(_mm256_slli_epi32(
        _mm256_add_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(ec::F32::exp_bias)), ec::F32::mantissa_bits));
  }
  static V scale2(V v, V d) {
    const V d1 = max(d, set1(-100.0f));
    return mul(mul(v, pow2(d1)), pow2(sub(d, d1)));
  }
  static V and_mask(V v, M m) { return _mm256_and_ps(v, _mm256_castsi256_ps(m)); }
  // a b + c on the lanes of m, 0 elsewhere.
  static V fma_z(M m, V a, V b, V c) { return and_mask(fma(a, b, c), m); }
  // 2^(k+64) from kbig = magic_pow2 + k: its low bits shifted into the
  // exponent (the magic number's own high bits shift out of the word); exact
  // while it stays normal: k + 64 in [-126, 127] over the windows.
  static V exp2_bits(V kbig) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(kbig), ec::F32::mantissa_bits));
  }
  static V fms(V a, V b, V c) { return _mm256_fmsub_ps(a, b, c); }  // a b - c
  // Lane masks: a < b or unordered; a >= b or unordered; a == b; both.
  static M nge(V a, V b) { return _mm256_castps_si256(_mm256_cmp_ps(a, b, _CMP_NGE_UQ)); }
  static M nlt(V a, V b) { return _mm256_castps_si256(_mm256_cmp_ps(a, b, _CMP_NLT_UQ)); }
  static M eq(V a, V b) { return _mm256_castps_si256(_mm256_cmp_ps(a, b, _CMP_EQ_OQ)); }
  static M mand(M a, M b) { return _mm256_and_si256(a, b); }
  static V add_m(V a, M k, V b) { return add(a, and_mask(b, k)); }  // a + b on the lanes of k, else a
  static M andnot(M a, M b) { return _mm256_andnot_si256(a, b); }  // b and not a
  static unsigned count(M k) { return static_cast<unsigned>(__builtin_popcount(_mm256_movemask_ps(_mm256_castsi256_ps(k)))); }
  // The lanes in double (exactly), and back (rounded once).
  static void widen(V v, __m256d& lo, __m256d& hi) {
    lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
    hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
  }
  static V narrow(__m256d lo, __m256d hi) { return _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo)); }

  // The sum in double: 2^-53 relative rounding per term is far below float's.
  struct Acc {
    static constexpr size_t width = 4;
    __m256d a = _mm256_setzero_pd();
    explicit Acc(float /*seed: not needed in double*/) {}
    void add(V e) {
      a = _mm256_add_pd(a, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
      a = _mm256_add_pd(a, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    void to_lanes(double* h, double* l) const {
      _mm256_storeu_pd(h, a);
      _mm256_storeu_pd(l, _mm256_setzero_pd());
    }
  };
};

struct F64 {
  using T = double;
  using V = __m256d;
  using M = __m256i;
  static constexpr size_t lanes = 4;

  static M all() { return _mm256_set1_epi64x(-1); }
  static M first(size_t r) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(static_cast<long long>(r)), _mm256_setr_epi64x(0, 1, 2, 3));
  }
  static V set1(T v) { return _mm256_set1_pd(v); }
  static V load(const T* p) { return _mm256_loadu_pd(p); }
  static V load_z(M k, const T* p) { return _mm256_maskload_pd(p, k); }
  static V load_or(M k, const T* p, V fill) { return _mm256_blendv_pd(fill, load_z(k, p), _mm256_castsi256_pd(k)); }
  static void store(T* p, V v) { _mm256_storeu_pd(p, v); }
  static void store_m(T* p, M k, V v) { _mm256_maskstore_pd(p, k, v); }
  static void stream(T* p, V v) { _mm256_stream_pd(p, v); }
  static void stream_fence() { _mm_sfence(); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static V sub(V a, V b) { return _mm256_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static V fnma(V a, V b, V c) { return _mm256_fnmadd_pd(a, b, c); }
  static V max(V v, V acc) { return _mm256_max_pd(v, acc); }
  static T reduce_max(V v) {
    __m128d h = _mm_max_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    h = _mm_max_sd(h, _mm_unpackhi_pd(h, h));
    return _mm_cvtsd_f64(h);
  }

  static V pow2(V d) {
    const V t = add(max(d, set1(-1023.0)), set1(ec::F64::magic));
    return _mm256_castsi256_pd(_mm256_slli_epi64(
        _mm256_add_epi64(_mm256_castpd_si256(t), _mm256_set1_epi64x(static_cast<long long>(ec::F64::exp_bias))),
        ec::F64::mantissa_bits));
  }
  static V scale2(V v, V d) {
    const V d1 = max(d, set1(-1000.0));
    return mul(mul(v, pow2(d1)), pow2(sub(d, d1)));
  }
  static V and_mask(V v, M m) { return _mm256_and_pd(v, _mm256_castsi256_pd(m)); }
  static V fma_z(M m, V a, V b, V c) { return and_mask(fma(a, b, c), m); }
  static V exp2_bits(V kbig) {
    return _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_castpd_si256(kbig), ec::F64::mantissa_bits));
  }
  static V fms(V a, V b, V c) { return _mm256_fmsub_pd(a, b, c); }
  static M nge(V a, V b) { return _mm256_castpd_si256(_mm256_cmp_pd(a, b, _CMP_NGE_UQ)); }
  static M nlt(V a, V b) { return _mm256_castpd_si256(_mm256_cmp_pd(a, b, _CMP_NLT_UQ)); }
  static M eq(V a, V b) { return _mm256_castpd_si256(_mm256_cmp_pd(a, b, _CMP_EQ_OQ)); }
  static M mand(M a, M b) { return _mm256_and_si256(a, b); }
  static V add_m(V a, M k, V b) { return add(a, and_mask(b, k)); }  // a + b on the lanes of k, else a
  static M andnot(M a, M b) { return _mm256_andnot_si256(a, b); }
  static unsigned count(M k) { return static_cast<unsigned>(__builtin_popcount(_mm256_movemask_pd(_mm256_castsi256_pd(k)))); }

  using Acc = SeededSum<F64>;  // exp.hpp
};

// The ops by element type, for the kernel table (algorithms.hpp).
template <class T>
using OpsOf = std::conditional_t<std::is_same_v<T, float>, F32, F64>;

}  // namespace

constinit const smx::simd::IsaKernels smx::simd::avx2_kernels = kernels_over<OpsOf>();
