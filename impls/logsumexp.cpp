// logsumexp: the division-free form y_i = exp(x_i - lse), with
// lse = max + log(sum exp(x - max)). Two exponentials per element, no division.
#include <cmath>

#include "impls/registry.hpp"
#include "impls/row_max.hpp"
#include "impls/shifted.hpp"

namespace smx::impls {
namespace {

// lse = m + log(sum exp(x - m)), rounded once to the working type.
template <class T>
T row_lse(const T* x, std::size_t n) {
  const T m = row_max(x, n);
  return m + std::log(shifted_sum(x, n, m));
}

template <class T>
void logsumexp(const T* x, T* y, std::size_t n) {
  const T lse = row_lse(x, n);
  for (std::size_t i = 0; i < n; ++i) y[i] = std::exp(x[i] - lse);
}

template <class T>
void lse_log_softmax(const T* x, T* y, std::size_t n) {
  const T lse = row_lse(x, n);
  for (std::size_t i = 0; i < n; ++i) y[i] = x[i] - lse;
}

// loss = lse - x_t; grad_i = exp(x_i - lse), then grad_t - 1.
template <class T>
T lse_cross_entropy(const T* x, std::size_t n, std::size_t target, T* grad) {
  const T lse = row_lse(x, n);
  const T loss = lse - x[target];
  if (grad) {
    for (std::size_t i = 0; i < n; ++i) grad[i] = std::exp(x[i] - lse);
    grad[target] -= 1;
  }
  return loss;
}

// exp(x_i - lse) rounds x_i - lse, an error of |lse| u: per_magnitude.
constexpr Behaviour kModerate{.domain = Domain::moderate_magnitude};
constexpr UlpBudget kBudget{.base = 1, .per_element = 1, .per_distance = 1, .per_magnitude = 1};
constexpr Behaviour kFlushed{.subnormals = Subnormals::flushed};

}  // namespace

Impl logsumexp() {
  return {
      .name = "logsumexp",
      .summary = "division-free: exp(x_i - lse), lse = max + log(sum exp(x - max))",
      .role = Role::textbook,
      // Its softmax: exp(x_i - lse) rounds x_i - lse, |lse| u, which exp turns
      // into e^(|lse| u): linear (per_magnitude) only while that is small
      // (1e8 in float: 2e8 ulp measured, the factor e^6).
      .kernels = {cell<Op::softmax>(logsumexp<float>, kBudget, {.behaviour = kModerate}),
                  cell<Op::softmax>(logsumexp<double>, kBudget, {.behaviour = kModerate}),
                  // No ulp budget for the log outputs and the backward pass (impls/shifted.hpp);
                  // x_i - lse also costs |lse| u (6.7e3 ulp f32, "offset" n = 3, at y = -0.61).
                  // Measured: outputs near 0 cancel to exactly 0, those below the normal range included.
                  cell<Op::log_softmax>(lse_log_softmax<float>, {}, {.behaviour = kFlushed}),
                  cell<Op::log_softmax>(lse_log_softmax<double>, {}, {.behaviour = kFlushed}),
                  cell<Op::cross_entropy>(lse_cross_entropy<float>, {}, {.behaviour = kFlushed}),
                  cell<Op::cross_entropy>(lse_cross_entropy<double>, {}, {.behaviour = kFlushed}),
                  cell<Op::softmax_backward>(textbook_backward<float>),
                  cell<Op::softmax_backward>(textbook_backward<double>)},
  };
}

}  // namespace smx::impls
