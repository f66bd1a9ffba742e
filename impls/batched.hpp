// The batched entry point: rows x cols with leading dimensions. Uses the
// implementation's own batch kernel when it has one (it interprets threads
// itself); else loops over rows, split into `threads` equal contiguous chunks
// on the persistent worker pool (impls/worker_pool.hpp) when threads > 1, so
// every implementation can be timed threaded.
#pragma once

#include <cstddef>

#include "impls/registry.hpp"
#include "impls/worker_pool.hpp"

namespace smx {

template <class T>
void softmax_batched(const Impl& impl, const T* x, std::size_t ldx, T* y, std::size_t ldy,
                     std::size_t rows, std::size_t cols, int threads = 1) {
  if (auto own = impl.template batch<Op::softmax, T>()) return own(x, ldx, y, ldy, rows, cols, threads);
  struct Rows {
    row_fn<T> row;
    const T* x;
    std::size_t ldx;
    T* y;
    std::size_t ldy, cols;
  } job{impl.template kernel<Op::softmax, T>(), x, ldx, y, ldy, cols};
  const chunk_fn loop = [](void* context, std::size_t begin, std::size_t end) {
    const Rows& j = *static_cast<const Rows*>(context);
    for (std::size_t r = begin; r < end; ++r) j.row(j.x + r * j.ldx, j.y + r * j.ldy, j.cols);
  };
  // threads 0 ("implementation's choice") is one thread for the row loop.
  parallel_chunks(rows, threads > 1 ? static_cast<unsigned>(threads) : 1u, loop, &job);
}

}  // namespace smx
