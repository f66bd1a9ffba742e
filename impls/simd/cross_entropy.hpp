// cross_entropy over an ISA's ops: loss = (m - x_t) + log1p(S1) (two terms
// >= 0: no cancellation, and a confident correct prediction's tiny loss
// keeps its digits), gradient softmax(x) - e_t with the target's
// p_t - 1 = -(S - e_t)/S (row_stats.hpp); the batched form's mean loss over
// rows split on the worker pool. Also the temperature-folding softmax, the
// same sum and scaling passes over exp(beta (x - m)). In cache the sum pass
// stores e and err (in grad or y, and the errs scratch) for the scaling pass;
// beyond kRecomputeBytes that pass recomputes them. Anonymous namespace: see
// exp.hpp.
#pragma once

#include <cstddef>

#include "impls/simd/exp_sums.hpp"

namespace {

template <class O, class E>
typename O::T cross_entropy_by(const typename O::T* x, std::size_t n, std::size_t t, typename O::T* grad,
                               const E& ex, typename O::T mx, typename O::T seed) {
  using T = typename O::T;
  const T xt = x[t];  // before grad (which may be x) is written
  const bool reload = grad && n * sizeof(T) <= smx::simd::kRecomputeBytes;
  T* errs = reload ? smx::simd::errs_scratch(grad, n) : nullptr;
  RowSums s = reload ? keep_sums<O, true>(x, n, ex, mx, seed, grad, errs) : keep_sums<O, false>(x, n, ex, mx, seed);
  s.em = exp_at<O>(ex, mx);
  const smx::simd::RowLog r = smx::simd::row_log(s);
  if (grad) {
    const DD scale = smx::simd::row_scale(s);
    if (reload) scale_outputs<O, true>(x, grad, n, ex, scale, errs);
    else scale_outputs<O, false>(x, grad, n, ex, scale, errs);
    grad[t] = static_cast<T>(smx::simd::ce_target_gradient(r, exp_at<O>(ex, xt), s.em, !(xt < mx)).hi);
  }
  return static_cast<T>(smx::simd::ce_loss(static_cast<double>(mx), static_cast<double>(xt), r).hi);
}

template <template <class> class OpsOf, class T>
T cross_entropy_row(const T* x, std::size_t n, std::size_t t, T* grad) {
  using O = OpsOf<T>;
  const T mx = row_max<O>(x, n);
  if (!finite_max(mx)) {
    if (grad) fill_nan<O>(grad, n);
    return static_cast<T>(__builtin_nan(""));
  }
  const RowExp<O> row(mx);
  if (row.shift == Shift::none) return cross_entropy_by<O>(x, n, t, grad, PlainExp<O, Shift::none>{row, O::set1(mx)}, mx, row.seed);
  return cross_entropy_by<O>(x, n, t, grad, PlainExp<O, Shift::sub>{row, O::set1(mx)}, mx, row.seed);
}

template <template <class> class OpsOf, class T>
T cross_entropy_batch(const T* x, std::size_t ldx, const std::size_t* target, T* grad, std::size_t ldg,
                      std::size_t rows, std::size_t cols, int threads) {
  return smx::simd::cross_entropy_rows<T, cross_entropy_row<OpsOf, T>>(x, ldx, target, grad, ldg, rows, cols, threads);
}

// softmax(beta x), beta > 0.
template <template <class> class OpsOf, class T>
void softmax_scaled_row(const T* x, T* y, std::size_t n, T beta) {
  using O = OpsOf<T>;
  if (n == 0) return;
  const T mx = row_max<O>(x, n);
  if (!finite_max(mx)) return fill_nan<O>(y, n);
  const RowExp<O> row = RowExp<O>::unit();
  const ScaledExp<O> ex{row, O::set1(mx), O::set1(beta)};
  const bool reload = n * sizeof(T) <= smx::simd::kRecomputeBytes;
  T* errs = reload ? smx::simd::errs_scratch(y, n) : nullptr;
  RowSums s = reload ? keep_sums<O, true>(x, n, ex, mx, row.seed, y, errs) : keep_sums<O, false>(x, n, ex, mx, row.seed);
  s.em = exp_at<O>(ex, mx);
  if (reload) scale_outputs<O, true>(x, y, n, ex, smx::simd::row_scale(s), errs);
  else scale_outputs<O, false>(x, y, n, ex, smx::simd::row_scale(s), errs);
}

}  // namespace
