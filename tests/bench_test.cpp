// The benchmark engine (bench/) and its report model (bench/report/):
// names of every operation, the plan, registration (every benchmark of the
// full preset runs once at a tiny size), verify-before-timing (softmax's and
// the other operations'), the threaded batched adapters, the FTZ/DAZ guard,
// the roofline, the speedup wording and the other operations' tables. No
// timing is checked.
#include <catch2/catch.hpp>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include "impls/batched.hpp"
#include "impls/worker_pool.hpp"
#include "bench/bench_name.hpp"
#include "bench/ftz.hpp"
#include "bench/op_call.hpp"
#include "bench/op_inputs.hpp"
#include "bench/plan.hpp"
#include "bench/register.hpp"
#include "bench/selection.hpp"
#include "bench/verify.hpp"
#include "lab/families.hpp"
#include "bench/report/bench_figures.hpp"
#include "bench/bench_json.hpp"
#include "bench/report/bench_markdown.hpp"
#include "bench/report/bench_results.hpp"
#include "bench/report/roofline.hpp"
#include "tests/support.hpp"

using namespace smx;

namespace {

using Kind = BenchId::Kind;

// Collects what Google Benchmark reports, prints nothing.
class Collector : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      ran.insert(r.run_name.function_name);
      if (r.error_occurred) errors[r.run_name.function_name] = r.error_message;
      else counters[r.run_name.function_name] = r.counters;
    }
  }
  std::set<std::string> ran;
  std::map<std::string, std::string> errors;
  std::map<std::string, benchmark::UserCounters> counters;
};

// Registers the plan in single-iteration mode, runs all of it, clears the registry.
Collector run_plan(std::vector<BenchCase> plan) {
  BenchSuite suite(std::move(plan), [](const std::string&) { return true; },
                   {.single_iteration = true, .input_budget = std::size_t{64} << 20});
  suite.register_all();
  Collector c;
  benchmark::RunSpecifiedBenchmarks(&c, ".");
  benchmark::ClearRegisteredBenchmarks();
  return c;
}

// A kernel that writes 1/n everywhere: right only for equal logits. Counts its calls.
std::atomic<int> uniform_calls{0};
template <class T>
void uniform(const T*, T* y, std::size_t n) {
  ++uniform_calls;
  for (std::size_t i = 0; i < n; ++i) y[i] = T(1) / static_cast<T>(n);
}

// A test entry with softmax kernels (nullptr: not provided) and their budgets.
Impl fake(std::string_view name, row_fn<float> f32, row_fn<double> f64, UlpBudget b32, UlpBudget b64 = {}) {
  Impl impl{.name = name, .summary = "test double", .role = Role::test, .kernels = {}};
  if (f32) impl.kernels.push_back(cell<Op::softmax>(f32, b32));
  if (f64) impl.kernels.push_back(cell<Op::softmax>(f64, b64));
  return impl;
}

}  // namespace

TEST_CASE("bench: names read back into what they were made from", "[bench]") {
  const std::vector<BenchId> ids = {
      {Kind::op, Dtype::f32, "stable", "normal", 32000, 0, 0, false},
      {Kind::op, Dtype::f64, "vectorized.avx512", "wide", 4096, 0, 0, true},
      {Kind::op, Dtype::f32, "naive", "normal", 32000, 64, 2, false},
      {Kind::copy, Dtype::f32, "", "", 16384, 0, 0, false},
      {Kind::exp, Dtype::f64, "", "", 67108864, 0, 0, false},
  };
  const std::vector<std::string> names = {"softmax/f32/stable/normal/n:32000", "softmax/f64/vectorized.avx512/wide/n:4096/ftz",
                                          "softmax/f32/naive/normal/rows:64/n:32000/threads:2", "probe/copy/16384",
                                          "probe/exp/f64/n:67108864"};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    CAPTURE(names[i]);
    CHECK(bench_name(ids[i]) == names[i]);
    const auto back = parse_bench_name(names[i]);
    REQUIRE(back);
    CHECK(*back == ids[i]);
  }
  for (const char* bad : {"", "softmax", "softmax/f8/stable/normal/n:4", "softmax/f32/stable/normal/n:4x",
                          "softmax/f32/stable/normal/n:4/bogus", "probe/copy/12k", "probe/exp/f32/4", "BM_memcpy/8"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_bench_name(bad));
  }
}

TEST_CASE("bench: every operation's names read back, the operation first; an unknown one is not ours", "[bench]") {
  for (const OpInfo& op : op_table) {
    const std::string o(op.name);
    const std::vector<std::pair<BenchId, std::string>> cases = {
        {{Kind::op, Dtype::f32, "peer.torch", "normal", 128256, 0, 0, false, op.op}, o + "/f32/peer.torch/normal/n:128256"},
        {{Kind::op, Dtype::f64, "stable", "wide", 4096, 0, 0, true, op.op}, o + "/f64/stable/wide/n:4096/ftz"},
        {{Kind::op, Dtype::f32, "stable", "normal", 128256, 64, 1, false, op.op},
         o + "/f32/stable/normal/rows:64/n:128256/threads:1"},
    };
    for (const auto& [id, name] : cases) {
      CAPTURE(name);
      CHECK(bench_name(id) == name);
      const auto back = parse_bench_name(name);
      REQUIRE(back);
      CHECK(*back == id);
      CHECK(back->of(op.op));
    }
  }
  for (const char* bad : {"logsoftmax/f32/stable/normal/n:4", "Softmax/f32/stable/normal/n:4", "cross_entropy/f32/stable/normal",
                          "probe/f32/stable/normal/n:4"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_bench_name(bad));
  }
}

