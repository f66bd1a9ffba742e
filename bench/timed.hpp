// What each benchmark times: its operation's kernel (bench/op_call.hpp) on
// its cached operands, after verification, with items/s and bytes/s
// (bench/traffic.hpp) counters per second of the timed
// loop: CPU seconds of the thread for one-thread benchmarks (cpu_time),
// wall-clock seconds for batched ones (real_time, so workers count).
#pragma once

#include <benchmark/benchmark.h>

#include "bench/inputs.hpp"
#include "bench/plan.hpp"
#include "bench/traffic.hpp"
#include "bench/verify.hpp"

namespace smx {

// Minimum memory traffic a softmax can have out of cache, per element
// (bench/traffic.hpp): the roofline's bound.
constexpr double softmax_accesses_per_element = accesses_per_element(Op::softmax);

struct BenchData {
  InputCache& inputs;
  Verifier& verifier;
};

void time_case(benchmark::State& state, const BenchCase& c, BenchData& data);

}  // namespace smx
