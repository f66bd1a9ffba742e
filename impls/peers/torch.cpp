// peer.torch: ATen's CPU softmax (Debian libtorch-dev), called as
// at::_softmax_out on tensors made with at::from_blob over the caller's
// memory, under c10::InferenceMode (no autograd bookkeeping, as a user
// running a model would). Only the per-operator ATen headers are included,
// to keep the compile cheap.
//
// Zero-copy: from_blob wraps the caller's x and y without copying (x is
// const_cast only because from_blob takes void*; ATen never writes an
// input), and the out= overload writes the result straight into y. ATen
// copies only for a non-contiguous tensor, so rows with a padded leading
// dimension are never passed as one strided tensor (see batch). In place
// works: ATen's last-dimension kernel reads a row for its max, then writes
// y[i] = exp(x[i] - max) from x[i] element by element, then scales y
// (the conformance test checks the bits).
#include <ATen/ops/_softmax.h>
#include <ATen/ops/log_softmax.h>
#include <c10/core/InferenceMode.h>
#include <torch/version.h>

#include "impls/peers/omp_threads.hpp"
#include "impls/peers/torch_common.hpp"
#include "impls/registry.hpp"

namespace smx::impls {
namespace {

using torch_peer::init_threads;
using torch_peer::wrap;

// Contiguous rows x cols, softmax or log_softmax over each row, on the current thread count.
template <Op op, class T>
void forward_rows(const T* x, T* y, std::size_t rows, std::size_t cols) {
  c10::InferenceMode inference;
  at::Tensor out = wrap(y, rows, cols);
  if constexpr (op == Op::softmax) at::_softmax_out(out, wrap(x, rows, cols), -1, false);
  else at::log_softmax_out(out, wrap(x, rows, cols), -1);
}

template <Op op, class T>
void row(const T* x, T* y, std::size_t n) {
  if (n == 0) return;
  init_threads();
  peers::OmpThreads one(1);
  forward_rows<op>(x, y, 1, n);
}

// Dense rows: one call on a rows x cols tensor, ATen threads over the rows.
// Padded rows: ATen would copy a strided tensor, so each row is its own
// call, spread over the threads by ATen's own at::parallel_for (inside it,
// each call runs on its one thread).
template <Op op, class T>
void batch(const T* x, std::size_t ldx, T* y, std::size_t ldy, std::size_t rows, std::size_t cols, int threads) {
  if (rows == 0 || cols == 0) return;
  init_threads();
  peers::OmpThreads guard(threads);
  if (ldx == cols && ldy == cols) return forward_rows<op>(x, y, rows, cols);
  at::parallel_for(0, static_cast<std::int64_t>(rows), 1, [&](std::int64_t begin, std::int64_t end) {
    for (auto r = static_cast<std::size_t>(begin); r < static_cast<std::size_t>(end); ++r)
      forward_rows<op>(x + r * ldx, y + r * ldy, 1, cols);
  });
}

// ATen 1.13's last-dimension kernel: the max, exp(x - max) with Sleef's
// vector exp, a sum in vector lanes, then a multiply by 1/sum. So a distance
// term (x - max rounded in the working type, which exp turns into a relative
// error of |x - max| u) and an n term (the lane sums grow with n / lanes).
// Measured on the accuracy grid (every family, n = 1 .. 2^20, seeds 1-3) with
// the kernels ATen picks here (AVX2), beyond the distance term: at most 3.2
// ulp (f32) and 5.4 (f64) for n <= 100; the n term needs 0.0100·n (f32) and
// 0.0187·n (f64), both on the "ties" row of n = 50257; worst outputs 1966 ulp
// (f32) and 11740 ulp (f64) at larger n. Subnormal outputs are computed, not
// flushed: worst 120 ulp (f32), 15 (f64). ATEN_CPU_CAPABILITY=avx512 stays
// within this (worst 857 ulp f32, 4750 f64); =default (no AVX2) needs the f32
// base of 5 (4.8 ulp on an "llm" row of n = 61 in the conformance tests).
// A row of 2^16 nearly equal values below its max (tests/exact_shift_order_
// test.cpp) needs more: 1166 ulp f32 (0.0177·n), 3035 f64 (0.046·n); the n
// terms are rounded up from those.
constexpr UlpBudget kBudgetF32{.base = 5, .per_element = 0.022, .per_distance = 1};
constexpr UlpBudget kBudgetF64{.base = 6, .per_element = 0.055, .per_distance = 1};

// log_softmax, cross_entropy, softmax_backward: no ulp budget, for the
// reasons the textbook forms have none (impls/shifted.hpp): ATen computes
// (x - max) - log(sum) and p_t - 1 the same way, and its backward cancels in
// dy - <dy, y>. Measured (every family, n = 1 .. 32000, seeds 1-3): the max
// element of a "dominant" row (n = 1000, exact -6.9e-15) comes out 0 (1.6e7
// ulp f32); where |y| >= 1/2 at most 37 ulp f32, 111 f64 (n = 32000).
// Special rows give NaN rows, as for softmax; outputs near 0 cancel to 0.
constexpr Behaviour kLogBehaviour{.subnormals = Subnormals::flushed};

}  // namespace

Impl peer_torch() {
  return {
      .name = "peer.torch",
      .summary = "ATen softmax, libtorch " TORCH_VERSION " (headers), from_blob over the caller's memory",
      .role = Role::peer,
      .kernels = {cell<Op::softmax>(row<Op::softmax, float>, kBudgetF32, {.batch = batch<Op::softmax, float>}),
                  cell<Op::softmax>(row<Op::softmax, double>, kBudgetF64, {.batch = batch<Op::softmax, double>}),
                  cell<Op::log_softmax>(row<Op::log_softmax, float>, {},
                                        {.batch = batch<Op::log_softmax, float>, .behaviour = kLogBehaviour}),
                  cell<Op::log_softmax>(row<Op::log_softmax, double>, {},
                                        {.batch = batch<Op::log_softmax, double>, .behaviour = kLogBehaviour}),
                  cell<Op::cross_entropy>(torch_peer::cross_entropy<float>, {},
                                          {.batch = torch_peer::cross_entropy_batch<float>, .behaviour = kLogBehaviour}),
                  cell<Op::cross_entropy>(torch_peer::cross_entropy<double>, {},
                                          {.batch = torch_peer::cross_entropy_batch<double>, .behaviour = kLogBehaviour}),
                  cell<Op::softmax_backward>(torch_peer::softmax_backward<float>),
                  cell<Op::softmax_backward>(torch_peer::softmax_backward<double>)},
  };
}

}  // namespace smx::impls
