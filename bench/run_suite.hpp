// `softmax-lab bench` without the command line: the preset's Google
// Benchmark flags, then the user's (--benchmark_* pass through, later ones
// win), the suite's context in the JSON, console output to `out`, and the
// JSON written to a temporary file renamed over the target only when the
// run completes.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "bench/plan.hpp"
#include "bench/selection.hpp"

namespace smx {

struct BenchRunOptions {
  Preset preset = Preset::full;
  BenchSelection selection;        // the preset's benchmarks that are registered at all
  std::vector<std::string> flags;  // --benchmark_*; a --benchmark_out=FILE of the user's replaces `json`
  std::filesystem::path json;      // empty: no JSON file of ours
};

struct BenchRunResult {
  std::size_t benchmarks = 0;  // matched by the filter
  std::size_t skipped = 0;     // failed verification (skipped with an error)
  bool listed = false;         // --benchmark_list_tests: nothing ran
  std::filesystem::path wrote;  // the JSON written by us, or empty
  double wall_seconds = 0;
};

// The last value given to --<name> among flags (a bare --name is ""), as
// Google Benchmark reads it; nullopt when not given.
std::optional<std::string> flag_value(const std::vector<std::string>& flags, std::string_view name);

// The preset's defaults, as flags (repetitions, minimum time, random interleaving, ...).
std::vector<std::string> preset_flags(Preset preset);

// Throws std::invalid_argument for a flag Google Benchmark does not know,
// a filter it cannot compile and a selection or filter that matches no benchmark; std::runtime_error when the
// JSON cannot be written.
BenchRunResult run_benchmarks(const BenchRunOptions& options, std::ostream& out);

}  // namespace smx
