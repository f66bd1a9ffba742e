// stable: the textbook max-shifted softmax, three passes in the working type:
// m = max x, e_i = exp(x_i - m), y_i = e_i / sum e.
#include <cmath>

#include "impls/registry.hpp"
#include "impls/row_max.hpp"
#include "impls/shifted.hpp"

namespace smx::impls {
namespace {

template <class T>
void stable(const T* x, T* y, std::size_t n) {
  const T m = row_max(x, n);
  T sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = std::exp(x[i] - m);
    sum += y[i];
  }
  for (std::size_t i = 0; i < n; ++i) y[i] /= sum;
}

// (x_i - m) - log(sum exp(x - m)).
template <class T>
void stable_log_softmax(const T* x, T* y, std::size_t n) {
  shifted_log_softmax(x, y, n, row_max(x, n));
}

template <class T>
T stable_cross_entropy(const T* x, std::size_t n, std::size_t target, T* grad) {
  return shifted_cross_entropy(x, n, target, grad, row_max(x, n));
}

constexpr Behaviour kFlushed{.subnormals = Subnormals::flushed};

}  // namespace

Impl stable() {
  return {
      .name = "stable",
      .summary = "max-shifted: exp(x_i - max) / sum, three scalar passes",
      .role = Role::textbook,
      .kernels = {cell<Op::softmax>(stable<float>, {.base = 1, .per_element = 1, .per_distance = 1}),
                  cell<Op::softmax>(stable<double>, {.base = 1, .per_element = 1, .per_distance = 1}),
                  // No ulp budget for the log outputs and the backward pass (impls/shifted.hpp).
                  // Measured: outputs near 0 cancel to exactly 0, those below the normal range included.
                  cell<Op::log_softmax>(stable_log_softmax<float>, {}, {.behaviour = kFlushed}),
                  cell<Op::log_softmax>(stable_log_softmax<double>, {}, {.behaviour = kFlushed}),
                  cell<Op::cross_entropy>(stable_cross_entropy<float>, {}, {.behaviour = kFlushed}),
                  cell<Op::cross_entropy>(stable_cross_entropy<double>, {}, {.behaviour = kFlushed}),
                  cell<Op::softmax_backward>(textbook_backward<float>),
                  cell<Op::softmax_backward>(textbook_backward<double>)},
  };
}

}  // namespace smx::impls
