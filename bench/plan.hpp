// Which benchmarks exist: every available implementation x each operation it
// provides x dtype x family x n, the batched shapes at 1 and 2 threads, and
// the roofline probes, for the full preset or the quick one (a representative
// subset within about 3 minutes).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "impls/registry.hpp"
#include "bench/bench_name.hpp"

namespace smx {

enum class Preset { quick, full };
std::string_view to_string(Preset);

struct BenchCase {
  BenchId id;                       // what the benchmark is called
  const Impl* impl = nullptr;       // an operation's benchmarks (not the probes)
  std::string_view input_family;    // lab/families.hpp name of the values ("normal-1")
  std::size_t n = 0, rows = 0;      // the sizes run: id.n and id.rows unless capped
};

struct PlanOptions {
  Preset preset = Preset::full;
  // > 0: every benchmark's data is capped at this many elements (rows x n;
  // copy probes at 8 bytes per element). Names stay those of the preset, so a
  // test can run the whole registration list in seconds.
  std::size_t max_elements = 0;
  std::span<const Impl> impls = all_impls();  // tests pass a fake implementation
};

std::vector<BenchCase> bench_plan(const PlanOptions& options);

// The benchmark families ("normal", "wide", "masked", "offset") and the
// input family (lab/families.hpp) each one draws its values from.
struct BenchFamily {
  std::string_view name, input_family;
};
std::span<const BenchFamily> bench_families();

// Batched shapes of each operation and thread counts of the full preset.
struct BatchShape {
  std::size_t rows, cols;
};
std::span<const BatchShape> batch_shapes(Op op = Op::softmax);
std::span<const int> batch_threads();

}  // namespace smx
