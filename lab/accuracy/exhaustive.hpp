// The exhaustive sweep: softmax([0, x]) for every float x in [-104, 0]
// (about 1.1e9 values) per implementation. The second output is the
// implementation's exp(x) / (1 + exp(x)), so this exposes its exp: any place
// where the output decreases while x grows is an order violation, and the
// max ulp is taken against the correctly rounded value.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "impls/registry.hpp"

namespace smx {

struct ExhaustiveResult {
  std::string impl;
  std::uint64_t values = 0;
  std::uint64_t order_violations = 0;   // x < x' but y(x) > y(x')  (adjacent floats)
  double max_ulp = 0;                   // second output, against the exact value
  float worst_x = 0;
  double seconds = 0;
};

// [lo, hi] as floats; progress(done, total) in values, from the calling thread.
std::vector<ExhaustiveResult> run_exhaustive(const std::vector<const Impl*>& impls, unsigned threads,
                                             float lo = -104.0f, float hi = 0.0f,
                                             const std::function<void(std::uint64_t, std::uint64_t)>& progress = {});

}  // namespace smx
