// The one call a benchmark of any operation times, and verifies, on raw
// rows: one row, or rows x cols in one batched call (the cell's own batch
// kernel when it has one, else its row kernel over the rows, split into
// `threads` equal contiguous chunks on the worker pool, as softmax_batched
// does for softmax). The kernels are looked up once, outside the timed loop.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "impls/registry.hpp"
#include "impls/worker_pool.hpp"

namespace smx {

// The operands of one call; every row cols long, the rows one after the other.
template <class T>
struct OpRows {
  const T* x = nullptr;                 // logits; softmax_backward: y
  const T* dy = nullptr;                // softmax_backward only
  const std::size_t* target = nullptr;  // cross_entropy: one class per row
  T* out = nullptr;                     // y, the gradient or dx
  std::size_t rows = 0, cols = 0;       // rows 0: one row
  T* losses = nullptr;                  // cross_entropy's row loop: room for a loss per row
};

template <Op op, class T>
struct OpKernels {
  kernel_t<op, T> row;
  batch_t<op, T> batch;
  explicit OpKernels(const Impl& impl) : row(impl.template kernel<op, T>()), batch(impl.template batch<op, T>()) {}
};

// row(r) for every r < rows, in `threads` contiguous chunks (threads <= 1: on this thread).
template <class F>
void for_each_row(std::size_t rows, int threads, const F& row) {
  const chunk_fn loop = [](void* context, std::size_t begin, std::size_t end) {
    const F& f = *static_cast<const F*>(context);
    for (std::size_t r = begin; r < end; ++r) f(r);
  };
  parallel_chunks(rows, threads > 1 ? static_cast<unsigned>(threads) : 1u, loop, const_cast<F*>(&row));
}

// Returns cross_entropy's loss (of the row; of a batch, the mean over its rows), else 0.
template <Op op, class T>
T call_op(const OpKernels<op, T>& k, const OpRows<T>& a, int threads) {
  const std::size_t n = a.cols;
  if constexpr (op == Op::cross_entropy) {
    if (!a.rows) return k.row(a.x, n, a.target[0], a.out);
    if (k.batch) return k.batch(a.x, n, a.target, a.out, n, a.rows, n, threads);
    for_each_row(a.rows, threads, [&](std::size_t r) { a.losses[r] = k.row(a.x + r * n, n, a.target[r], a.out + r * n); });
    double sum = 0;
    for (std::size_t r = 0; r < a.rows; ++r) sum += static_cast<double>(a.losses[r]);
    return static_cast<T>(sum / static_cast<double>(a.rows));
  } else if constexpr (op == Op::softmax_backward) {
    if (!a.rows) return k.row(a.x, a.dy, a.out, n), T(0);
    for_each_row(a.rows, threads, [&](std::size_t r) { k.row(a.x + r * n, a.dy + r * n, a.out + r * n, n); });
    return T(0);
  } else {  // softmax, log_softmax
    if (!a.rows) return k.row(a.x, a.out, n), T(0);
    if (k.batch) return k.batch(a.x, n, a.out, n, a.rows, n, threads), T(0);
    for_each_row(a.rows, threads, [&](std::size_t r) { k.row(a.x + r * n, a.out + r * n, n); });
    return T(0);
  }
}

// f(std::integral_constant<Op, op>{}) for the runtime op, over op_table's rows.
template <class F>
void visit_op(Op op, F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (void)((op == op_table[I].op && (f(std::integral_constant<Op, op_table[I].op>{}), true)) || ...);
  }(std::make_index_sequence<op_table.size()>{});
}

// call_op for the runtime op, the kernels looked up for this call (verification; the timed loop holds OpKernels).
template <class T>
T call_op(const Impl& impl, Op op, const OpRows<T>& a, int threads) {
  T result{};
  visit_op(op, [&](auto o) { result = call_op(OpKernels<decltype(o)::value, T>(impl), a, threads); });
  return result;
}

}  // namespace smx
