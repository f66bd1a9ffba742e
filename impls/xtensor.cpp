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
auto view(T* p, std::size_t n) {
  const std::array<std::size_t, 1> shape{n};
  return xt::adapt(p, n, xt::no_ownership(), shape);
}

template <class T>
void softmax_xtensor(const T* x, T* y, std::size_t n) {
  if (n == 0) return;
  auto xv = view(x, n);
  auto yv = view(y, n);
  // A NaN the reduction skips still reaches the sum through exp(NaN - m).
  const T m = xt::amax(xv)();
  yv = xt::exp(xv - m);  // elementwise, so y may alias x
  const T sum = xt::sum(yv)();
  yv /= sum;
}

// (x - m) - log(sum(exp(x - m))): the sum is a scalar taken before y is written.
template <class T>
void log_softmax_xtensor(const T* x, T* y, std::size_t n) {
  if (n == 0) return;
  auto xv = view(x, n);
  auto yv = view(y, n);
  const T m = xt::amax(xv)();
  const T log_sum = std::log(xt::sum(xt::exp(xv - m))());
  yv = (xv - m) - log_sum;
}

// loss = log(sum) - (x_t - m), the sum of the lazy expression as in
// log_softmax; grad = softmax_xtensor, then grad_t - 1. The two sums differ
// in their last bits (the reduction and the assignment evaluate exp
// differently), so the loss comes from the one that needs no buffer: the
// same with or without grad.
template <class T>
T cross_entropy_xtensor(const T* x, std::size_t n, std::size_t target, T* grad) {
  auto xv = view(x, n);
  const T m = xt::amax(xv)();
  const T loss = std::log(xt::sum(xt::exp(xv - m))()) - (x[target] - m);
  if (grad) {
    softmax_xtensor(x, grad, n);
    grad[target] -= 1;
  }
  return loss;
}

template <class T>
void backward_xtensor(const T* y, const T* dy, T* dx, std::size_t n) {
  if (n == 0) return;
  auto yv = view(y, n);
  auto dyv = view(dy, n);
  auto dxv = view(dx, n);
  const T dot = xt::sum(dyv * yv)();
  dxv = yv * (dyv - dot);  // elementwise, so dx may alias dy
}

constexpr Behaviour kLogBehaviour{.subnormals = Subnormals::flushed};

}  // namespace

Impl xtensor() {
  return {
      .name = "xtensor",
      .summary = "max-shifted, as xtensor expressions (xsimd at the baseline ISA)",
      .role = Role::textbook,
      .kernels = {cell<Op::softmax>(softmax_xtensor<float>, {.base = 1, .per_element = 1, .per_distance = 1}),
                  cell<Op::softmax>(softmax_xtensor<double>, {.base = 1, .per_element = 1, .per_distance = 1}),
                  // No ulp budget for the log outputs and the backward pass (impls/shifted.hpp).
                  // log_softmax has exp only inside its sum: elementwise it subtracts,
                  // so order and ties hold (measured); outputs near 0 cancel to 0.
                  cell<Op::log_softmax>(log_softmax_xtensor<float>, {}, {.behaviour = kLogBehaviour}),
                  cell<Op::log_softmax>(log_softmax_xtensor<double>, {}, {.behaviour = kLogBehaviour}),
                  // The gradient is softmax_xtensor's output: the implementation's behaviour.
                  cell<Op::cross_entropy>(cross_entropy_xtensor<float>),
                  cell<Op::cross_entropy>(cross_entropy_xtensor<double>),
                  // No exp: consistent, and subnormal outputs computed (measured).
                  cell<Op::softmax_backward>(backward_xtensor<float>, {}, {.behaviour = Behaviour{}}),
                  cell<Op::softmax_backward>(backward_xtensor<double>, {}, {.behaviour = Behaviour{}})},
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
