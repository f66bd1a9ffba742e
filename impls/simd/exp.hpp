// The exponential of the intrinsics paths (avx512.cpp, avx2.cpp), written
// once over an ISA "ops" type O (the vector type V, lane mask M, arithmetic,
// fma_z: an FMA zeroed off a lane mask, exp2_bits: 2^(k+64) from the
// magic-number sum): the row's reference as vectors (RowExp), Q(r), e and its
// rounding error (exp_of), and the seeded double sum of the double ops.
//
// Deliberately in an anonymous namespace: each ISA translation unit that
// includes this gets its own internal copy compiled with its own flags, so no
// instantiation can become a shared weak symbol (see avx512.cpp).
#pragma once

#include <cstddef>
#include <type_traits>

#include "impls/simd/exp_constants.hpp"
#include "impls/simd/pass_options.hpp"
#include "impls/simd/row_reference.hpp"

namespace {

namespace ec = smx::simd::exp_constants;
using smx::simd::Accuracy;
using smx::simd::Shift;

// The factor 2^64 that e carries (exp_constants.hpp).
constexpr double kScale = 0x1p64;
static_assert(ec::F32::scale_log2 == 64 && ec::F64::scale_log2 == 64);

// A row's reference (row_reference.hpp) as the vectors exp_of reads.
template <class O>
struct RowExp {
  using T = typename O::T;
  using V = typename O::V;
  using W = ec::For<T>;
  Shift shift;
  V m;         // sub: m
  V lower;     // the argument (x, or x - m) is clamped here: outputs below round to 0
  V magic;     // W::magic_pow2 - k0: 2^(k - k0 + 64) from the bits (exp_of)
  T seed;      // a power of two above every e (double sums, below)
  int k0 = 0;  // the row's exponent offset (online merges its lanes to it)

  explicit RowExp(T mx) {
    using R = RowReference<T>;
    const bool scaled = R::scaled_range(mx);
    shift = scaled ? Shift::none : Shift::sub;
    const double l2 = R::log2e_times(mx);
    const int k = R::k0_of(l2, scaled);
    set(scaled ? T(0) : mx, R::lower_bound(mx, scaled), k, R::floor_of(l2, scaled) - k);
  }
  // The fused max pass's guess (float): k0 = 0, and a lower bound that does
  // not depend on m (it is not known yet): right for every m in the window
  // [window_lo, window_hi], checked after the pass.
  static RowExp guess() {
    RowExp r;
    r.shift = Shift::none;
    r.set(T(0), W::window_lo - W::tail, 0, 0);  // the seed is for double sums: float's ignore it
    return r;
  }
  static bool fits_guess(T mx) { return mx >= W::window_lo && mx <= W::window_hi; }
  // exp(s) 2^64 for an argument s <= 0 taken apart (k0 = 0, clamped at -tail):
  // the temperature-folding kernels' exp(beta (x - m)).
  static RowExp unit() {
    RowExp r;
    r.shift = Shift::sub;
    r.set(T(0), -W::tail, 0, 0);
    return r;
  }
  // A reference per lane (online): k0 and the lower bound as vectors.
  // Built at every step of online: what exp_of reads, and no sums' seed.
  static RowExp per_lane(V k0, V low) {
    RowExp r;
    r.shift = Shift::none;
    r.m = r.lower = low;  // m: unused with Shift::none
    r.magic = O::sub(O::set1(W::magic_pow2), k0);
    r.seed = T(0);
    return r;
  }

