// log_softmax over an ISA's ops, plain and temperature-folding:
// y_i = s_i - L with s_i = x_i - m (or beta (x_i - m)) and L = log1p(S1),
// S1 summed apart from the max's 1 (exp_sums.hpp), so the max's own output
// -L keeps its relative accuracy however confident the row. s_i is exact
// before L comes off: float computes it in double (x_i - m exact there,
// beta's product to 2^-53), double as hi + lo (TwoSum, FMA product error).
// Three passes: max, sum, outputs (one exp per element, in the sum).
// Anonymous namespace: see exp.hpp.
#pragma once

#include <cstddef>
#include <type_traits>

#include "impls/simd/exp_sums.hpp"

namespace {

// y = s - L on every entry (beta == 1: plain, no product).
template <template <class> class OpsOf, class T, bool Scaled>
void log_outputs(const T* x, T* y, std::size_t n, T mx, T beta_s, DD lse) {
  using O = OpsOf<T>;
  using V = typename O::V;
  const V m = O::set1(mx);
  auto out = [&](V v) -> V {
    if constexpr (std::is_same_v<T, float>) {
      using D = OpsOf<double>;
      const typename D::V md = D::set1(static_cast<double>(mx)), l = D::set1(lse.hi);
      typename D::V lo, hi;
      O::widen(v, lo, hi);
      lo = D::sub(lo, md);
      hi = D::sub(hi, md);
      if constexpr (Scaled) {
        const typename D::V b = D::set1(static_cast<double>(beta_s));
        lo = D::mul(lo, b);
        hi = D::mul(hi, b);
      }
      return O::narrow(D::sub(lo, l), D::sub(hi, l));
    } else {
      // d + t = x - m; s = d + t (plain) or p + pe (beta's product); y = RN(s - L).
      const V d = O::sub(v, m), b = O::sub(d, v);
      V t = O::sub(O::sub(v, O::sub(d, b)), O::add(m, b));
      V p = d;
      if constexpr (Scaled) {
        const V beta = O::set1(beta_s);
        p = O::mul(beta, d);
        t = O::fma(beta, t, O::fms(beta, d, p));
      }
      const V lh = O::set1(-lse.hi);
      const V sum = O::add(p, lh), c = O::sub(sum, p);
      const V r = O::add(O::sub(p, O::sub(sum, c)), O::sub(lh, c));
      const V corr = O::add(r, O::sub(t, O::set1(lse.lo)));
      // x = -inf: t is NaN, the output -inf.
      return O::add(sum, O::and_mask(corr, O::nge(O::set1(-__builtin_huge_val()), v)));
    }
  };
  map_row<O>(x, y, n, out);
}

// Float, plain: y = x - c for c = m + L held as two floats c_hi + c_lo (to
// 2^-48 |c|): x - c_hi exactly by TwoSum, then one rounding; right to
// 2^-30 relative when L >= 2^-18 |c| (the caller checks), since |y| >= L.
// Nine float operations a vector instead of fourteen in double.
template <class O>
void log_outputs_f32(const float* x, float* y, std::size_t n, float c_hi, float c_lo) {
  using V = typename O::V;
  const V ch = O::set1(c_hi), nch = O::set1(-c_hi), cl = O::set1(c_lo), ninf = O::set1(-__builtin_huge_valf());
  auto out = [&](V v) {
    const V d = O::sub(v, ch), b = O::sub(d, v);
    const V e = O::add(O::sub(v, O::sub(d, b)), O::sub(nch, b));  // d + e = x - c_hi
    return O::add(d, O::and_mask(O::sub(e, cl), O::nge(ninf, v)));  // x = -inf: e is NaN, y -inf
  };
  map_row<O>(x, y, n, out);
}

// Float y = x - (m + L), L from the sums (log_outputs_f32 when it may).
template <template <class> class OpsOf>
void log_outputs_of(const float* x, float* y, std::size_t n, float mx, DD l) {
  const double c = static_cast<double>(mx) + l.hi;  // rounding: 2^-53 |c|, far below the check
  if (l.hi >= 0x1p-18 * __builtin_fabs(c)) {
    const float c_hi = static_cast<float>(c);
    return log_outputs_f32<OpsOf<float>>(x, y, n, c_hi, static_cast<float>(c - static_cast<double>(c_hi)));
  }
  log_outputs<OpsOf, float, false>(x, y, n, mx, 1.0f, l);
}

// Float rows with the max in the window: two passes, the max found while
// every e + err is summed (all_sums), S1 = (total - em)/em from it, good to
// d = 2^-22.7 relative (the terms' 2^-25.3 and 2^-23; the max's own term and
// the lanes' sums add n 2^-58 (1 + S1)/S1 and 2^-21/S1, below 2^-30 here).
// The max's output -L then errs by F d L, F = S1 / ((1 + S1) log1p(S1)), at
// most 2.46 F ulp of L: 0.45 ulp for S1 >= 256 (F <= 0.18), the bound this
// path takes (0.95 ulp in all with the output's rounding). A more confident
// row sums S1 again apart from the max (keep_sums: a third pass); rows
// outside the window take the three passes. Normal logits at vocabulary
// sizes have S1 in the hundreds to thousands; confident rows (the llm
// family: S1 below 4) pay the third pass.
template <template <class> class OpsOf>
bool log_softmax_window(const float* x, float* y, std::size_t n) {
  using O = OpsOf<float>;
  const RowExp<O> guess = RowExp<O>::guess();
  float mx;
  const DD total = all_sums<O>(x, n, guess, mx);
  if (!RowExp<O>::fits_guess(mx)) return false;
  const PlainExp<O, Shift::none> ex{guess, O::set1(mx)};
  const DD em = exp_at<O>(ex, mx);
  smx::simd::RowLog r = smx::simd::row_log_total(total, em, em);
  if (!(r.s1.hi >= 256 && n <= (std::size_t(1) << 24))) {
    RowSums s = keep_sums<O, false>(x, n, ex, mx, guess.seed);
    s.em = em;
    r = smx::simd::row_log(s);
  }
  log_outputs_of<OpsOf>(x, y, n, mx, r.l);
  return true;
}

template <template <class> class OpsOf, class T>
void log_softmax_row(const T* x, T* y, std::size_t n) {
  using O = OpsOf<T>;
  if (n == 0) return;
  if constexpr (std::is_same_v<T, float>) {
    if (log_softmax_window<OpsOf>(x, y, n)) return;
  }
  const T mx = row_max<O>(x, n);
  if (!finite_max(mx)) return fill_nan<O>(y, n);
  const RowExp<O> row(mx);
  auto lse = [&](const auto& ex) {
    RowSums s = keep_sums<O, false>(x, n, ex, mx, row.seed);
    s.em = exp_at<O>(ex, mx);
    return smx::simd::row_log(s).l;
  };
  const DD l = row.shift == Shift::none ? lse(PlainExp<O, Shift::none>{row, O::set1(mx)})
                                        : lse(PlainExp<O, Shift::sub>{row, O::set1(mx)});
  if constexpr (std::is_same_v<T, float>) log_outputs_of<OpsOf>(x, y, n, mx, l);
  else log_outputs<OpsOf, T, false>(x, y, n, mx, T(1), l);
}

template <template <class> class OpsOf, class T>
void log_softmax_scaled_row(const T* x, T* y, std::size_t n, T beta) {
  using O = OpsOf<T>;
  if (n == 0) return;
  const T mx = row_max<O>(x, n);
  if (!finite_max(mx)) return fill_nan<O>(y, n);
  const RowExp<O> row = RowExp<O>::unit();
  const ScaledExp<O> ex{row, O::set1(mx), O::set1(beta)};
  RowSums s = keep_sums<O, false>(x, n, ex, mx, row.seed);
  s.em = exp_at<O>(ex, mx);
  log_outputs<OpsOf, T, true>(x, y, n, mx, beta, smx::simd::row_log(s).l);
}

}  // namespace
