// naive: exp(x_i) / sum_j exp(x_j), no shift. It overflows for large logits
// (exp(89) is inf in float) and loses everything when all exponentials
// underflow: that is what it is here to show, so it claims its budget only
// inside the exponential's range (Domain::exp_range).
#include <cmath>

#include "impls/registry.hpp"

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

}  // namespace

Impl naive() {
  return {
      .name = "naive",
      .summary = "exp(x_i) / sum exp(x_j), no max shift: overflows on purpose",
      .role = Role::textbook,
      .kernels = {cell<Op::softmax>(naive<float>, {.base = 1, .per_element = 1}),
                  cell<Op::softmax>(naive<double>, {.base = 1, .per_element = 1})},
      .behaviour = {.domain = Domain::exp_range, .error_model = ErrorModel::basic},
  };
}

}  // namespace smx::impls
