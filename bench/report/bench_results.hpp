// A benchmark run as the report sees it: the context and, per benchmark, the
// time of every repetition with its median, spread and CV, or the error it
// was skipped with. Read from Google Benchmark's JSON (`softmax-lab bench`).
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench_name.hpp"
#include "impls/role.hpp"
#include "bench/probes.hpp"

namespace smx {

struct BenchResult {
  std::string name;
  BenchId id;
  // Per iteration, one per repetition: cpu_time for one-thread benchmarks
  // (single rows, probes), real_time for batched rows (workers included).
  std::vector<double> seconds;
  double median = 0, min = 0, max = 0, cv = 0;  // of seconds; cv = stddev / mean
  std::string error;  // skipped: the verification failure
  std::string label;  // e.g. "outside its declared domain: not verified"

  bool ok() const { return error.empty() && !seconds.empty(); }
  // Elements per second at the median time.
  double throughput() const { return median > 0 ? static_cast<double>(id.elements()) / median : 0; }
};

struct BenchResults {
  std::map<std::string, std::string> context;  // every context entry, as text
  std::map<std::string, Role> roles;           // from the context's "role: <name>" entries
  bool cpu_scaling = false;                    // Google Benchmark: CPU frequency scaling enabled
  bool debug_library = false;                  // Google Benchmark built as debug
  std::vector<MemoryLevel> levels;             // capacities the run classified sizes with
  std::vector<BenchResult> results;            // ours only (names parse_bench_name reads), in file order

  const BenchResult* find(const BenchId& id) const;
  // The run's role for an implementation; for files without roles, the
  // registry's; nullopt for a name neither knows.
  std::optional<Role> role_of(const std::string& impl) const;
};

// The implementations with results, in registry order (unknown names last, sorted).
std::vector<std::string> impl_names(const BenchResults& results);

// "812 ns", "3.41 µs", "2.05 ms": a duration with 3 significant digits.
std::string duration_text(double seconds);

// Throws BenchJsonError (one line) for unreadable or malformed input.
BenchResults read_bench_results(const std::filesystem::path& path);
BenchResults bench_results_from(const nlohmann::json& j);

}  // namespace smx
