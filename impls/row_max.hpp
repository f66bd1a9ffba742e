// The row maximum as the scalar kernels need it: NaN-propagating (a NaN
// anywhere gives NaN, so the whole row comes out NaN), -inf for an all -inf row.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>

namespace smx::impls {

template <class T>
T row_max(const T* x, std::size_t n) {
  T m = -std::numeric_limits<T>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(x[i])) return x[i];
    if (x[i] > m) m = x[i];
  }
  return m;
}

}  // namespace smx::impls
