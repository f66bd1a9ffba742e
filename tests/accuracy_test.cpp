// The accuracy report: the record schema other tools read, the verdict
// logic, determinism across thread counts, and an end-to-end run of the CLI.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "lab/accuracy/accuracy_json.hpp"
#include "lab/accuracy/runner.hpp"
#include "tests/support.hpp"

using namespace smx;

namespace {

AccuracyGrid small_grid(std::vector<const Impl*> impls, std::vector<const char*> families,
                        std::vector<std::size_t> sizes = {8, 100}) {
  AccuracyGrid g;
  g.impls = std::move(impls);
  g.dtypes = {Dtype::f32, Dtype::f64};
  for (const char* f : families) g.families.push_back(find_family(f));
  g.sizes = std::move(sizes);
  g.seeds = {1, 2};
  return g;
}

const AccuracyRecord& record(const AccuracyRun& run, std::string_view impl, std::string_view family, Dtype d,
                             std::size_t n) {
  for (const AccuracyRecord& r : run.records)
    if (r.impl == impl && r.family == family && r.dtype == d && r.n == n) return r;
  FAIL("no record for " << impl << " " << family << " n=" << n);
  throw std::logic_error("unreachable");  // FAIL has thrown already
}

}  // namespace

TEST_CASE("accuracy: the other operations give one record per (op, impl, dtype, family, n, target rule)", "[accuracy]") {
  AccuracyGrid grid = small_grid({find("stable"), find("naive")}, {"normal-1", "masked-all", "dominant"});
  grid.ops = {Op::log_softmax, Op::cross_entropy, Op::softmax_backward};
  grid.op_sizes = {8, 100};
  const AccuracyRun one = run_accuracy(grid, 1), two = run_accuracy(grid, 2);
  CHECK(one.records.empty());  // softmax was not asked for
  // (log_softmax + 3 target rules + backward) x impls x dtypes x families x sizes.
  CHECK(one.op_records.size() == (1 + 3 + 1) * 2 * 2 * 3 * 2);
  const nlohmann::ordered_json j = accuracy_json(one, {collect_run_context(), 1.5, 2, {1, 2}, {}});
  CHECK(j == accuracy_json(two, {collect_run_context(), 1.5, 2, {1, 2}, {}}));  // whatever the threads
  for (const auto& rec : j["op_records"]) {
    for (const char* key : {"impl", "op", "dtype", "family", "target", "n", "rows", "parts", "order_violations",
                            "special", "policy_ok", "budget", "budget_applies", "verdict", "failure"})
      CHECK(rec.contains(key));
    const bool ce = rec["op"] == "cross_entropy";
    CHECK(rec["parts"].size() == (ce ? 3u : 1u));
    CHECK(ce == !rec["target"].get<std::string>().empty());
    for (const auto& [part, m] : rec["parts"].items())
      for (const char* key : {"count", "max_ulp", "max_abs", "not_cr", "nonfinite", "worst"}) CHECK(m.contains(key));
  }
  // The confident row: stable's max log-probability and its loss lose every digit (~ -e^-40 n rounds to 0).
  for (const OpAccuracyRecord& r : one.op_records)
    if (r.impl == "stable" && r.family == "dominant" && r.dtype == Dtype::f32 && (r.target.empty() || r.target == "argmax")) {
      CAPTURE(to_string(r.op), r.n);
      if (r.op == Op::log_softmax) CHECK(r.part(OpPart::value)->max_ulp > 1e6);
      if (r.op == Op::cross_entropy) CHECK(r.part(OpPart::loss)->max_ulp > 1e6);
    }
}

TEST_CASE("accuracy: one record per (impl, dtype, family, n) with every documented field", "[accuracy]") {
  const auto grid = small_grid({find("stable"), find("naive")}, {"normal-1", "masked-all"});
  const AccuracyRun run = run_accuracy(grid, 2);
  CHECK(run.records.size() == 2 * 2 * 2 * 2);
  const nlohmann::ordered_json j = accuracy_json(run, {collect_run_context(), 1.5, 2, {1, 2}, {}});
  for (const char* key : {"cpu", "isa", "compiler", "build", "libraries", "revision", "date", "wall_seconds", "threads"})
    CHECK(j["context"].contains(key));
  for (const auto& rec : j["records"]) {
    for (const char* key : {"impl", "dtype", "family", "n", "max_ulp_normal", "max_ulp_subnormal", "p99_ulp", "mean_ulp",
                            "not_cr", "max_rel", "normwise", "bound_ratio", "sum_error", "kl", "order_violations",
                            "tie_mismatches", "nonfinite", "policy_ok", "budget", "verdict"})
      CHECK(rec.contains(key));
    CHECK((rec["dtype"] == "f32" || rec["dtype"] == "f64"));
    CHECK((rec["verdict"] == "pass" || rec["verdict"] == "fail" || rec["verdict"] == "no claim"));
  }
  // Every record's row count: random family 2 seeds, fixed family 1.
  CHECK(record(run, "stable", "normal-1", Dtype::f32, 8).rows == 2);
  CHECK(record(run, "stable", "masked-all", Dtype::f32, 8).rows == 1);
}