TEST_CASE("bench: the full plan has every implementation, dtype, family and size; quick is a subset", "[bench]") {
  const std::vector<BenchCase> full = bench_plan({.preset = Preset::full});
  const std::vector<BenchCase> quick = bench_plan({.preset = Preset::quick});
  std::set<std::string> full_names, quick_names;
  for (const BenchCase& c : full) CHECK(full_names.insert(bench_name(c.id)).second);  // no duplicates
  for (const BenchCase& c : quick) quick_names.insert(bench_name(c.id));
  CHECK(std::includes(full_names.begin(), full_names.end(), quick_names.begin(), quick_names.end()));
  CHECK(quick_names.size() < full_names.size() / 4);

  const std::size_t sizes[] = {16,     64,     256,    1000,   1024,    4096,    16384,    32000,   50257,
                               65536,  128256, 151936, 262144, 1048576, 4194304, 16777216, 67108864};
  std::size_t missing = 0;  // one line per implementation and operation that lacks a benchmark, not thousands
  for (const Impl& impl : all_impls()) {
    for (const OpInfo& op : op_table)
      for (const Dtype d : {Dtype::f32, Dtype::f64}) {
        if (!impl.available() || !impl.provides(op.op, d)) continue;
        CAPTURE(impl.name, op.name, to_string(d));
        std::vector<BenchId> ids;
        for (const BenchFamily& f : bench_families())
          for (const std::size_t n : sizes) {
            ids.push_back({Kind::op, d, std::string(impl.name), std::string(f.name), n, 0, 0, false, op.op});
            if (f.name == "wide") ids.push_back({Kind::op, d, std::string(impl.name), "wide", n, 0, 0, true, op.op});
          }
        for (const BatchShape& s : batch_shapes(op.op))
          for (const int t : batch_threads())
            ids.push_back({Kind::op, d, std::string(impl.name), "normal", s.cols, s.rows, t, false, op.op});
        const auto absent = std::count_if(ids.begin(), ids.end(), [&](const BenchId& id) { return !full_names.count(bench_name(id)); });
        CHECK(absent == 0);
        missing += static_cast<std::size_t>(absent);
      }
  }
  CHECK(missing == 0);
  // Softmax's batched shapes are as they were; the others add the cross-entropy target's 64 x 128256.
  CHECK(batch_shapes().size() == 3);
  CHECK(std::count_if(batch_shapes(Op::cross_entropy).begin(), batch_shapes(Op::cross_entropy).end(),
                      [](const BatchShape& s) { return s.rows == 64 && s.cols == 128256; }) == 1);
  std::size_t copies = 0, exps = 0;
  for (const BenchCase& c : full) {
    copies += c.id.kind == Kind::copy;
    exps += c.id.kind == Kind::exp;
    if (c.id.kind == Kind::op) CHECK(find_family(c.input_family) != nullptr);
  }
  CHECK(copies == 4);  // L1, L2, L3, DRAM
  CHECK(exps == 2 * std::size(sizes));
}

TEST_CASE("bench: the quick plan times the speed targets' sizes; 2^24 only for the kernels' entries and the peers", "[bench]") {
  std::set<std::string> quick;
  for (const BenchCase& c : bench_plan({.preset = Preset::quick})) quick.insert(bench_name(c.id));
  const auto has = [&](const Impl& impl, Dtype d, std::size_t n) {
    return quick.count(bench_name({Kind::op, d, std::string(impl.name), "normal", n, 0, 0, false})) > 0;
  };
  struct Row {
    std::string_view impl;
    bool in_cache_f64, out_of_cache;
  };
  const Row table[] = {
      {"vectorized", true, true},           {"accurate", true, true},   {"twopass", true, true},
      {"online", true, true},               {"peer.torch", true, true}, {"peer.onednn", false, true},
      {"vectorized.avx512", true, false},  // an ISA path: 2^22 is its out-of-cache size
      {"stable", true, false},
  };
  for (const Row& t : table) {
    const Impl* impl = find(t.impl);
    REQUIRE(impl);
    if (!impl->available()) continue;  // a peer not built, a CPU without AVX-512
    CAPTURE(t.impl);
    for (const std::size_t n : {1024, 32000, 128256}) {
      CHECK(has(*impl, Dtype::f32, n));
      if (t.in_cache_f64) CHECK(has(*impl, Dtype::f64, n));
    }
    CHECK(has(*impl, Dtype::f32, 4194304));
    CHECK(has(*impl, Dtype::f32, 16777216) == t.out_of_cache);
    CHECK_FALSE(has(*impl, Dtype::f64, 16777216));
  }
  for (const std::size_t n : {1024, 32000, 128256, 16777216})
    CHECK(quick.count(bench_name({Kind::exp, Dtype::f32, "", "", n, 0, 0, false})));
  CHECK(quick.count(bench_name({Kind::op, Dtype::f32, "vectorized", "normal", 32000, 64, 1, false})));  // 2M elements
  CHECK(quick.count(bench_name({Kind::op, Dtype::f32, "vectorized", "normal", 32000, 64, 2, false})));
  CHECK(quick.count(bench_name({Kind::copy, Dtype::f32, "", "", memory_levels().back().copy_bytes, 0, 0, false})));
}

