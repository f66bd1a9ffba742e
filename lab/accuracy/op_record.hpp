// One line of the accuracy report for an operation beyond softmax: an
// implementation's cell on one (operation, dtype, family, target rule, n),
// aggregated over the seeds, each part of the output (loss, gradient target,
// the rest) measured apart. The JSON schema (README "accuracy.json",
// op_records) is these fields.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "impls/registry.hpp"
#include "lab/accuracy/record.hpp"
#include "lab/ops/op_check.hpp"

namespace smx {

struct PartRecord {
  OpPart part = OpPart::value;
  std::uint64_t count = 0, not_cr = 0, nonfinite = 0;
  double max_ulp = 0;  // over outputs whose reference is finite
  double max_abs = 0;  // in units of u times the part's scale (op_check.hpp)
  WorstElement worst;  // where max_ulp was
};

struct OpAccuracyRecord {
  std::string impl;
  Op op = Op::log_softmax;
  double temperature = 1;  // softmax, log_softmax of x / temperature
  Dtype dtype = Dtype::f32;
  std::string family;
  std::string target;  // cross_entropy: the target rule (argmax, random, argmin); else empty
  std::size_t n = 0;
  std::size_t rows = 0;
  std::vector<PartRecord> parts;  // parts_of(op), in that order
  std::uint64_t order_violations = 0;
  bool special = false;  // a special input row (NaN, +inf, all -inf)
  bool policy_ok = true;
  bool budget_applies = true;
  double budget = INFINITY;  // declared max ulp at this n (inf: none)
  std::string verdict;       // "pass", "fail" or "no claim"
  std::string failure;

  const PartRecord* part(OpPart p) const {
    for (const PartRecord& r : parts)
      if (r.part == p) return &r;
    return nullptr;
  }
};

}  // namespace smx
