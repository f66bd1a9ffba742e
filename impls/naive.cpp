// naive: exp(x_i) / sum_j exp(x_j), no shift. It overflows for large logits
// (exp(89) is inf in float) and loses everything when all exponentials
// underflow: that is what it is here to show, so it claims its budget only
// inside the exponential's range (Domain::exp_range).
#include <cmath>

#include "impls/registry.hpp"
#include "impls/shifted.hpp"

namespace smx::impls {
namespace {

template <class T>
void naive(const T* x, T* y, std::size_t n) {
  T sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = std::exp(x[i]);
    sum += y[i];
  }
  for (std::size_t i = 0; i < n; ++i) y[i] /= sum;
}

// x_i - log(sum exp x_j), the unshifted log-sum-exp.
template <class T>
void naive_log_softmax(const T* x, T* y, std::size_t n) {
  shifted_log_softmax(x, y, n, T(0));
}

template <class T>
T naive_cross_entropy(const T* x, std::size_t n, std::size_t target, T* grad) {
  return shifted_cross_entropy(x, n, target, grad, T(0));
}

// Measured: x - log(exp(x)) is not 0 (n = 1: -4.5e-8 where the exact value
// is 0), so outputs near 0 are not even flushed: no claim below the normal range.
constexpr Behaviour kLogBehaviour{
    .domain = Domain::exp_range, .subnormals = Subnormals::unclaimed, .error_model = ErrorModel::basic};

}  // namespace

Impl naive() {
  return {
      .name = "naive",
      .summary = "exp(x_i) / sum exp(x_j), no max shift: overflows on purpose",
      .role = Role::textbook,
      .kernels = {cell<Op::softmax>(naive<float>, {.base = 1, .per_element = 1}),
                  cell<Op::softmax>(naive<double>, {.base = 1, .per_element = 1}),
                  // No ulp budget for the log outputs and the backward pass (impls/shifted.hpp).
                  cell<Op::log_softmax>(naive_log_softmax<float>, {}, {.behaviour = kLogBehaviour}),
                  cell<Op::log_softmax>(naive_log_softmax<double>, {}, {.behaviour = kLogBehaviour}),
                  cell<Op::cross_entropy>(naive_cross_entropy<float>, {}, {.behaviour = kLogBehaviour}),
                  cell<Op::cross_entropy>(naive_cross_entropy<double>, {}, {.behaviour = kLogBehaviour}),
                  // No exponential in it: neither the domain nor the error model apply.
                  cell<Op::softmax_backward>(textbook_backward<float>, {}, {.behaviour = Behaviour{}}),
                  cell<Op::softmax_backward>(textbook_backward<double>, {}, {.behaviour = Behaviour{}})},
      .behaviour = {.domain = Domain::exp_range, .error_model = ErrorModel::basic},
  };
}

}  // namespace smx::impls