TEST_CASE("bench: the quick plan has a small share of the other operations: f32 normal rows at 32000 and 128256, one batch", "[bench]") {
  std::set<std::string> quick;
  std::size_t others = 0;
  for (const BenchCase& c : bench_plan({.preset = Preset::quick})) {
    quick.insert(bench_name(c.id));
    if (c.id.kind != Kind::op || c.id.op == Op::softmax) continue;
    ++others;
    CAPTURE(bench_name(c.id));
    CHECK(c.id.dtype == Dtype::f32);
    CHECK(c.id.family == "normal");
    if (c.id.rows) CHECK((c.id.op == Op::cross_entropy && c.id.rows == 64 && c.id.n == 128256 && c.id.threads == 1));
    else CHECK((c.id.n == 32000 || c.id.n == 128256));
  }
  // The roles that have them: the suite's kernels and the peers; textbook entries and ISA paths in the full
  // preset only. Counted from the registry, so cells added later are expected here with no change.
  const std::pair<Role, bool> roles[] = {{Role::textbook, false}, {Role::kernel, true}, {Role::isa_path, false},
                                         {Role::peer, true},      {Role::plugin, true}, {Role::external, false}};
  std::size_t expected = 0;
  for (const Impl& impl : all_impls())
    for (const OpInfo& op : op_table) {
      if (op.op == Op::softmax || !impl.available() || !impl.provides(op.op, Dtype::f32)) continue;
      const auto role = std::find_if(std::begin(roles), std::end(roles), [&](const auto& r) { return r.first == impl.role; });
      REQUIRE(role != std::end(roles));
      CAPTURE(impl.name, op.name);
      const BenchId row{Kind::op, Dtype::f32, std::string(impl.name), "normal", 128256, 0, 0, false, op.op};
      BenchId batch = row;
      batch.rows = 64, batch.threads = 1;
      CHECK(quick.count(bench_name(row)) == (role->second ? 1u : 0u));
      CHECK(quick.count(bench_name(batch)) == (role->second && op.op == Op::cross_entropy ? 1u : 0u));
      if (role->second) expected += 2 + (op.op == Op::cross_entropy ? 1 : 0);
    }
  CHECK(others == expected);
  CHECK(others <= 64);  // a few seconds each, verification included: well under a minute of the quick run
  if (const Impl* torch = find("peer.torch"); torch && torch->available()) {
    CHECK(quick.count("log_softmax/f32/peer.torch/normal/n:32000"));
    CHECK(quick.count("cross_entropy/f32/peer.torch/normal/rows:64/n:128256/threads:1"));
    CHECK(quick.count("softmax_backward/f32/peer.torch/normal/n:128256"));
  }
}

TEST_CASE("bench: every benchmark of the full preset runs once at a tiny size", "[bench]") {
  const std::vector<BenchCase> plan = bench_plan({.preset = Preset::full, .max_elements = 64});
  std::set<std::string> names;
  for (const BenchCase& c : plan) {
    names.insert(bench_name(c.id));
    CHECK(c.id.elements() > 0);
    CHECK((c.rows ? c.rows * c.n : c.n) <= (c.id.kind == Kind::copy ? 8 * 64 : 64));
  }
  const Collector c = run_plan(plan);
  CHECK(c.ran == names);
  for (const auto& [name, error] : c.errors) FAIL_CHECK(name << ": " << error);
  for (const auto& [name, counters] : c.counters) {
    CAPTURE(name);
    CHECK(counters.count("bytes_per_second"));
    if (!name.starts_with("probe/copy")) CHECK(counters.count("items_per_second"));
  }
}

TEST_CASE("bench: an implementation that breaks its declaration is skipped, never timed", "[bench]") {
  // uniform() declares 1 ulp; stable's kernel declared correctly rounded (0 ulp) is a broken declaration.
  const Impl& stable = *find("stable");
  const Impl broken = fake("test.uniform", uniform<float>, uniform<double>, {.base = 1}, {.base = 1});
  const Impl overclaimed = fake("test.overclaimed", stable.kernel<Op::softmax, float>(), nullptr, {.base = 0});
  const Impl honest = fake("test.stable", stable.kernel<Op::softmax, float>(), stable.kernel<Op::softmax, double>(),
                           stable.declared(Op::softmax, Dtype::f32).budget, stable.declared(Op::softmax, Dtype::f64).budget);

  SECTION("verify_on, directly") {
    const std::vector<float> x = family<float>("normal-1", 100, 1);
    std::vector<float> y(x.size());
    std::vector<std::pair<std::size_t, Expected<float>>> refs;
    refs.emplace_back(0, expected_softmax<float>(x));
    const Verdict bad = verify_on<float>(broken, x.data(), y.data(), 0, x.size(), 0, refs);
    CHECK_FALSE(bad.ok);
    CHECK(bad.message.starts_with("breaks its declaration: ulp error (normal)"));
    CHECK(bad.message.find('\n') == std::string::npos);
    CHECK_FALSE(verify_on<float>(overclaimed, x.data(), y.data(), 0, x.size(), 0, refs).ok);
    CHECK(verify_on<float>(honest, x.data(), y.data(), 0, x.size(), 0, refs).ok);
    // Batched: rows checked at their own offsets, here on 2 threads.
    const std::vector<float> rows = family<float>("normal-1", 5 * 40, 1);
    std::vector<float> out(rows.size());
    std::vector<std::pair<std::size_t, Expected<float>>> row_refs;
    for (const std::size_t r : verified_rows(5))
      row_refs.emplace_back(r, expected_softmax<float>(std::span<const float>(rows.data() + r * 40, 40)));
    CHECK(verified_rows(5) == std::vector<std::size_t>{0, 2, 4});
    CHECK(verify_on<float>(honest, rows.data(), out.data(), 5, 40, 2, row_refs).ok);
    const Verdict bad_rows = verify_on<float>(broken, rows.data(), out.data(), 5, 40, 2, row_refs);
    CHECK(bad_rows.message.starts_with("breaks its declaration (row 0): "));
  }

  SECTION("through registration: skipped with the message") {
    const Impl impls[] = {broken, honest};
    std::vector<BenchCase> plan;
    for (BenchCase& c : bench_plan({.preset = Preset::quick, .max_elements = 256, .impls = impls}))
      if (c.impl) plan.push_back(std::move(c));
    uniform_calls = 0;
    const Collector c = run_plan(plan);
    std::size_t broken_cases = 0;
    for (const BenchCase& bc : plan) {
      const std::string name = bench_name(bc.id);
      CAPTURE(name);
      const bool is_broken = bc.impl->name == broken.name;
      broken_cases += is_broken;
      CHECK(c.errors.count(name) == (is_broken ? 1u : 0u));
      if (is_broken) CHECK(c.errors.at(name).starts_with("breaks its declaration"));
    }
    REQUIRE(broken_cases > 0);
    // Each input verified once per (implementation, threads), a call per row: the timed loop never ran it.
    std::map<std::tuple<Dtype, std::string_view, std::size_t, std::size_t, int>, int> verifications;
    for (const BenchCase& bc : plan)
      if (bc.impl->name == broken.name)
        verifications[{bc.id.dtype, bc.input_family, bc.rows, bc.n, bc.id.threads}] = bc.rows ? static_cast<int>(bc.rows) : 1;
    int calls = 0;
    for (const auto& [key, rows] : verifications) calls += rows;
    CHECK(uniform_calls == calls);
  }
}

