// eigen: the stable algorithm with Eigen arrays mapped over the caller's memory.
#include <Eigen/Core>

#include "impls/registry.hpp"

namespace smx::impls {
namespace {

template <class T>
void softmax_eigen(const T* x, T* y, std::size_t n) {
  if (n == 0) return;  // maxCoeff of an empty array asserts
  using Array = Eigen::Array<T, Eigen::Dynamic, 1>;
  const Eigen::Map<const Array> xv(x, static_cast<Eigen::Index>(n));
  Eigen::Map<Array> yv(y, static_cast<Eigen::Index>(n));
  const T m = xv.template maxCoeff<Eigen::PropagateNaN>();
  yv = (xv - m).exp();  // coefficient-wise, so y may alias x
  yv /= yv.sum();
}

}  // namespace

Impl eigen() {
  return {
      .name = "eigen",
      .summary = "max-shifted, with Eigen arrays (Eigen's vectorized exp, baseline ISA)",
      .softmax_f32 = softmax_eigen<float>,
      .softmax_f64 = softmax_eigen<double>,
      .budget = {.f32 = {2, 1}, .f64 = {2, 1}},
      .all_neg_inf = AllNegInf::nan,
      .pos_inf = PosInf::nan_row,
  };
}

}  // namespace smx::impls
