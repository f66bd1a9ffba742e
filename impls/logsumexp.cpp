// logsumexp: the division-free form y_i = exp(x_i - lse), with
// lse = max + log(sum exp(x - max)). Two exponentials per element, no division.
#include <cmath>

#include "impls/registry.hpp"
#include "impls/row_max.hpp"

namespace smx::impls {
namespace {

template <class T>
void logsumexp(const T* x, T* y, std::size_t n) {
  const T m = row_max(x, n);
  T sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += std::exp(x[i] - m);
  const T lse = m + std::log(sum);
  for (std::size_t i = 0; i < n; ++i) y[i] = std::exp(x[i] - lse);
}

// exp(x_i - lse) rounds x_i - lse, an error of |lse| u: per_magnitude.
constexpr UlpBudget kBudget{.base = 1, .per_element = 1, .per_distance = 1, .per_magnitude = 1};

}  // namespace

Impl logsumexp() {
  return {
      .name = "logsumexp",
      .summary = "division-free: exp(x_i - lse), lse = max + log(sum exp(x - max))",
      .role = Role::textbook,
      .kernels = {cell<Op::softmax>(logsumexp<float>, kBudget), cell<Op::softmax>(logsumexp<double>, kBudget)},
  };
}

}  // namespace smx::impls