namespace {
// Wrong on purpose, each for one operation: log_softmax as the identity,
// cross-entropy with a NaN loss, the backward pass giving dy back.
template <class T>
void identity(const T* x, T* y, std::size_t n) {
  std::copy(x, x + n, y);
}
template <class T>
T nan_loss(const T*, std::size_t n, std::size_t, T* grad) {
  if (grad) std::fill(grad, grad + n, T(0));
  return std::numeric_limits<T>::quiet_NaN();
}
template <class T>
void dy_as_dx(const T*, const T* dy, T* dx, std::size_t n) {
  std::copy(dy, dy + n, dx);
}
const Op other_ops[] = {Op::log_softmax, Op::cross_entropy, Op::softmax_backward};
}  // namespace

TEST_CASE("bench: a wrong kernel of another operation is skipped with check_op's failure, never timed", "[bench]") {
  // Budgets declared, so that the wrong values break them (a NaN loss breaks any declaration).
  const Impl wrong{.name = "test.wrong_ops", .summary = "test double", .role = Role::test,
                   .kernels = {cell<Op::log_softmax>(identity<float>, {.base = 4}), cell<Op::cross_entropy>(nan_loss<float>),
                               cell<Op::softmax_backward>(dy_as_dx<float>, {.base = 4})}};
  Impl honest = *find("stable");
  honest.name = "test.stable_ops";
  honest.role = Role::test;

  SECTION("verify_op_on, directly: one row and a batch on 2 threads") {
    InputCache cache(std::size_t{64} << 20);
    for (const Op op : other_ops)
      for (const std::size_t rows : {0, 5}) {
        CAPTURE(to_string(op), rows);
        const auto in = op_input<float>(cache, op, "normal-1", rows, 100);
        std::vector<float> y(std::max<std::size_t>(rows, 1) * 100);
        const auto refs = op_references<float>(op, *in, rows, 100);
        CHECK(refs.size() == (rows ? 3u : 1u));
        const Verdict bad = verify_op_on<float>(wrong, op, *in, y.data(), rows, 100, 2, refs);
        CHECK_FALSE(bad.ok);
        CHECK(bad.message.starts_with(rows ? "breaks its declaration (row 0): " : "breaks its declaration: "));
        CHECK(bad.message.find(op == Op::cross_entropy ? "loss" : "y at [") != std::string::npos);
        const Verdict good = verify_op_on<float>(honest, op, *in, y.data(), rows, 100, 2, refs);
        CHECK(good.ok);
        CHECK(good.message.empty());
        if (const Impl* torch = find("peer.torch"); torch && torch->available() && torch->provides(op, Dtype::f32))
          CHECK(verify_op_on<float>(*torch, op, *in, y.data(), rows, 100, 2, refs).ok);  // its own batch kernels
      }
  }

  SECTION("through registration: skipped with the message") {
    const Impl impls[] = {wrong, honest};
    std::vector<BenchCase> plan;
    for (BenchCase& c : bench_plan({.preset = Preset::quick, .max_elements = 256, .impls = impls}))
      if (c.impl && c.id.op != Op::softmax) plan.push_back(std::move(c));
    const Collector c = run_plan(plan);
    std::set<Op> skipped;
    for (const BenchCase& bc : plan) {
      const std::string name = bench_name(bc.id);
      CAPTURE(name);
      const bool is_wrong = bc.impl->name == wrong.name;
      CHECK(c.errors.count(name) == (is_wrong ? 1u : 0u));
      if (is_wrong && c.errors.count(name)) {
        CHECK(c.errors.at(name).starts_with("breaks its declaration"));
        skipped.insert(bc.id.op);
      }
      if (!is_wrong) CHECK(c.counters.at(name).count("items_per_second"));
    }
    CHECK(skipped == std::set<Op>(std::begin(other_ops), std::end(other_ops)));
  }
}

TEST_CASE("batched: every operation's row loop over threads gives the serial rows; cross-entropy the mean loss", "[bench][batched]") {
  const Impl& stable = *find("stable");  // no batch kernels: the row loop
  InputCache cache(std::size_t{16} << 20);
  const std::size_t cols = 33;
  for (const OpInfo& op : op_table)
    for (const std::size_t rows : {1, 3, 7})
      for (const int threads : {1, 2, 3}) {
        CAPTURE(op.name, rows, threads);
        const auto in = op_input<double>(cache, op.op, "normal-1", rows, cols);
        std::vector<double> serial(rows * cols), batched(rows * cols), losses(rows);
        double loss_sum = 0;
        for (std::size_t r = 0; r < rows; ++r) loss_sum += call_op<double>(stable, op.op, in->row(r, cols, serial.data() + r * cols), 1);
        const double loss = call_op<double>(stable, op.op, in->operands(batched.data(), rows, cols, losses.data()), threads);
        CHECK(batched == serial);
        CHECK(loss == Approx(loss_sum / static_cast<double>(rows)));
        if (op.op == Op::cross_entropy) CHECK(loss > 0);
      }
}

