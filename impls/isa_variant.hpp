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

// A SIMD algorithm's softmax budget, per element type.
struct Budget {
  UlpBudget f32, f64;
};

// An entry with the default policies (NaN for all -inf and for +inf rows,
// subnormals kept, consistent), as every kernel of impls/simd/ declares.
// parent: empty for the dispatching entry (role kernel), else the entry it is an ISA path of.
inline Impl isa_entry(std::string_view name, std::string_view summary, row_fn<float> f32, row_fn<double> f64,
                      bool (*available)(), Budget budget, std::string_view parent = {}) {
  return {.name = name,
          .summary = summary,
          .role = parent.empty() ? Role::kernel : Role::isa_path,
          .parent = parent,
          .kernels = {cell<Op::softmax>(f32, budget.f32), cell<Op::softmax>(f64, budget.f64)},
          .available = available};
}

}  // namespace smx::impls
