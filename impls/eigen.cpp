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
      .role = Role::textbook,
      .kernels = {cell<Op::softmax>(softmax_eigen<float>, {.base = 1, .per_element = 1, .per_distance = 1}),
                  cell<Op::softmax>(softmax_eigen<double>, {.base = 1, .per_element = 1, .per_distance = 1})},
      .behaviour =
          {
              // Measured: an unaligned head runs scalar std::exp, the aligned
              // body the packet exp; the two differ, so results depend on the
              // address and can break ties and order inside a row.
              .consistency = {.zero_at_neg_inf = false,  // the clamp turns -inf into exp(-88.4) > 0
                              .preserves_order = false,
                              .consistent_ties = false,
                              .address_invariant = false},
              // Measured: Eigen's packet exp clamps its argument (float: about
              // -88.4, so exp(-103) comes out 2.9e-39, not 1.4e-45; double: 0
              // below the normal range), and the scalar peel for unaligned heads does not.
              .subnormals = Subnormals::unclaimed,
          },
  };
}

}  // namespace smx::impls