TEST_CASE("bench: the filter is read as Google Benchmark reads it", "[bench]") {
  struct Case {
    std::string filter, name;
    bool selected;
  };
  const std::vector<Case> cases = {
      {"", "softmax/f32/stable/normal/n:16", true},
      {"all", "probe/copy/16384", true},
      {"n:16$", "softmax/f32/stable/normal/n:16", true},
      {"n:16$", "softmax/f32/stable/normal/n:16384", false},
      {"-stable", "softmax/f32/stable/normal/n:16", false},
      {"-stable", "softmax/f32/naive/normal/n:16", true},
      {"(naive|eigen)/wide", "softmax/f64/eigen/wide/n:64/ftz", true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.filter, c.name);
    CHECK(filter_selects(c.filter, c.name) == c.selected);
  }
  // Expressions Google Benchmark would refuse to compile are refused up front.
  for (const std::string bad : {"[", "(", "-[", "a{2,1}", "*"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(smx::BenchFilter(bad), std::invalid_argument);
  }
}

TEST_CASE("bench: the shared filters select from the plan; probes only when none is given", "[bench]") {
  const Impl* stable = find("stable");
  const Impl* naive = find("naive");
  struct Case {
    BenchSelection selection;
    std::string name;
    bool kept;
  };
  const std::vector<Case> cases = {
      {{}, "probe/copy/24576", true},
      {{}, "softmax/f64/naive/wide/n:4096", true},
      {{.impls = {stable}}, "softmax/f32/stable/normal/n:1024", true},
      {{.impls = {stable}}, "softmax/f32/naive/normal/n:1024", false},
      {{.impls = {stable}}, "probe/exp/f32/n:1024", false},
      {{.impls = {stable, naive}, .dtypes = {Dtype::f64}}, "softmax/f64/naive/wide/n:4096/ftz", true},
      {{.dtypes = {Dtype::f64}}, "softmax/f32/naive/wide/n:4096", false},
      {{.input_families = {"normal-1"}}, "softmax/f32/naive/normal/n:4096", true},
      {{.input_families = {"normal-1"}}, "softmax/f32/naive/wide/n:4096", false},
      {{.sizes = {1024}}, "softmax/f32/stable/normal/rows:512/n:1024/threads:2", true},
      {{.sizes = {1024}}, "softmax/f32/stable/normal/n:4096", false},
      {{.impls = {stable}}, "log_softmax/f32/stable/normal/n:32000", true},
      {{.sizes = {128256}}, "cross_entropy/f32/stable/normal/rows:64/n:128256/threads:1", true},
      {{.ops = {Op::log_softmax}}, "log_softmax/f32/stable/normal/n:32000", true},
      {{.ops = {Op::log_softmax}}, "softmax/f32/stable/normal/n:32000", false},
      {{.ops = {Op::softmax}}, "probe/exp/f32/n:1024", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const std::optional<BenchId> id = parse_bench_name(c.name);
    REQUIRE(id);
    const BenchFamily* family = nullptr;
    for (const BenchFamily& f : bench_families())
      if (f.name == id->family) family = &f;
    const BenchCase bc{*id, id->impl.empty() ? nullptr : find(id->impl), family ? family->input_family : "", id->n, id->rows};
    CHECK(c.selection.keeps(bc) == c.kept);
  }
}

TEST_CASE("batched: rows split over threads give the serial result, padding untouched", "[bench][batched]") {
  const Impl& stable = *find("stable");
  for (const std::size_t rows : {0, 1, 2, 3, 7, 64}) {
    for (const int threads : {0, 1, 2, 3, 5}) {
      CAPTURE(rows, threads);
      const std::size_t cols = 33, ldx = 35, ldy = 34;
      std::vector<double> x = family<double>("normal-1", std::max<std::size_t>(rows, 1) * ldx, 3);
      std::vector<double> serial(rows * ldy + 1, -7.0), threaded(rows * ldy + 1, -7.0);
      for (std::size_t r = 0; r < rows; ++r) stable.kernel<Op::softmax, double>()(x.data() + r * ldx, serial.data() + r * ldy, cols);
      softmax_batched<double>(stable, x.data(), ldx, threaded.data(), ldy, rows, cols, threads);
      CHECK(threaded == serial);
    }
  }
}

TEST_CASE("worker pool: every index in exactly one chunk, chunks equal and contiguous", "[bench][batched]") {
  for (const std::size_t count : {0, 1, 2, 5, 100, 1001}) {
    for (const unsigned parts : {1u, 2u, 3u, 8u}) {
      CAPTURE(count, parts);
      std::vector<std::atomic<int>> seen(count);
      std::mutex m;
      std::vector<std::pair<std::size_t, std::size_t>> chunks;
      struct Ctx {
        std::vector<std::atomic<int>>* seen;
        std::mutex* m;
        std::vector<std::pair<std::size_t, std::size_t>>* chunks;
      } ctx{&seen, &m, &chunks};
      parallel_chunks(count, parts, [](void* p, std::size_t b, std::size_t e) {
        auto& c = *static_cast<Ctx*>(p);
        for (std::size_t i = b; i < e; ++i) ++(*c.seen)[i];
        std::lock_guard lock(*c.m);
        c.chunks->push_back({b, e});
      }, &ctx);
      for (const auto& s : seen) CHECK(s == 1);
      std::sort(chunks.begin(), chunks.end());
      CHECK(chunks.size() == std::clamp<std::size_t>(parts, 1, std::max<std::size_t>(count, 1)));
      std::size_t lo = count, hi = 0;
      for (const auto& [b, e] : chunks) lo = std::min(lo, e - b), hi = std::max(hi, e - b);
      CHECK(hi - lo <= 1);
    }
  }
}

TEST_CASE("ftz: flush-to-zero and denormals-are-zero for a scope, restored after", "[bench]") {
  volatile float tiny = 1e-39f;  // subnormal
  volatile float half = 0.5f;
  const auto control = [] { return _mm_getcsr() & ~0x3Fu; };  // without the sticky exception flags
  const unsigned before = control();
  {
    FlushDenormals on(true);
    CHECK((_mm_getcsr() & (FlushDenormals::ftz_bit | FlushDenormals::daz_bit)) ==
          (FlushDenormals::ftz_bit | FlushDenormals::daz_bit));
    CHECK(tiny * half == 0.0f);  // DAZ reads tiny as 0
  }
  CHECK(control() == before);
  CHECK(tiny * half != 0.0f);
  {
    FlushDenormals off(false);
    CHECK(control() == before);
  }
}

TEST_CASE("report: roofline bound, binding term and speedup wording", "[bench][report]") {
  BenchResults results;
  results.levels = {{"L1", 32768, 0}, {"L2", 1 << 20, 0}, {"L3", 32 << 20, 0}, {"DRAM", 0, 0}};
  const auto result = [](BenchId id, std::vector<double> seconds) {
    BenchResult r{bench_name(id), id, seconds, 0, 0, 0, 0, {}, {}};
    std::sort(seconds.begin(), seconds.end());
    r.min = seconds.front(), r.max = seconds.back(), r.median = seconds[seconds.size() / 2];
    return r;
  };
  results.results = {
      result({Kind::copy, Dtype::f32, "", "", 16384, 0, 0, false}, {16384 / 200e9}),  // L1: 200 GB/s
      result({Kind::copy, Dtype::f32, "", "", 268435456, 0, 0, false}, {268435456 / 20e9}),  // DRAM: 20 GB/s
      result({Kind::exp, Dtype::f32, "", "", 1024, 0, 0, false}, {1e-6}),
      result({Kind::exp, Dtype::f32, "", "", 1 << 24, 0, 0, false}, {1e-3}),
  };
  const Roofline r = roofline_from(results);
  CHECK(r.level_of_row(Dtype::f32, 1024).name == "L1");       // 8 KiB
  CHECK(r.level_of_row(Dtype::f64, 4096).name == "L2");       // 64 KiB
  CHECK(r.level_of_row(Dtype::f32, 1 << 24).name == "DRAM");  // 128 MiB
  // n = 1024 in L1: memory 3·4096 B / 200 GB/s = 61 ns < exp 1 µs.
  CHECK(r.bound_seconds(Dtype::f32, 1024).value() == Approx(1e-6));
  CHECK(r.binding(Dtype::f32, 1024) == "exp");
  // n = 2^24 in DRAM: 3·64 MiB / 20 GB/s = 10 ms > exp 1 ms.
  CHECK(r.bound_seconds(Dtype::f32, 1 << 24).value() == Approx(3.0 * 4 * (1 << 24) / 20e9));
  CHECK(r.binding(Dtype::f32, 1 << 24) == "memory (DRAM)");
  CHECK_FALSE(r.bound_seconds(Dtype::f64, 1 << 12));  // no probes for it

  const BenchId id{Kind::op, Dtype::f32, "a", "normal", 1024, 0, 0, false};
  const BenchResult base = result(id, {2.0, 2.1, 2.2}), fast = result(id, {1.0, 1.05, 1.1}), close = result(id, {1.9, 2.05, 2.3});
  CHECK(speedup_text(fast, &base) == "2.00×");
  CHECK(speedup_text(base, &fast) == "0.50×");
  CHECK(speedup_text(close, &base) == "no difference resolved");
  CHECK(speedup_text(fast, nullptr) == "-");
}

namespace {
// Repetitions, a median, an error, an aggregates-only run, a batched run and
// a benchmark that is not the suite's.
nlohmann::json sample_benchmark_json() {
  return nlohmann::json::parse(R"({
    "context": {"cpu_scaling_enabled": true, "library_build_type": "debug", "load_avg": [1.5, 0.25],
                "memory_levels": "L1=32768,L2=1048576,DRAM", "preset": "quick"},
    "benchmarks": [
      {"name": "softmax/f32/stable/normal/n:1000", "run_name": "softmax/f32/stable/normal/n:1000", "run_type": "iteration",
       "iterations": 10, "cpu_time": 3.0, "time_unit": "us"},
      {"name": "softmax/f32/stable/normal/n:1000", "run_name": "softmax/f32/stable/normal/n:1000", "run_type": "iteration",
       "iterations": 10, "cpu_time": 1.0, "time_unit": "us"},
      {"name": "softmax/f32/stable/normal/n:1000", "run_name": "softmax/f32/stable/normal/n:1000", "run_type": "iteration",
       "iterations": 10, "cpu_time": 2.0, "time_unit": "us"},
      {"name": "softmax/f32/stable/normal/n:1000_median", "run_name": "softmax/f32/stable/normal/n:1000", "run_type": "aggregate",
       "aggregate_name": "median", "iterations": 3, "cpu_time": 2.0, "time_unit": "us"},
      {"name": "softmax/f64/x/wide/n:8", "run_name": "softmax/f64/x/wide/n:8", "run_type": "iteration", "iterations": 0,
       "error_occurred": true, "error_message": "breaks its declaration: no"},
      {"name": "softmax/f64/y/wide/n:8_median", "run_name": "softmax/f64/y/wide/n:8", "run_type": "aggregate",
       "aggregate_name": "median", "iterations": 3, "cpu_time": 5.0, "time_unit": "ms"},
      {"name": "softmax/f64/y/wide/n:8_cv", "run_name": "softmax/f64/y/wide/n:8", "run_type": "aggregate",
       "aggregate_name": "cv", "iterations": 3, "cpu_time": 0.02, "time_unit": "ms"},
      {"name": "softmax/f32/stable/normal/rows:4/n:8/threads:2", "run_name": "softmax/f32/stable/normal/rows:4/n:8/threads:2",
       "run_type": "iteration", "iterations": 5, "real_time": 7.0, "cpu_time": 3.5, "time_unit": "ns"},
      {"name": "BM_other", "run_name": "BM_other", "run_type": "iteration", "iterations": 1, "cpu_time": 1, "time_unit": "ns"}
    ]})");
}
}  // namespace

TEST_CASE("report: results read from Google Benchmark JSON (cpu_time of one-thread runs), aggregates-only included", "[bench][report]") {
  const nlohmann::json j = sample_benchmark_json();
  const BenchResults r = bench_results_from(j);
  CHECK(r.cpu_scaling);
  CHECK(r.debug_library);
  CHECK(r.context.at("load_avg") == "1.50, 0.25");
  REQUIRE(r.levels.size() == 3);
  CHECK(r.levels[1].capacity == 1048576);
  REQUIRE(r.results.size() == 4);  // BM_other is not ours
  const BenchResult& s = r.results[0];
  CHECK(s.seconds.size() == 3);
  CHECK(s.median == Approx(2e-6));
  CHECK(s.min == Approx(1e-6));
  CHECK(s.max == Approx(3e-6));
  CHECK(s.cv == Approx(0.5));
  CHECK(s.throughput() == Approx(1000 / 2e-6));
  CHECK(r.results[1].error == "breaks its declaration: no");
  CHECK_FALSE(r.results[1].ok());
  CHECK(r.results[2].median == Approx(5e-3));
  CHECK(r.results[2].cv == Approx(0.02));
  CHECK(r.results[3].median == Approx(7e-9));  // batched: wall clock, the workers' time included
  CHECK(impl_names(r) == std::vector<std::string>{"stable", "x", "y"});
}

TEST_CASE("report: the trimmed JSON the suite writes reads back to the same results", "[bench][report]") {
  const BenchResults full = bench_results_from(sample_benchmark_json());
  const BenchResults trimmed = bench_results_from(nlohmann::json::parse(trimmed_benchmark_json(sample_benchmark_json())));
  CHECK(trimmed.context == full.context);
  REQUIRE(trimmed.results.size() == full.results.size());
  for (std::size_t i = 0; i < full.results.size(); ++i) {
    const BenchResult &a = full.results[i], &b = trimmed.results[i];
    CHECK(a.name == b.name);
    CHECK(a.seconds == b.seconds);
    CHECK(a.median == b.median);
    CHECK(a.cv == b.cv);
    CHECK(a.error == b.error);
    CHECK(a.label == b.label);
  }
  // The median of the repeated run is gone (derived again); the aggregates-only run keeps its own.
  const std::string text = trimmed_benchmark_json(sample_benchmark_json());
  CHECK(text.find("stable/normal/n:1000_median") == std::string::npos);
  CHECK(text.find("y/wide/n:8_median") != std::string::npos);
}

TEST_CASE("report: bare NaN and Infinity in Google Benchmark JSON read as null, strings untouched", "[bench][report]") {
  const std::filesystem::path path = std::filesystem::temp_directory_path() / ("smx_nan_" + std::to_string(getpid()) + ".json");
  {
    std::ofstream f(path);
    f << R"({"context": {"a": NaN, "b": "NaN and -Infinity"}, "benchmarks": [{"x": -Infinity, "y": Infinity, "z": [NaN]}]})";
  }
  const nlohmann::json j = read_benchmark_json(path);
  std::filesystem::remove(path);
  CHECK(j["context"]["a"].is_null());
  CHECK(j["context"]["b"] == "NaN and -Infinity");
  CHECK(j["benchmarks"][0]["x"].is_null());
  CHECK(j["benchmarks"][0]["y"].is_null());
  CHECK(j["benchmarks"][0]["z"][0].is_null());
}

TEST_CASE("bench: a dotted-name textbook entry is planned, timed and drawn like any other", "[bench]") {
  // The README's worked example: "stable.f64acc" is a textbook entry of its
  // own, not an ISA path of "stable", whatever its name says.
  const Impl& stable = *find("stable");
  Impl f64acc = fake("stable.f64acc", stable.kernel<Op::softmax, float>(), stable.kernel<Op::softmax, double>(),
                     stable.declared(Op::softmax, Dtype::f32).budget, stable.declared(Op::softmax, Dtype::f64).budget);
  f64acc.role = Role::textbook;
  const std::vector<Impl> impls = {stable, f64acc};

  // Planned: the same benchmarks as stable, name for name (every family, no 2^24 for either).
  std::map<std::string, std::set<std::string>> planned;  // impl -> names with the impl left out
  for (const BenchCase& c : bench_plan({.preset = Preset::quick, .impls = impls})) {
    if (c.id.kind != Kind::op) continue;
    BenchId rest = c.id;
    rest.impl.clear();
    planned[c.id.impl].insert(bench_name(rest));
  }
  CHECK(planned["stable.f64acc"] == planned["stable"]);
  CHECK(planned["stable"].count(bench_name({Kind::op, Dtype::f32, "", "wide", 4096, 0, 0, true})));
  CHECK_FALSE(planned["stable"].count(bench_name({Kind::op, Dtype::f32, "", "normal", 16777216, 0, 0, false})));

  // Timed: every one of its benchmarks runs, none skipped.
  std::vector<BenchCase> tiny = bench_plan({.preset = Preset::quick, .max_elements = 64, .impls = impls});
  std::erase_if(tiny, [](const BenchCase& c) { return c.id.impl != "stable.f64acc"; });
  REQUIRE(!tiny.empty());
  const Collector c = run_plan(tiny);
  CHECK(c.ran.size() == tiny.size());
  CHECK(c.errors.empty());

  // Drawn: the figures take their roles from the run's context, and only ISA paths are left out.
  const nlohmann::json j = nlohmann::json::parse(R"({
    "context": {"role: stable": "textbook", "role: stable.f64acc": "textbook", "role: vectorized": "kernel",
                "role: vectorized.avx2": "isa_path"},
    "benchmarks": [
      {"name": "softmax/f32/stable/normal/n:1000", "run_type": "iteration", "iterations": 1, "cpu_time": 1.0, "time_unit": "us"},
      {"name": "softmax/f32/stable.f64acc/normal/n:1000", "run_type": "iteration", "iterations": 1, "cpu_time": 1.0, "time_unit": "us"},
      {"name": "softmax/f32/vectorized/normal/n:1000", "run_type": "iteration", "iterations": 1, "cpu_time": 1.0, "time_unit": "us"},
      {"name": "softmax/f32/vectorized.avx2/normal/n:1000", "run_type": "iteration", "iterations": 1, "cpu_time": 1.0, "time_unit": "us"}
    ]})");
  const BenchResults r = bench_results_from(j);
  CHECK(r.role_of("stable.f64acc") == Role::textbook);
  const std::vector<std::string> drawn = drawn_impls(r);
  CHECK(std::count(drawn.begin(), drawn.end(), "stable.f64acc") == 1);
  CHECK(std::count(drawn.begin(), drawn.end(), "vectorized") == 1);
  CHECK(std::count(drawn.begin(), drawn.end(), "vectorized.avx2") == 0);
}

