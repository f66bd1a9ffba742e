// The speed targets as one table of data, and their evaluation against
// a benchmark run: for each, the benchmarks compared, the measured ratio (at
// the medians, with the range the repetitions allow), the goal, and met / not
// met with the distance, or "not measured" with the reason (a peer not built,
// a size outside the run's preset or filter): never silently dropped.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench/report/bench_results.hpp"
#include "bench/report/roofline.hpp"

namespace smx {

struct SpeedTarget {
  enum class Measure {
    vs_impl,         // throughput over `versus`'s on the same benchmark input
    vs_exp_probe,    // throughput over the exp-only probe's at the same n
    vs_memory_roof,  // throughput over 2 reads + 1 write per element at the copy bandwidth of the row's level
    thread_scaling,  // batched: 2-thread throughput over its own 1-thread throughput
  };
  std::string_view label;  // "(a) in cache, vs oneDNN"
  Measure measure;
  Dtype dtype;
  std::string_view impl;    // the subject
  std::string_view versus;  // vs_impl: the other implementation
  std::span<const std::size_t> sizes;  // single rows: the n; thread_scaling: the least elements of a shape
  double goal;                         // the ratio must be at least this
  Op op = Op::softmax;                 // the operation both sides run
  std::size_t rows = 0;                // > 0: batches of rows x n at `threads` (vs_impl)
  int threads = 0;
};

// The targets: (a) to (f) for softmax, (g) and (h) for log_softmax and cross-entropy.
std::span<const SpeedTarget> speed_targets();

// One comparison of a target: one n, or one batched shape.
struct TargetCheck {
  const SpeedTarget* target = nullptr;
  std::string compared;  // the benchmark names, "`a` / `b`"
  std::optional<double> ratio, low, high;  // at the medians; the range from the repetitions' min and max
  std::string missing;   // not measured: why

  bool measured() const { return ratio.has_value(); }
  bool met() const { return ratio && *ratio >= target->goal; }
};

std::vector<TargetCheck> evaluate_targets(const BenchResults& results, const Roofline& roofline,
                                          std::span<const SpeedTarget> targets = speed_targets());

// "met", "not met: 0.42 of the way", "not measured: no result for `...`"
// (with a note when the repetitions' range crosses the goal).
std::string verdict_text(const TargetCheck& check);

// "5 met, 3 not met, 2 not measured"
std::string targets_summary(const std::vector<TargetCheck>& checks);

// The report's "Targets" section.
void targets_section(std::ostream& out, const std::vector<TargetCheck>& checks);

}  // namespace smx
