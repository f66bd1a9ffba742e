// xtensor: the stable algorithm written as xtensor expressions over adapted
// (non-owning) views of the caller's memory, vectorized through xsimd.
#include <array>
#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>

#include "impls/registry.hpp"

namespace smx::impls {
namespace {

template <class T>
void softmax_xtensor(const T* x, T* y, std::size_t n) {
  if (n == 0) return;
  const std::array<std::size_t, 1> shape{n};
  auto xv = xt::adapt(x, n, xt::no_ownership(), shape);
  auto yv = xt::adapt(y, n, xt::no_ownership(), shape);
  // A NaN the reduction skips still reaches the sum through exp(NaN - m).
  const T m = xt::amax(xv)();
  yv = xt::exp(xv - m);  // elementwise, so y may alias x
  const T sum = xt::sum(yv)();
  yv /= sum;
}

}  // namespace

Impl xtensor() {
  return {
      .name = "xtensor",
      .summary = "max-shifted, as xtensor expressions (xsimd at the baseline ISA)",
      .softmax_f32 = softmax_xtensor<float>,
      .softmax_f64 = softmax_xtensor<double>,
      .budget = {.f32 = {1, 1, 1}, .f64 = {1, 1, 1}},
      .all_neg_inf = AllNegInf::nan,
      .pos_inf = PosInf::nan_row,
      .subnormals = Subnormals::flushed,  // measured: xsimd's exp returns 0 below the normal range
      // Measured: xsimd's exp (vector body) and std::exp (scalar tail) disagree,
      // which breaks order and ties across the body/tail seam.
      .preserves_order = false,
      .consistent_ties = false,
  };
}

}  // namespace smx::impls
