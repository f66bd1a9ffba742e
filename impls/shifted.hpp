// The scalar textbook forms of log-softmax and cross-entropy around a shift
// s: the exponentials are exp(x_i - s), summed in the working type. naive
// passes s = 0 (x_i - 0 is x_i exactly, so the unshifted form), stable the
// row max. log-sum-exp is then s + log(sum), taken apart as (x_i - s) - log(sum).
//
// Why no ulp budget is claimed for what these compute (measured with
// f32 and f64 on every family, n = 1 .. 32000, seeds 1-3): the max element
// of a confident row is -log(1 + d) with d below the sum's rounding, so it
// keeps none of its digits (stable f32 returns 0 where the exact value is
// -6.9e-15: 1.6e7 ulp, "dominant", n = 1000); the loss at that target and
// its gradient p_t - 1 cancel the same way; in the backward pass dy_i - <dy, y>
// cancels (0 for an exact -3.4e-18 where y = 1: 1.7e7 ulp, "wide", n = 3).
// No finite sum of the budget's terms bounds those outputs.
#pragma once

#include <cmath>
#include <cstddef>

namespace smx::impls {

template <class T>
T shifted_sum(const T* x, std::size_t n, T s) {
  T sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += std::exp(x[i] - s);
  return sum;
}

// y_i = (x_i - s) - log(sum_j exp(x_j - s)); y may alias x.
template <class T>
void shifted_log_softmax(const T* x, T* y, std::size_t n, T s) {
  const T log_sum = std::log(shifted_sum(x, n, s));
  for (std::size_t i = 0; i < n; ++i) y[i] = (x[i] - s) - log_sum;
}

// loss = log(sum) - (x_t - s); grad_i = exp(x_i - s) / sum, then grad_t - 1,
// the textbook way (it cancels when p_t is near 1). grad may alias x: x_t is
// read first and each x_i before grad_i is written.
template <class T>
T shifted_cross_entropy(const T* x, std::size_t n, std::size_t target, T* grad, T s) {
  const T xt = x[target];
  T sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const T e = std::exp(x[i] - s);
    if (grad) grad[i] = e;
    sum += e;
  }
  if (grad) {
    for (std::size_t i = 0; i < n; ++i) grad[i] /= sum;
    grad[target] -= 1;
  }
  return std::log(sum) - (xt - s);
}

// softmax_backward as written: dot = sum dy_j y_j (recursive), dx_i =
// y_i (dy_i - dot). There is no shift in it, so naive, stable and logsumexp
// share it. dx may alias dy: dy_i is read before dx_i is written.
template <class T>
void textbook_backward(const T* y, const T* dy, T* dx, std::size_t n) {
  T dot = 0;
  for (std::size_t i = 0; i < n; ++i) dot += dy[i] * y[i];
  for (std::size_t i = 0; i < n; ++i) dx[i] = y[i] * (dy[i] - dot);
}

}  // namespace smx::impls
