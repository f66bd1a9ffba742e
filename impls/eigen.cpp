// eigen: the stable algorithm with Eigen arrays mapped over the caller's memory.
#include <Eigen/Core>

#include "impls/registry.hpp"

namespace smx::impls {
namespace {

template <class T> using Array = Eigen::Array<T, Eigen::Dynamic, 1>;
template <class T> Eigen::Map<const Array<T>> view(const T* p, std::size_t n) {
  return {p, static_cast<Eigen::Index>(n)};
}
template <class T> Eigen::Map<Array<T>> view(T* p, std::size_t n) { return {p, static_cast<Eigen::Index>(n)}; }

template <class T>
void softmax_eigen(const T* x, T* y, std::size_t n) {
  if (n == 0) return;  // maxCoeff of an empty array asserts
  const auto xv = view(x, n);
  auto yv = view(y, n);
  const T m = xv.template maxCoeff<Eigen::PropagateNaN>();
  yv = (xv - m).exp();  // coefficient-wise, so y may alias x
  yv /= yv.sum();
}

// (x - m) - log((x - m).exp().sum()): the sum is a scalar taken before y is written.
template <class T>
void log_softmax_eigen(const T* x, T* y, std::size_t n) {
  if (n == 0) return;
  const auto xv = view(x, n);
  const T m = xv.template maxCoeff<Eigen::PropagateNaN>();
  const T log_sum = std::log((xv - m).exp().sum());
  view(y, n) = (xv - m) - log_sum;
}

// loss = log(sum) - (x_t - m); grad = the softmax expression, then grad_t - 1.
template <class T>
T cross_entropy_eigen(const T* x, std::size_t n, std::size_t target, T* grad) {
  const auto xv = view(x, n);
  const T m = xv.template maxCoeff<Eigen::PropagateNaN>();
  const T xt_shifted = x[target] - m;
  if (!grad) return std::log((xv - m).exp().sum()) - xt_shifted;
  auto gv = view(grad, n);
  gv = (xv - m).exp();
  const T sum = gv.sum();
  gv /= sum;
  grad[target] -= 1;
  return std::log(sum) - xt_shifted;
}

template <class T>
void backward_eigen(const T* y, const T* dy, T* dx, std::size_t n) {
  const auto yv = view(y, n);
  const auto dyv = view(dy, n);
  const T dot = (dyv * yv).sum();
  view(dx, n) = yv * (dyv - dot);  // coefficient-wise, so dx may alias dy
}

constexpr Behaviour kLogBehaviour{.subnormals = Subnormals::flushed};

}  // namespace

Impl eigen() {
  return {
      .name = "eigen",
      .summary = "max-shifted, with Eigen arrays (Eigen's vectorized exp, baseline ISA)",
      .role = Role::textbook,
      .kernels = {cell<Op::softmax>(softmax_eigen<float>, {.base = 1, .per_element = 1, .per_distance = 1}),
                  cell<Op::softmax>(softmax_eigen<double>, {.base = 1, .per_element = 1, .per_distance = 1}),
                  // No ulp budget for the log outputs and the backward pass (impls/shifted.hpp).
                  // log_softmax has exp only inside its sum: elementwise it subtracts, so
                  // -inf stays -inf and order, ties and addresses do not matter (measured);
                  // outputs near 0 cancel to 0.
                  cell<Op::log_softmax>(log_softmax_eigen<float>, {}, {.behaviour = kLogBehaviour}),
                  cell<Op::log_softmax>(log_softmax_eigen<double>, {}, {.behaviour = kLogBehaviour}),
                  // The gradient is softmax_eigen's output: the implementation's behaviour.
                  cell<Op::cross_entropy>(cross_entropy_eigen<float>),
                  cell<Op::cross_entropy>(cross_entropy_eigen<double>),
                  // No exp: consistent, and subnormal outputs computed (measured).
                  cell<Op::softmax_backward>(backward_eigen<float>, {}, {.behaviour = Behaviour{}}),
                  cell<Op::softmax_backward>(backward_eigen<double>, {}, {.behaviour = Behaviour{}})},
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
