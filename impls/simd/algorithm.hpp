// What the registry says about a SIMD algorithm (impls/simd/<id>.hpp), from
// which impls/simd/entries.cpp builds its dispatching entry and one entry per
// ISA target. Constant data only: the ISA translation units include it too.
#pragma once

#include <optional>
#include <string_view>

#include "impls/registry.hpp"

namespace smx::simd {

// A path described in full rather than as "<path_summary>, <ISA label> path".
struct PathSummary {
  std::string_view isa;  // an ISA target's name (isa_targets.hpp)
  std::string_view text;
};

// What every path and the dispatcher declare for one operation, per element
// type: its budget, and its behaviour where it differs from the defaults.
struct OpBudget {
  Op op = Op::softmax;
  UlpBudget f32{}, f64{};
  UlpBudget scaled_f32{}, scaled_f64{};  // the temperature-folding kernels', where there are any
  std::optional<Behaviour> behaviour{};
};

struct AlgorithmData {
  std::string_view name;          // the dispatching entry's; paths are "<name>.<isa>"
  std::string_view summary;       // the dispatching entry's line in `softmax-lab list`
  std::string_view path_summary;  // a path's line, before ", <ISA label> path"
  // One row per operation the algorithm provides (its kernels: <id>_kernels);
  // an operation without a row declares no budget (no claim).
  OpBudget budgets[op_table.size()] = {};
  PathSummary own_summaries[4] = {};

  constexpr const OpBudget* budget_of(Op op) const {
    for (const OpBudget& b : budgets)
      if (b.op == op && (b.f32.declared() || b.f64.declared())) return &b;
    return nullptr;
  }
};

}  // namespace smx::simd
