// What one output row shows against the reference, whoever produced it: every
// number of the accuracy report that depends on the input, the output and the
// reference only, not on the implementation's declaration. Implementations
// whose outputs are byte-identical on an input share these.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lab/accuracy/record.hpp"
#include "lab/accuracy/ulp_histogram.hpp"
#include "lab/contract_check.hpp"
#include "reference/metrics.hpp"

namespace smx {

struct OutputStats {
  metrics::RowMetrics metrics;  // finite rows only (special rows: all zero)
  std::string produces;         // special_outcome
  double mean_sum = 0;          // sum of ulp errors
  std::uint64_t outputs = 0, flushed = 0;
  double kl = 0;
  WorstElement worst_normal, worst_subnormal;
  UlpHistogram histogram;
};

// row_class: classify(x); errors: scratch space, resized to x.size().
template <class T>
OutputStats output_stats(std::uint64_t seed, RowClass row_class, std::span<const T> x, std::span<const T> y,
                         const Expected<T>& ref, std::vector<double>& errors);

}  // namespace smx
