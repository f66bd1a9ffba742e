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
      .role = Role::textbook,
      .kernels = {cell<Op::softmax>(softmax_xtensor<float>, {.base = 1, .per_element = 1, .per_distance = 1}),
                  cell<Op::softmax>(softmax_xtensor<double>, {.base = 1, .per_element = 1, .per_distance = 1})},
      .behaviour =
          {
              // Measured: xsimd's exp (vector body) and std::exp (scalar tail)
              // disagree, which breaks order and ties across the body/tail seam.
              .consistency = {.preserves_order = false, .consistent_ties = false},
              .subnormals = Subnormals::flushed,  // measured: xsimd's exp returns 0 below the normal range
          },
  };
}

}  // namespace smx::impls
