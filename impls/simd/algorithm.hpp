// What the registry says about a SIMD algorithm (impls/simd/<id>.hpp), from
// which impls/simd/entries.cpp builds its dispatching entry and one entry per
// ISA target. Constant data only: the ISA translation units include it too.
#pragma once

#include <string_view>

#include "impls/registry.hpp"

namespace smx::simd {

// A path described in full rather than as "<path_summary>, <ISA label> path".
struct PathSummary {
  std::string_view isa;  // an ISA target's name (isa_targets.hpp)
  std::string_view text;
};

// The softmax budget of every path and of the dispatcher, per element type.
struct AlgorithmBudget {
  UlpBudget f32, f64;
};

struct AlgorithmData {
  std::string_view name;          // the dispatching entry's; paths are "<name>.<isa>"
  std::string_view summary;       // the dispatching entry's line in `softmax-lab list`
  std::string_view path_summary;  // a path's line, before ", <ISA label> path"
  AlgorithmBudget budget;         // every path's and the dispatcher's
  PathSummary own_summaries[4] = {};
};

}  // namespace smx::simd
