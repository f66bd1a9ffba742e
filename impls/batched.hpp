// The batched entry point: rows x cols with leading dimensions. Uses the
// implementation's own batch kernel when it has one, else loops over rows.
#pragma once

#include <cstddef>

#include "impls/registry.hpp"

namespace smx {

template <class T>
void softmax_batched(const Impl& impl, const T* x, std::size_t ldx, T* y, std::size_t ldy,
                     std::size_t rows, std::size_t cols, int threads = 1) {
  if (auto own = impl.batch<T>()) return own(x, ldx, y, ldy, rows, cols, threads);
  const row_fn<T> row = impl.softmax<T>();
  for (std::size_t r = 0; r < rows; ++r) row(x + r * ldx, y + r * ldy, cols);
}

}  // namespace smx
