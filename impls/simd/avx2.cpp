// AVX2 + FMA softmax kernels: 8 floats or 4 doubles a vector. Same algorithm
// as avx512.cpp (three passes in three_pass.hpp, the exponential described in
// exp_constants.hpp); without scalef, 2^(k+64) is built in the exponent bits,
// which is exact because e is kept normal. The remainder uses maskload and
// maskstore (masked-off lanes are neither read nor written), so it runs the
// same instructions as the body and equal inputs give identical outputs.
//
// This file is compiled with -mavx2 -mfma -mbmi2. Everything but the exported
// kernels is in an anonymous namespace and uses intrinsics and builtins only:
// an inline or template function from a header instantiated here could become
// the weak symbol the linker keeps for baseline code too, and crash there.
#include <immintrin.h>

#include <cstddef>

#include "impls/simd/exp_constants.hpp"
#include "impls/simd/kernels.hpp"
#include "impls/simd/three_pass.hpp"

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

  // exp(x - m) 2^64 on the lanes of `live` (0 elsewhere); m_neg = -m.
  static V exp_shifted(V x, V m, V m_neg, M live) {
    using C = ec::F32;
    const V s = sub(x, m);
    // TwoSum: s + t == x - m exactly, so the exponential is of the exact difference.
    const V b1 = sub(s, x);
    const V t = add(sub(x, sub(s, b1)), sub(m_neg, b1));
    const V kbig = fma(s, set1(C::log2e), set1(C::magic));  // k in the low bits
    const V k = sub(kbig, set1(C::magic));
    const V rh = fnma(k, set1(C::ln2_hi), s);  // exact
    const V rl = fnma(k, set1(C::ln2_lo), t);
    const V r = add(rh, rl);
    V q = fma(set1(C::c6), r, set1(C::c5));
    q = fma(q, r, set1(C::c4));
    q = fma(q, r, set1(C::c3));
    q = fma(q, r, set1(C::c2));
    // 1 + (rh + (rl + r^2 Q(r))): the linear part is kept out of the rounding
    // of r and of Q, which makes e monotone in x (plain Horner is not, for
    // r < 0, by a rounding of its inner terms) and a little more accurate.
    const V p = add(set1(1.0f), add(rh, fma(mul(r, r), q, rl)));
    // 2^(k+64): the magic number's own high bits shift out of the word.
    const __m256i bits = _mm256_slli_epi32(
        _mm256_add_epi32(_mm256_castps_si256(kbig), _mm256_set1_epi32(C::exp_bias + C::scale_log2)), C::mantissa_bits);
    const V e = mul(p, _mm256_castsi256_ps(bits));
    // Unordered compare: NaN lanes stay live and carry NaN into the sum.
    const V keep = _mm256_and_ps(_mm256_cmp_ps(s, set1(C::cutoff), _CMP_NLT_UQ), _mm256_castsi256_ps(live));
    return _mm256_and_ps(e, keep);
  }

  // The sum in double: 2^-53 relative rounding per term is far below float's.
  struct Acc {
    __m256d a = _mm256_setzero_pd();
    void add(V e) {
      a = _mm256_add_pd(a, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
      a = _mm256_add_pd(a, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
  };
  static void inverse(const Acc (&acc)[4], T& hi, T& lo) {
    const __m256d s = _mm256_add_pd(_mm256_add_pd(acc[0].a, acc[1].a), _mm256_add_pd(acc[2].a, acc[3].a));
    __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
    h = _mm_add_sd(h, _mm_unpackhi_pd(h, h));
    const double inv = kScale / _mm_cvtsd_f64(h);  // 2^64 / sum
    hi = static_cast<float>(inv);
    lo = static_cast<float>(inv - static_cast<double>(hi));
  }
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

  static V exp_shifted(V x, V m, V m_neg, M live) {
    using C = ec::F64;
    const V s = sub(x, m);
    const V b1 = sub(s, x);
    const V t = add(sub(x, sub(s, b1)), sub(m_neg, b1));
    const V kbig = fma(s, set1(C::log2e), set1(C::magic));
    const V k = sub(kbig, set1(C::magic));
    const V rh = fnma(k, set1(C::ln2_hi), s);
    const V rl = fnma(k, set1(C::ln2_lo), t);
    const V r = add(rh, rl);
    V q = fma(set1(C::c11), r, set1(C::c10));
    q = fma(q, r, set1(C::c9));
    q = fma(q, r, set1(C::c8));
    q = fma(q, r, set1(C::c7));
    q = fma(q, r, set1(C::c6));
    q = fma(q, r, set1(C::c5));
    q = fma(q, r, set1(C::c4));
    q = fma(q, r, set1(C::c3));
    q = fma(q, r, set1(C::c2));
    const V p = add(set1(1.0), add(rh, fma(mul(r, r), q, rl)));  // as for float
    const __m256i bits = _mm256_slli_epi64(
        _mm256_add_epi64(_mm256_castpd_si256(kbig),
                         _mm256_set1_epi64x(static_cast<long long>(C::exp_bias) + C::scale_log2)),
        C::mantissa_bits);
    const V e = mul(p, _mm256_castsi256_pd(bits));
    const V keep = _mm256_and_pd(_mm256_cmp_pd(s, set1(C::cutoff), _CMP_NLT_UQ), _mm256_castsi256_pd(live));
    return _mm256_and_pd(e, keep);
  }

  // The sum as s + c, s seeded with 2^65 so that Fast2Sum is exact (three_pass.hpp).
  struct Acc {
    V s = _mm256_set1_pd(kSumSeed), c = _mm256_setzero_pd();
    void add(V e) {
      const V t = _mm256_add_pd(s, e);
      c = _mm256_add_pd(c, _mm256_sub_pd(e, _mm256_sub_pd(t, s)));
      s = t;
    }
  };
  static void inverse(const Acc (&acc)[4], T& hi, T& lo) {
    // Merge the four accumulators lane-wise with TwoSum, then the lanes.
    V h = sub(acc[0].s, set1(kSumSeed)), l = acc[0].c;  // seed off: exact
    for (int j = 1; j < 4; ++j) {
      const V d = sub(acc[j].s, set1(kSumSeed));
      const V u = add(h, d), b = sub(u, h);
      l = add(l, add(add(sub(h, sub(u, b)), sub(d, b)), acc[j].c));
      h = u;
    }
    alignas(64) double hl[lanes], ll[lanes];
    _mm256_store_pd(hl, h);
    _mm256_store_pd(ll, l);
    inverse_of_sum(hl, ll, lanes, hi, lo);
  }
};

}  // namespace

namespace smx::simd::avx2 {

void softmax_f32(const float* x, float* y, std::size_t n) { three_pass<F32>(x, y, n); }
void softmax_f64(const double* x, double* y, std::size_t n) { three_pass<F64>(x, y, n); }
void exp_f32(const float* x, float* y, std::size_t n) { exp_only<F32>(x, y, n); }
void exp_f64(const double* x, double* y, std::size_t n) { exp_only<F64>(x, y, n); }

}  // namespace smx::simd::avx2
