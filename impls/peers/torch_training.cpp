// peer.torch's training operations, the way a PyTorch model computes them:
// cross-entropy as F.cross_entropy does (log_softmax, then nll_loss; the
// gradient through nll_loss_backward and _log_softmax_backward_data, i.e.
// softmax - e_t), and the softmax backward as autograd calls it
// (_softmax_backward_data). Tensors wrap the caller's memory (torch_common.hpp).
#include <ATen/core/Reduction.h>
#include <ATen/ops/_log_softmax_backward_data.h>
#include <ATen/ops/_softmax_backward_data.h>
#include <ATen/ops/log_softmax.h>
#include <ATen/ops/nll_loss_backward.h>
#include <ATen/ops/nll_loss_forward.h>
#include <ATen/ops/ones.h>
#include <c10/core/InferenceMode.h>

#include <limits>

#include "impls/peers/omp_threads.hpp"
#include "impls/peers/torch_common.hpp"

namespace smx::impls::torch_peer {
namespace {

// The mean loss of rows x cols logits; grad (may be nullptr) gets each row's
// softmax - e_t. On the current thread count.
template <class T>
T cross_entropy_rows(const T* x, std::size_t ldx, const std::size_t* target, T* grad, std::size_t ldg,
                     std::size_t rows, std::size_t cols) {
  c10::InferenceMode inference;
  // size_t and int64_t share their representation for every valid index.
  const at::Tensor targets = at::from_blob(const_cast<std::size_t*>(target), {static_cast<std::int64_t>(rows)},
                                           at::TensorOptions().dtype(at::kLong));
  const at::Tensor log_p = at::log_softmax(wrap(x, rows, cols, ldx), 1);
  const auto [loss, total_weight] = at::nll_loss_forward(log_p, targets, {}, at::Reduction::Mean, -100);
  if (grad) {
    // The gradient of the sum of the row losses, -1 at each target: each
    // row's own gradient, as the contract asks (the mean's is this / rows).
    const at::Tensor one = at::ones({}, log_p.options());
    const at::Tensor d_log_p =
        at::nll_loss_backward(one, log_p, targets, {}, at::Reduction::Sum, -100, total_weight);
    at::Tensor out = wrap(grad, rows, cols, ldg);
    // Into padded rows through a dense result and an exact copy: ATen's
    // kernel into a strided out= takes another path with other bits.
    if (ldg == cols) at::_log_softmax_backward_data_out(out, d_log_p, log_p, 1, log_p.scalar_type());
    else out.copy_(at::_log_softmax_backward_data(d_log_p, log_p, 1, log_p.scalar_type()));
  }
  return loss.template item<T>();
}

}  // namespace

template <class T>
T cross_entropy(const T* x, std::size_t n, std::size_t target, T* grad) {
  init_threads();
  peers::OmpThreads one(1);
  return cross_entropy_rows(x, n, &target, grad, n, 1, n);
}

// One call over all rows, padded or not (ATen copies strided logits; the
// batch is the framework's unit here, as in training).
template <class T>
T cross_entropy_batch(const T* x, std::size_t ldx, const std::size_t* target, T* grad, std::size_t ldg,
                      std::size_t rows, std::size_t cols, int threads) {
  if (rows == 0) return std::numeric_limits<T>::quiet_NaN();  // ATen's mean of no rows
  init_threads();
  peers::OmpThreads guard(threads);
  return cross_entropy_rows(x, ldx, target, grad, ldg, rows, cols);
}

template <class T>
void softmax_backward(const T* y, const T* dy, T* dx, std::size_t n) {
  if (n == 0) return;
  init_threads();
  peers::OmpThreads one(1);
  c10::InferenceMode inference;
  at::Tensor out = wrap(dx, 1, n);
  at::_softmax_backward_data_out(out, wrap(dy, 1, n), wrap(y, 1, n), 1, out.scalar_type());
}

template float cross_entropy(const float*, std::size_t, std::size_t, float*);
template double cross_entropy(const double*, std::size_t, std::size_t, double*);
template float cross_entropy_batch(const float*, std::size_t, const std::size_t*, float*, std::size_t, std::size_t,
                                   std::size_t, int);
template double cross_entropy_batch(const double*, std::size_t, const std::size_t*, double*, std::size_t,
                                    std::size_t, std::size_t, int);
template void softmax_backward(const float*, const float*, float*, std::size_t);
template void softmax_backward(const double*, const double*, double*, std::size_t);

}  // namespace smx::impls::torch_peer