TEST_CASE("accuracy: verdicts follow the declarations", "[accuracy]") {
  const Impl& stable = *find("stable");
  Impl too_strict = stable;  // the same kernel claiming to be correctly rounded to 0 ulp
  too_strict.name = "too-strict";
  for (Kernel& k : too_strict.kernels) k.budget = {.base = 0};
  Impl wrong_policy = stable;  // produces NaN for an all -inf row but declares zeros
  wrong_policy.name = "wrong-policy";
  wrong_policy.behaviour.special.all_neg_inf = AllNegInf::zeros;

  const auto grid = small_grid({&stable, find("naive"), &too_strict, &wrong_policy},
                               {"normal-1", "offset", "masked-all"});
  const AccuracyRun run = run_accuracy(grid, 2);
  CHECK(record(run, "stable", "normal-1", Dtype::f32, 100).verdict == "pass");
  CHECK(record(run, "stable", "offset", Dtype::f32, 100).verdict == "pass");
  CHECK(record(run, "stable", "masked-all", Dtype::f32, 8).produces == "NaN row");

  const AccuracyRecord& naive_offset = record(run, "naive", "offset", Dtype::f32, 100);
  CHECK(naive_offset.verdict == "no claim");  // exp(1e4) overflows: outside its declared domain
  CHECK(naive_offset.nonfinite == 100 * 2);

  const AccuracyRecord& strict = record(run, "too-strict", "normal-1", Dtype::f64, 100);
  CHECK(strict.verdict == "fail");
  CHECK(strict.policy_ok);
  CHECK(strict.failure.find("ulp error") != std::string::npos);

  const AccuracyRecord& policy = record(run, "wrong-policy", "masked-all", Dtype::f32, 8);
  CHECK(policy.verdict == "fail");
  CHECK_FALSE(policy.policy_ok);

  // The copies' outputs are stable's, byte for byte: measured once, the same
  // numbers, each budget and verdict by its own declaration.
  nlohmann::ordered_json own = to_json(record(run, "stable", "normal-1", Dtype::f64, 100));
  nlohmann::ordered_json copy = to_json(strict);
  for (const char* key : {"impl", "budget", "verdict", "failure"}) own.erase(key), copy.erase(key);
  CHECK(own.dump() == copy.dump());
}

TEST_CASE("accuracy: accuracy.json's text holds every record, each an array in the order of \"fields\"", "[accuracy]") {
  const auto grid = small_grid({find("stable"), find("naive")}, {"normal-1", "masked-all"});
  const AccuracyRun run = run_accuracy(grid, 2);
  const AccuracyMeta meta{collect_run_context(), 1.5, 2, {1, 2}, {}};
  const nlohmann::ordered_json text = nlohmann::ordered_json::parse(accuracy_json_text(run, meta));
  const nlohmann::ordered_json full = accuracy_json(run, meta);
  CHECK(text["context"] == full["context"]);
  REQUIRE(text["records"].size() == full["records"].size());
  for (std::size_t i = 0; i < full["records"].size(); ++i) {
    nlohmann::ordered_json rec = nlohmann::ordered_json::object();
    for (std::size_t f = 0; f < text["fields"].size(); ++f) {
      const nlohmann::ordered_json& v = text["records"][i][f];
      if (!v.is_array()) {
        rec[text["fields"][f].get<std::string>()] = v;
        continue;
      }
      nlohmann::ordered_json worst = nlohmann::ordered_json::object();
      for (std::size_t k = 0; k < text["worst_fields"].size(); ++k) worst[text["worst_fields"][k].get<std::string>()] = v[k];
      rec[text["fields"][f].get<std::string>()] = worst;
    }
    CHECK(rec == full["records"][i]);
  }
}

TEST_CASE("accuracy: the default grid stops the structured families at 128256; the full one does not", "[accuracy]") {
  const AccuracyGrid def = default_accuracy_grid(), full = full_accuracy_grid();
  CHECK(def.sizes == full.sizes);
  CHECK(def.runs(*find_family("normal-1"), 1u << 20));
  CHECK(def.runs(*find_family("wide"), 1u << 20));
  CHECK_FALSE(def.runs(*find_family("equal"), 1u << 20));
  CHECK(def.runs(*find_family("equal"), 128256));
  for (const FamilyInfo& f : all_families()) CHECK(full.runs(f, 1u << 20));
}

TEST_CASE("accuracy: the same grid gives the same records whatever the thread count", "[accuracy]") {
  const auto grid = small_grid({find("stable"), find("vectorized")}, {"normal-10", "wide", "ties"}, {7, 33, 1000});
  const AccuracyRun one = run_accuracy(grid, 1), two = run_accuracy(grid, 2);
  REQUIRE(one.records.size() == two.records.size());
  for (std::size_t i = 0; i < one.records.size(); ++i) CHECK(to_json(one.records[i]) == to_json(two.records[i]));
}
