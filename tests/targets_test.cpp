// The speed targets (bench/report/targets.hpp) evaluated on hand-made
// runs: met, not met with the distance, not measured with the reason; and
// the quick preset has every benchmark they compare.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "bench/plan.hpp"
#include "bench/probes.hpp"
#include "bench/report/roofline.hpp"
#include "bench/report/targets.hpp"

using namespace smx;

namespace {

using Kind = BenchId::Kind;

BenchResult result(BenchId id, std::vector<double> seconds, std::string error = {}) {
  BenchResult r{bench_name(id), id, seconds, 0, 0, 0, 0, std::move(error), {}};
  if (!r.error.empty()) {
    r.seconds.clear();
    return r;
  }
  std::sort(seconds.begin(), seconds.end());
  r.min = seconds.front(), r.max = seconds.back(), r.median = seconds[seconds.size() / 2];
  return r;
}

BenchId row(const char* impl, std::size_t n, Dtype d = Dtype::f32) { return {Kind::op, d, impl, "normal", n, 0, 0, false}; }
BenchId batched(std::size_t rows, std::size_t n, int threads) {
  return {Kind::op, Dtype::f32, "vectorized", "normal", n, rows, threads, false};
}
BenchId op_row(const char* impl, Op op, std::size_t n, std::size_t rows = 0, int threads = 0) {
  return {Kind::op, Dtype::f32, impl, "normal", n, rows, threads, false, op};
}

// The check of target `label` whose comparison names `name`.
const TargetCheck* check_of(const std::vector<TargetCheck>& checks, std::string_view label, const std::string& name) {
  for (const TargetCheck& c : checks)
    if (c.target->label == label && c.compared.find(name) != std::string::npos) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("targets: each comparison met, not met with the distance, or not measured with the reason", "[report]") {
  BenchResults run;
  run.levels = {{"L1", 32768, 0}, {"L2", 1 << 20, 0}, {"L3", 32 << 20, 0}, {"DRAM", 0, 0}};
  run.results = {
      result(row("vectorized", 1024), {0.9e-6, 1.0e-6, 1.1e-6}),
      result(row("peer.onednn", 1024), {3.5e-6}),
      result(row("peer.torch", 1024), {2.0e-6}),
      result({Kind::exp, Dtype::f32, "", "", 1024, 0, 0, false}, {0.7e-6}),
      result(row("accurate", 1024), {1.5e-6}),
      result(row("vectorized", 32000), {10e-6}),
      result(row("peer.onednn", 32000), {}, "breaks its declaration: max ulp 9 > 4"),
      result(row("peer.torch", 32000), {40e-6}),
      result({Kind::exp, Dtype::f32, "", "", 32000, 0, 0, false}, {8e-6}),
      result(row("vectorized", 16777216), {9e-3}),
      result(row("peer.onednn", 16777216), {20e-3}),
      result({Kind::copy, Dtype::f32, "", "", 268435456, 0, 0, false}, {268435456 / 24e9}),  // DRAM: 24 GB/s
      result(batched(64, 32000, 1), {2e-3}),
      result(batched(64, 32000, 2), {1.2e-3}),
      result(batched(512, 1024, 1), {1e-3}),  // 524288 elements: below 1M, not a target
      result(batched(512, 1024, 2), {1e-3}),
      result(op_row("vectorized", Op::log_softmax, 32000), {10e-6}),
      result(op_row("peer.torch", Op::log_softmax, 32000), {25e-6}),
      result(op_row("peer.onednn", Op::log_softmax, 32000), {12e-6}),
      result(op_row("peer.torch", Op::log_softmax, 128256), {100e-6}),  // vectorized's is not in the run
      result(op_row("vectorized", Op::cross_entropy, 128256, 64, 1), {20e-3}),
      result(op_row("peer.torch", Op::cross_entropy, 128256, 64, 1), {30e-3}),
      result(op_row("peer.torch", Op::cross_entropy, 128256), {1e-3}),  // one row: not the target's batch
  };
  const std::vector<TargetCheck> checks = evaluate_targets(run, roofline_from(run));

  struct Row {
    std::string_view label;
    std::string name;  // a benchmark the check compares
    std::string verdict;
  };
  const Row table[] = {
      {"(a) in cache, vs oneDNN", "peer.onednn/normal/n:1024`", "met"},  // 3.5×, 3.18× at the slowest
      {"(a) in cache, vs oneDNN", "peer.onednn/normal/n:32000`",
       "not measured: `softmax/f32/peer.onednn/normal/n:32000` was skipped: breaks its declaration: max ulp 9 > 4"},
      {"(a) in cache, vs oneDNN", "n:128256`", "not measured: no `softmax/f32/vectorized/normal/n:128256` in this run"},
      {"(a) in cache, vs PyTorch", "peer.torch/normal/n:1024`", "not met: 0.67 of the way"},  // 2.0× of 3×
      {"(a) in cache, vs PyTorch", "peer.torch/normal/n:32000`", "met"},
      {"(b) in cache, of the exp-only probe", "probe/exp/f32/n:1024`",
       "not met: 0.93 of the way (the fastest repetitions give 0.78×)"},  // 0.70 of 0.75
      {"(b) in cache, of the exp-only probe", "probe/exp/f32/n:32000`", "met"},
      {"(c) out of cache, of the memory roof", "probe/copy/268435456", "met"},  // 8.39 ms roof / 9 ms = 0.93
      {"(c) out of cache, vs oneDNN", "peer.onednn/normal/n:16777216`", "met"},
      {"(d) batched, 2 threads over 1", "rows:64/n:32000/threads:2", "not met: 0.93 of the way"},  // 1.67× of 1.8×
      {"(e) f64 in cache, vs PyTorch", "n:1024`", "not measured: no `softmax/f64/vectorized/normal/n:1024` in this run"},
      {"(f) accurate, in cache, vs oneDNN", "peer.onednn/normal/n:1024`", "met"},  // 2.33×
      {"(f) accurate, in cache, vs oneDNN", "peer.onednn/normal/n:32000`",
       "not measured: no `softmax/f32/accurate/normal/n:32000` in this run"},
      {"(g) log_softmax in cache, vs PyTorch", "log_softmax/f32/peer.torch/normal/n:32000`", "met"},  // 2.5×
      {"(g) log_softmax in cache, vs oneDNN", "log_softmax/f32/peer.onednn/normal/n:32000`", "not met: 0.80 of the way"},
      {"(h) cross-entropy forward + gradient, 64 × 128256, vs PyTorch",
       "cross_entropy/f32/peer.torch/normal/rows:64/n:128256/threads:1`", "not met: 0.75 of the way"},
  };
  for (const Row& t : table) {
    CAPTURE(t.label, t.name);
    const TargetCheck* c = check_of(checks, t.label, t.name);
    REQUIRE(c);
    CHECK(verdict_text(*c) == t.verdict);
  }
  CHECK(check_of(checks, "(c) out of cache, of the memory roof", "n:16777216")->ratio.value() ==
        Approx(3.0 * 4 * 16777216 / 24e9 / 9e-3));
  CHECK_FALSE(check_of(checks, "(d) batched, 2 threads over 1", "rows:512"));
  // An implementation absent from the run: not measured, whatever the other side did (the reason may add
  // that this build has no such kernel).
  CHECK(verdict_text(*check_of(checks, "(g) log_softmax in cache, vs PyTorch", "n:128256`"))
            .starts_with("not measured: no `log_softmax/f32/vectorized/normal/n:128256` in this run"));
  // 3 sizes for each in-cache softmax target, 1 for each out-of-cache one, 1 batched shape; 2 sizes for each
  // log_softmax target, 1 batch for cross-entropy.
  CHECK(checks.size() == 23);
  CHECK(targets_summary(checks) == "7 met, 5 not met, 11 not measured");

  std::ostringstream md;
  targets_section(md, checks);
  for (const SpeedTarget& t : speed_targets()) CHECK(md.str().find(std::string(t.label)) != std::string::npos);
  CHECK(md.str().find("| 2.00× (1.82× – 2.22×) | ≥ 3× | not met: 0.67 of the way |") != std::string::npos);
}

TEST_CASE("targets: a run without them lists every target as not measured, none dropped", "[report]") {
  BenchResults run;
  run.levels = {{"L1", 32768, 0}, {"DRAM", 0, 0}};
  const std::vector<TargetCheck> checks = evaluate_targets(run, roofline_from(run));
  std::size_t expected = 0;
  for (const SpeedTarget& t : speed_targets()) expected += t.measure == SpeedTarget::Measure::thread_scaling ? 1 : t.sizes.size();
  CHECK(checks.size() == expected);
  for (const TargetCheck& c : checks) {
    CAPTURE(c.target->label, c.compared);
    CHECK_FALSE(c.measured());
    CHECK(verdict_text(c).starts_with("not measured: no "));
  }
  CHECK(verdict_text(*check_of(checks, "(c) out of cache, of the memory roof", "")) ==
        "not measured: no `softmax/f32/vectorized/normal/n:16777216` in this run");
  CHECK(verdict_text(*check_of(checks, "(d) batched, 2 threads over 1", "")) ==
        "not measured: no batched `vectorized` shape of at least 1000000 elements at 2 threads in this run");
}

TEST_CASE("targets: the quick preset times every benchmark the targets compare", "[report][bench]") {
  BenchResults run;
  run.levels = memory_levels();
  for (const BenchCase& c : bench_plan({.preset = Preset::quick})) run.results.push_back(result(c.id, {1e-3}));
  const std::vector<TargetCheck> checks = evaluate_targets(run, roofline_from(run));
  for (const TargetCheck& c : checks) {
    CAPTURE(c.target->label, c.compared);
    const auto timed_here = [&](std::string_view name) {  // a peer not built here; a kernel not written yet
      const Impl* impl = find(name);
      return name.empty() || (impl && impl->available() && impl->provides(c.target->op, c.target->dtype));
    };
    if (!timed_here(c.target->impl) || !timed_here(c.target->versus)) {
      CHECK_FALSE(c.measured());  // so never met
      continue;
    }
    CHECK(c.measured());
  }
}
