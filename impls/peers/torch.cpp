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
#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/_softmax.h>
#include <ATen/ops/from_blob.h>
#include <c10/core/InferenceMode.h>
#include <torch/version.h>

#include <cstdint>

#include "impls/peers/omp_threads.hpp"
#include "impls/registry.hpp"

namespace smx::impls {
namespace {

// ATen sets each thread's OpenMP thread count the first time that thread
// reaches a parallel region; done here first, so that it cannot overwrite
// the count an OmpThreads guard has just set.
void init_torch_threads() {
  thread_local const bool done = (at::get_num_threads(), true);
  (void)done;
}

template <class T>
at::Tensor wrap(const T* data, std::int64_t rows, std::int64_t cols) {
  const auto options = at::TensorOptions().dtype(c10::CppTypeToScalarType<T>::value);
  return rows == 1 ? at::from_blob(const_cast<T*>(data), {cols}, options)
                   : at::from_blob(const_cast<T*>(data), {rows, cols}, options);
}

// Contiguous rows x cols, softmax over each row, on the current thread count.
template <class T>
void softmax_rows(const T* x, T* y, std::size_t rows, std::size_t cols) {
  c10::InferenceMode inference;
  const auto r = static_cast<std::int64_t>(rows), c = static_cast<std::int64_t>(cols);
  at::Tensor out = wrap<T>(y, r, c);
  at::_softmax_out(out, wrap<T>(x, r, c), -1, false);
}

template <class T>
void row(const T* x, T* y, std::size_t n) {
  if (n == 0) return;
  init_torch_threads();
  peers::OmpThreads one(1);
  softmax_rows(x, y, 1, n);
}

// Dense rows: one call on a rows x cols tensor, ATen threads over the rows.
// Padded rows: ATen would copy a strided tensor, so each row is its own
// call, spread over the threads by ATen's own at::parallel_for (inside it,
// each call runs on its one thread).
template <class T>
void batch(const T* x, std::size_t ldx, T* y, std::size_t ldy, std::size_t rows, std::size_t cols, int threads) {
  if (rows == 0 || cols == 0) return;
  init_torch_threads();
  peers::OmpThreads guard(threads);
  if (ldx == cols && ldy == cols) return softmax_rows(x, y, rows, cols);
  at::parallel_for(0, static_cast<std::int64_t>(rows), 1, [&](std::int64_t begin, std::int64_t end) {
    for (auto r = static_cast<std::size_t>(begin); r < static_cast<std::size_t>(end); ++r)
      softmax_rows(x + r * ldx, y + r * ldy, 1, cols);
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

}  // namespace

Impl peer_torch() {
  return {
      .name = "peer.torch",
      .summary = "ATen softmax, libtorch " TORCH_VERSION " (headers), from_blob over the caller's memory",
      .role = Role::peer,
      .kernels = {cell<Op::softmax>(row<float>, kBudgetF32, {.batch = batch<float>}),
                  cell<Op::softmax>(row<double>, kBudgetF64, {.batch = batch<double>})},
  };
}

}  // namespace smx::impls
