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
      .softmax_f32 = stable<float>,
      .softmax_f64 = stable<double>,
      .budget = {.f32 = {1, 1, 1}, .f64 = {1, 1, 1}},
      .all_neg_inf = AllNegInf::nan,
      .pos_inf = PosInf::nan_row,
  };
}

}  // namespace smx::impls
