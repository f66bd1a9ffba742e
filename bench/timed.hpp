// What each benchmark times: its kernel on its cached input, after
// verification, with items/s and bytes/s counters per second of the timed
// loop: CPU seconds of the thread for one-thread benchmarks (cpu_time),
// wall-clock seconds for batched ones (real_time, so workers count).
#pragma once

#include <benchmark/benchmark.h>

#include "bench/inputs.hpp"
#include "bench/plan.hpp"
#include "bench/verify.hpp"

namespace smx {

// Minimum memory traffic a softmax can have out of cache, per element: read
// x twice (max, then exp and sum; or one pass online) and write y once.
constexpr double softmax_accesses_per_element = 3;

struct BenchData {
  InputCache& inputs;
  Verifier& verifier;
};

void time_case(benchmark::State& state, const BenchCase& c, BenchData& data);

}  // namespace smx
