// AVX-512 (F, DQ, BW, VL) softmax kernels: 16 floats or 8 doubles a vector.
// The three passes are in three_pass.hpp (shared with avx2.cpp), the
// exponential in exp_constants.hpp; this file supplies the AVX-512 operations.
// 2^(k+64) is applied with scalef; the remainder uses masked loads and stores
// (never touching memory past the row), so it runs the same instructions as
// the body and equal inputs give bit-identical outputs wherever they sit.
//
// Special values: a NaN anywhere makes the sum, hence every output, NaN; x_i
// - m below the cutoff (-inf included) gives e_i = 0 exactly; an all -inf row
// gives NaN (-inf - -inf); +inf gives a NaN row (inf - inf).
//
// This file is compiled with AVX-512 flags. Everything but the exported
// kernels is in an anonymous namespace and uses intrinsics and builtins only:
// an inline or template function from a header instantiated here could become
// the weak symbol the linker keeps for baseline code too, and crash there.
//
// GCC 12 warns falsely inside its own AVX-512 headers (the self-initialised
// _mm512_undefined_* placeholders, GCC bug 105593); -Werror builds would fail.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
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
  static M first(size_t r) { return static_cast<M>(_bzhi_u32(0xFFFFu, static_cast<unsigned>(r))); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V fnma(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }  // c - a b
  // max(v, acc): an ordinary acc wins over a NaN v, so NaN is left to the sum.
  static V max(V v, V acc) { return _mm512_max_ps(v, acc); }
  static T reduce_max(V v) { return _mm512_reduce_max_ps(v); }

  // exp(x - m) 2^64 on the lanes of `live` (0 elsewhere); m_neg = -m.
  static V exp_shifted(V x, V m, V m_neg, M live) {
    using C = ec::F32;
    const V s = sub(x, m);
    // TwoSum: s + t == x - m exactly, so the exponential is of the exact difference.
    const V b1 = sub(s, x);
    const V t = add(sub(x, sub(s, b1)), sub(m_neg, b1));
    const V kbig = fma(s, set1(C::log2e), set1(C::magic));
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
    // Unordered compare: NaN lanes stay live and carry NaN into the sum.
    const M keep = _mm512_mask_cmp_ps_mask(live, s, set1(C::cutoff), _CMP_NLT_UQ);
    const V k64 = sub(kbig, set1(C::magic - static_cast<T>(C::scale_log2)));
    return _mm512_maskz_scalef_ps(keep, p, k64);
  }

  // The sum in double: 2^-53 relative rounding per term is far below float's.
  struct Acc {
    __m512d a = _mm512_setzero_pd();
    void add(V e) {
      a = _mm512_add_pd(a, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
      a = _mm512_add_pd(a, _mm512_cvtps_pd(_mm512_extractf32x8_ps(e, 1)));
    }
  };
  // 2^64/sum as hi + lo (float pair), from the double sum of the accumulators.
  static void inverse(const Acc (&acc)[4], T& hi, T& lo) {
    const __m512d s = _mm512_add_pd(_mm512_add_pd(acc[0].a, acc[1].a), _mm512_add_pd(acc[2].a, acc[3].a));
    const double inv = kScale / _mm512_reduce_add_pd(s);  // 2^64 / sum
    hi = static_cast<float>(inv);
    lo = static_cast<float>(inv - static_cast<double>(hi));
  }
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
  static M first(size_t r) { return static_cast<M>(_bzhi_u32(0xFFu, static_cast<unsigned>(r))); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static V sub(V a, V b) { return _mm512_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static V fnma(V a, V b, V c) { return _mm512_fnmadd_pd(a, b, c); }
  static V max(V v, V acc) { return _mm512_max_pd(v, acc); }
  static T reduce_max(V v) { return _mm512_reduce_max_pd(v); }

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
    const M keep = _mm512_mask_cmp_pd_mask(live, s, set1(C::cutoff), _CMP_NLT_UQ);
    const V k64 = sub(kbig, set1(C::magic - static_cast<T>(C::scale_log2)));
    return _mm512_maskz_scalef_pd(keep, p, k64);
  }

  // The sum as s + c, s seeded with 2^65 so that Fast2Sum is exact (three_pass.hpp).
  struct Acc {
    V s = _mm512_set1_pd(kSumSeed), c = _mm512_setzero_pd();
    void add(V e) {
      const V t = _mm512_add_pd(s, e);
      c = _mm512_add_pd(c, _mm512_sub_pd(e, _mm512_sub_pd(t, s)));
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
    _mm512_store_pd(hl, h);
    _mm512_store_pd(ll, l);
    inverse_of_sum(hl, ll, lanes, hi, lo);
  }
};

}  // namespace

namespace smx::simd::avx512 {

void softmax_f32(const float* x, float* y, std::size_t n) { three_pass<F32>(x, y, n); }
void softmax_f64(const double* x, double* y, std::size_t n) { three_pass<F64>(x, y, n); }
void exp_f32(const float* x, float* y, std::size_t n) { exp_only<F32>(x, y, n); }
void exp_f64(const double* x, double* y, std::size_t n) { exp_only<F64>(x, y, n); }

}  // namespace smx::simd::avx512