 private:
  RowExp() = default;
  void set(T c, T low, int k, int top) {
    k0 = k;
    m = O::set1(c);
    lower = O::set1(low);
    magic = O::set1(W::magic_pow2 - static_cast<T>(k));
    seed = static_cast<T>(RowReference<T>::seed_above(top));
  }
};

// Q(r) of exp_constants.hpp: exp(r) = 1 + r + r^2 Q(r).
template <class O>
inline typename O::V q_of(typename O::V r) {
  using V = typename O::V;
  if constexpr (std::is_same_v<typename O::T, float>) {
    using C = ec::F32;
    V q = O::fma(O::set1(C::c6), r, O::set1(C::c5));
    q = O::fma(q, r, O::set1(C::c4));
    q = O::fma(q, r, O::set1(C::c3));
    return O::fma(q, r, O::set1(C::c2));
  } else {
    using C = ec::F64;
    V q = O::fma(O::set1(C::c11), r, O::set1(C::c10));
    q = O::fma(q, r, O::set1(C::c9));
    q = O::fma(q, r, O::set1(C::c8));
    q = O::fma(q, r, O::set1(C::c7));
    q = O::fma(q, r, O::set1(C::c6));
    q = O::fma(q, r, O::set1(C::c5));
    q = O::fma(q, r, O::set1(C::c4));
    q = O::fma(q, r, O::set1(C::c3));
    return O::fma(q, r, O::set1(C::c2));
  }
}

// e = exp(x - c) 2^(64 - k0) on the lanes of `live` (0 elsewhere; x - c
// clamped at the row's lower bound), and err, what the final rounding of e took off (e + err is
// exp(x - c) 2^64 to the polynomial's accuracy). Summing e + err instead of e
// leaves each output with its own e's rounding only: with the sum of the
// rounded e, one dominant term's rounding would reach every output (up to
// 1 ulp more). err costs four operations; callers that do not read it (the
// exp-only probe, the scaling pass) do not compute it. Accuracy::faithful:
// err also takes the rounding of inner (TwoSum), so that e + err is exp to
// the polynomial's accuracy, 2^-28 (float) or 2^-55.8 (double) relative.
template <class O>
struct ExpErr {
  typename O::V e, err;
};
template <class O, Shift S, Accuracy A = Accuracy::compensated>
inline ExpErr<O> exp_of(typename O::V x, const RowExp<O>& row, typename O::M live) {
  using V = typename O::V;
  using C = ec::For<typename O::T>;
  // The argument is clamped at the row's lower bound (a max on the adder,
  // where a compare into a mask would take the busier multiply pipes): e
  // there is exp(-tail) of the largest e at most, whose output rounds to 0
  // all the same. NaN stays NaN (max returns its second operand).
  const V s = O::max(row.lower, S == Shift::none ? x : O::sub(x, row.m));
  const V kbig = O::fma(s, O::set1(C::log2e), row.magic);  // k - k0 + bias + 64 in the low bits
  const V k = O::sub(kbig, row.magic);
  const V rh = O::fnma(k, O::set1(C::ln2_hi), s);  // exact
  const V rl = O::mul(k, O::set1(-C::ln2_lo));
  const V r = O::add(rh, rl);
  // 1 + (rh + (rl + r^2 Q(r))): the linear part is kept out of the rounding
  // of r and of Q, which makes e monotone in x (plain Horner is not, for
  // r < 0, by a rounding of its inner terms) and a little more accurate.
  const V v = O::fma(O::mul(r, r), q_of<O>(r), rl);
  const V inner = O::add(rh, v);
  // 2^(k+64) from the bits of kbig (exact: e is kept normal over the
  // windows); scaling by it in the last FMA rounds 1 + inner once, and the
  // same FMA with the result taken off gives that rounding's exact error.
  // This replaced scalef, three times the cost of an FMA on Zen 4.
  const V pow2 = O::exp2_bits(kbig);
  const V e = O::fma_z(live, inner, pow2, pow2);
  if constexpr (A == Accuracy::faithful) {  // TwoSum: inner + inner_err == rh + v, the error joins err
    const V b = O::sub(inner, rh);
    const V inner_err = O::add(O::sub(rh, O::sub(inner, b)), O::sub(v, b));
    return {e, O::fma_z(live, inner_err, pow2, O::fma(inner, pow2, O::sub(pow2, e)))};
  }
  return {e, O::fma_z(live, inner, pow2, O::sub(pow2, e))};
}

// The double sum of an ISA's double ops O (their Acc): s + c, s seeded with a
// power of two above every e, so that Fast2Sum is exact (the partial sum
// always has the larger exponent); the seed comes off exactly at the end.
template <class O>
struct SeededSum {
  using V = typename O::V;
  static constexpr std::size_t width = O::lanes;
  V s, c;
  typename O::T seed;
  explicit SeededSum(typename O::T sd) : s(O::set1(sd)), c(O::set1(0)), seed(sd) {}
  void add(V e) {
    const V t = O::add(s, e);
    c = O::add(c, O::sub(e, O::sub(t, s)));
    s = t;
  }
  void to_lanes(double* h, double* l) const {
    O::store(h, O::sub(s, O::set1(seed)));
    O::store(l, c);
  }
};

}  // namespace
