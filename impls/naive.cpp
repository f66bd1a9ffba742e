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
      .softmax_f32 = naive<float>,
      .softmax_f64 = naive<double>,
      .budget = {.f32 = {1, 1}, .f64 = {1, 1}},
      .all_neg_inf = AllNegInf::nan,
      .pos_inf = PosInf::nan_row,
      .domain = Domain::exp_range,
      .error_model = ErrorModel::basic,
  };
}

}  // namespace smx::impls
