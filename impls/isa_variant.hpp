// The registry entries of an algorithm with one kernel per instruction set
// (impls/simd/): the dispatching entry runs the best path the CPU supports,
// the per-ISA entries let every path be tested on any machine that can run
// it. For baseline translation units: only feature checks and pointers.
#pragma once

#include <cstddef>
#include <string_view>

#include "impls/registry.hpp"
#include "impls/simd/dispatch.hpp"

namespace smx::impls {

// Resolved once, on the first call; later calls go straight through.
template <class T, row_fn<T> avx512, row_fn<T> avx2, row_fn<T> portable>
void best_of(const T* x, T* y, std::size_t n) {
  static const row_fn<T> fn = simd::has_avx512() ? avx512 : simd::has_avx2() ? avx2 : portable;
  fn(x, y, n);
}

inline bool always() { return true; }

// An entry with the default policies (NaN for all -inf and for +inf rows,
// subnormals kept, consistent), as every kernel of impls/simd/ declares.
inline Impl isa_entry(std::string_view name, std::string_view summary, row_fn<float> f32, row_fn<double> f64,
                      bool (*available)(), Budget budget) {
  return {.name = name, .summary = summary, .softmax_f32 = f32, .softmax_f64 = f64, .available = available,
          .budget = budget};
}

}  // namespace smx::impls
