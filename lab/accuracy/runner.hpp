// Runs an accuracy grid over all cores: the reference is computed once per
// input and shared by every implementation; results are merged in a fixed
// order, so the same grid gives the same numbers byte for byte.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "lab/accuracy/grid.hpp"
#include "lab/accuracy/op_record.hpp"
#include "lab/accuracy/record.hpp"

namespace smx {

struct AccuracyRun {
  std::vector<AccuracyRecord> records;  // softmax, grid order: dtype, family, n, impl
  std::vector<OpAccuracyRecord> op_records;  // the other operations: op, dtype, family, n, target, impl
  double reference_seconds = 0;         // CPU time spent in the reference
};

// The implementations of a run, in the order they were measured (grid order).
std::vector<std::string> impl_names(const AccuracyRun& run);

// progress(done, total) is called from the calling thread as work completes.
AccuracyRun run_accuracy(const AccuracyGrid& grid, unsigned threads,
                         const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace smx
