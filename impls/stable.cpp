// stable: the textbook max-shifted softmax, three passes in the working type:
// m = max x, e_i = exp(x_i - m), y_i = e_i / sum e.
#include <cmath>

#include "impls/registry.hpp"
#include "impls/row_max.hpp"

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

}  // namespace

Impl stable() {
  return {
      .name = "stable",
      .summary = "max-shifted: exp(x_i - max) / sum, three scalar passes",
      .role = Role::textbook,
      .kernels = {cell<Op::softmax>(stable<float>, {.base = 1, .per_element = 1, .per_distance = 1}),
                  cell<Op::softmax>(stable<double>, {.base = 1, .per_element = 1, .per_distance = 1})},
  };
}

}  // namespace smx::impls
