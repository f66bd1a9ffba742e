// The bound each softmax result is measured against, from the run's own
// probes: max(exp-only time at that n, minimum traffic / copy bandwidth),
// the minimum traffic being 2 reads + 1 write per element, at the bandwidth
// the copy probe measured in the level of the memory hierarchy that holds
// the softmax's working set (input + output, 2n elements).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "bench/report/bench_results.hpp"

namespace smx {

struct Roofline {
  std::vector<MemoryLevel> levels;
  std::map<std::string, double> copy_bandwidth;          // level name -> bytes (read + written) per second, median
  std::map<std::pair<Dtype, std::size_t>, double> exp_seconds;  // (dtype, n) -> exp-only probe, median

  const MemoryLevel& level_of_row(Dtype d, std::size_t n) const;  // where 2n elements fit
  // Seconds 2 reads + 1 write per element of one row of n take at the copy
  // bandwidth of the level the row lives in; nullopt without that probe.
  std::optional<double> memory_seconds(Dtype d, std::size_t n) const;
  // Seconds the bound allows one row of n; nullopt without the probes to say.
  std::optional<double> bound_seconds(Dtype d, std::size_t n) const;
  // Which term binds: "exp" or "memory (L2)".
  std::string binding(Dtype d, std::size_t n) const;
};

Roofline roofline_from(const BenchResults& results);

std::size_t element_bytes(Dtype d);

}  // namespace smx