TEST_CASE("report: the other operations' results, a table each with the speedups side by side, and their figures", "[bench][report]") {
  struct Run {
    std::string name;
    std::vector<double> us;  // each repetition's time, as cpu_time and real_time
    std::string error = {};
  };
  const Run runs[] = {
      {"softmax/f32/stable/normal/n:32000", {90}},
      {"log_softmax/f32/stable/normal/n:32000", {100, 101, 102}},
      {"log_softmax/f32/peer.torch/normal/n:32000", {50, 51, 52}},
      {"log_softmax/f32/peer.onednn/normal/n:32000", {25, 26, 27}},
      {"log_softmax/f32/peer.onednn/normal/n:128256", {100}},
      {"cross_entropy/f32/peer.torch/normal/rows:64/n:128256/threads:1", {60000}},
      {"softmax_backward/f32/peer.onednn/normal/n:128256", {}, "breaks its declaration: y at [3]"},
  };
  nlohmann::json j = {{"context", {{"role: stable", "textbook"}, {"role: peer.torch", "peer"}, {"role: peer.onednn", "peer"},
                                   {"memory_levels", "L1=32768,L2=1048576,DRAM"}}},
                      {"benchmarks", nlohmann::json::array()}};
  for (const Run& r : runs) {
    for (const double t : r.us)
      j["benchmarks"].push_back({{"name", r.name}, {"run_type", "iteration"}, {"iterations", 1}, {"cpu_time", t},
                                 {"real_time", t}, {"time_unit", "us"}});
    if (!r.error.empty())
      j["benchmarks"].push_back({{"name", r.name}, {"run_type", "iteration"}, {"iterations", 0}, {"error_occurred", true},
                                 {"error_message", r.error}});
  }
  const BenchResults results = bench_results_from(j);
  REQUIRE(results.results.size() == 7);
  CHECK(results.results[1].id.of(Op::log_softmax));
  CHECK(results.results[5].id.rows == 64);
  CHECK(results.results[5].median == Approx(60e-3));  // batched: the wall clock
  const std::string md = bench_markdown(results, roofline_from(results), "stable", {});
  const std::size_t others = md.find("## The other operations");
  REQUIRE(others != std::string::npos);
  const std::string section = md.substr(others, md.find("## Skipped") - others);
  INFO(section);
  for (const char* text : {
           "### log_softmax\n", "### cross_entropy\n", "### softmax_backward\n",
           // the baseline, then the peers, each with results for the operation
           "| dtype | family | shape | implementation | median | CV | G el/s | vs stable | vs peer.torch | vs peer.onednn |",
           "| f32 | normal | 32000 | `peer.onednn` | 26 µs | 3.8% | 1.23 | 3.88× | 1.96× | · |",
           "| f32 | normal | 32000 | `stable` | 101 µs | 1.0% | 0.317 | · | 0.50× | 0.26× |",
           "| f32 | normal | 128256 | `peer.onednn` | 100 µs | 0.0% | 1.28 | - | - | · |",
           "| dtype | family | shape | implementation | median | CV | G el/s | vs peer.torch |",  // no baseline result
           "| f32 | normal | 64 × 128256, 1 thread | `peer.torch` | 60 ms | 0.0% | 0.137 | · |",
           "| f32 | normal | 128256 | `peer.onednn` | skipped |"}) {
    CAPTURE(text);
    CHECK(section.find(text) != std::string::npos);
  }
  // softmax's own sections keep to softmax.
  const std::string rest = md.substr(md.find("## Every single-row result"));
  CHECK(rest.find("peer.onednn") == std::string::npos);
  CHECK(md.find("softmax_backward/f32/peer.onednn/normal/n:128256`: breaks its declaration: y at [3]") != std::string::npos);

  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("smx_op_figures_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::set<std::string> files;
  for (const Figure& f : bench_figures(results, roofline_from(results), dir)) files.insert(f.file);
  CHECK(files.count("figures/bench-throughput-log_softmax-f32.png"));
  CHECK(files.count("figures/bench-throughput-f32.png"));             // softmax's, as before
  CHECK_FALSE(files.count("figures/bench-throughput-softmax_backward-f32.png"));  // its one result was skipped
  CHECK(std::filesystem::file_size(dir / "figures/bench-throughput-log_softmax-f32.png") > 1000);
  std::filesystem::remove_all(dir);
}
