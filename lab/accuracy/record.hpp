// One line of the accuracy report: an implementation on one (dtype, family, n),
// aggregated over the seeds. The JSON schema (README "accuracy.json") is
// these fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "impls/registry.hpp"
#include "lab/accuracy/ulp_histogram.hpp"

namespace smx {

// Where the worst normal (or subnormal) output was.
struct WorstElement {
  std::uint64_t seed = 0;
  std::size_t index = 0;
  std::string x, y, ref;  // exact round-trip text
};

struct AccuracyRecord {
  std::string impl;
  Dtype dtype = Dtype::f32;
  std::string family;
  std::size_t n = 0;
  std::size_t rows = 0;  // seeds run

  double max_ulp_normal = 0, max_ulp_subnormal = 0;
  double p99_ulp = 0, mean_ulp = 0;  // over every output whose reference is finite
  std::uint64_t outputs = 0, not_cr = 0;
  std::uint64_t flushed = 0;         // subnormal-range outputs returned as 0 where RN(r) != 0
  double max_rel = 0, normwise = 0, bound_ratio = 0, sum_error = 0, kl = 0;
  std::uint64_t order_violations = 0, tie_mismatches = 0, nonfinite = 0;
  bool policy_ok = true;   // special values and exact zeros as declared
  bool budget_applies = true;
  double budget = INFINITY;  // declared max ulp at this n (inf: none)
  std::string verdict;     // "pass", "fail" or "no claim"
  std::string failure;     // the first broken clause, when verdict is fail
  std::string produces;    // what the output is, for special rows ("NaN row", "zeros", "limit", ...)
  WorstElement worst_normal, worst_subnormal;
  UlpHistogram histogram;
};

}  // namespace smx
