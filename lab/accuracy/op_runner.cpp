#include "lab/accuracy/op_runner.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <tuple>

#include "lab/accuracy/row_hash.hpp"
#include "lab/io/float_text.hpp"

namespace smx {
namespace {

std::span<const TargetRuleInfo> rules_of(Op op) {
  const std::span<const TargetRuleInfo> all(target_rule_table);
  return op == Op::cross_entropy ? all : all.first(1);
}

template <class T>
std::vector<OpRowResult> run_case(const AccuracyGrid& grid, const OpCase<T>& c, const OpExpected<T>& ref,
                                  std::uint64_t seed) {
  std::vector<OpRowResult> rows(grid.impls.size());
  std::vector<T> y(output_size(c)), again(y.size());
  // Outputs measured already, by hash: one byte-identical to an earlier
  // implementation's (a dispatching entry and its ISA path) shares its
  // metrics; the earlier kernel runs again to confirm, so no row is kept.
  struct Seen {
    std::uint64_t hash;
    std::size_t impl;
  };
  std::vector<Seen> seen;
  for (std::size_t k = 0; k < grid.impls.size(); ++k) {
    const Impl& impl = *grid.impls[k];
    if (!impl.provides(c.op, dtype_of<T>)) continue;
    OpRowResult& r = rows[k];
    r.ran = true;
    run_op<T>(impl, c, y);
    const std::uint64_t hash = row_hash<T>(y);
    const auto earlier = std::find_if(seen.begin(), seen.end(), [&](const Seen& s) {
      if (s.hash != hash) return false;
      run_op<T>(*grid.impls[s.impl], c, again);
      return std::memcmp(again.data(), y.data(), y.size() * sizeof(T)) == 0;
    });
    const bool known = earlier != seen.end() && !rows[earlier->impl].verdict.special;
    r.verdict = check_op<T>(impl, c, y, ref, known ? &rows[earlier->impl].verdict.metrics : nullptr);
    if (!known) seen.push_back({hash, k});
    for (const OpPart p : parts_of(c.op)) {
      const PartMetrics& m = r.verdict.metrics[p];
      if (!m.count) continue;
      const std::size_t i = m.worst;
      const std::size_t xi = c.op == Op::cross_entropy ? (i == 0 ? c.target : i - 1) : i;
      r.worst[static_cast<std::size_t>(p)] = {seed, xi, shortest(c.x[xi]), shortest(y[i]), shortest(ref.rounded[i])};
    }
  }
  return rows;
}

template <class T>
OpInputResult run_typed(const AccuracyGrid& grid, const OpInput& in) {
  const std::vector<T> x = family<T>(in.family->name, in.n, in.seed);
  std::vector<OpCase<T>> cases;
  for (const TargetRuleInfo& rule : rules_of(in.op))
    cases.push_back(make_case<T>(in.op, x, in.seed, rule.rule, in.temperature));
  const std::vector<OpExpected<T>> refs = expected_ops<T>(cases);
  OpInputResult out;
  for (std::size_t k = 0; k < cases.size(); ++k) out.rows.push_back(run_case<T>(grid, cases[k], refs[k], in.seed));
  return out;
}

void merge(OpAccuracyRecord& rec, const OpRowResult& r, std::uint64_t seed) {
  const OpVerdict& v = r.verdict;
  ++rec.rows;
  for (PartRecord& p : rec.parts) {
    const PartMetrics& m = v.metrics[p.part];
    p.count += m.count;
    p.not_cr += m.not_cr;
    p.nonfinite += m.nonfinite;
    if (m.count && m.max_ulp >= p.max_ulp) p.max_ulp = m.max_ulp, p.worst = r.worst[static_cast<std::size_t>(p.part)];
    p.max_abs = std::max(p.max_abs, m.max_abs);
  }
  rec.order_violations += v.metrics.order_violations;
  rec.special = rec.special || v.special;
  rec.policy_ok = rec.policy_ok && v.policy_ok;
  rec.budget_applies = rec.budget_applies && v.budget_applies;
  if (!v.ok && rec.failure.empty()) rec.failure = "seed " + std::to_string(seed) + ": " + v.failure;
}

}  // namespace

std::vector<OpInput> op_inputs(const AccuracyGrid& grid) {
  std::vector<OpInput> inputs;
  // softmax and log_softmax of x / T: the finite families at the sizes up to
  // temperature_max_n.
  for (const double t : grid.temperatures)
    for (const Op op : grid.ops) {
      if (op != Op::softmax && op != Op::log_softmax) continue;
      for (const Dtype d : grid.dtypes)
        for (const FamilyInfo* f : grid.families)
          for (const std::size_t n : grid.op_sizes)
            for (const std::uint64_t seed : grid.seeds) {
              if (n > grid.temperature_max_n || f->kind == FamilyKind::special || !grid.runs(*f, n)) break;
              inputs.push_back({op, d, f, n, seed, t});
              if (!f->random || n > grid.all_seeds_up_to_n) break;
            }
    }
  for (const Op op : grid.ops) {
    if (op == Op::softmax) continue;  // runner.cpp's own
    for (const Dtype d : grid.dtypes)
      for (const FamilyInfo* f : grid.families)
        for (const std::size_t n : grid.op_sizes)
          for (const std::uint64_t seed : grid.seeds) {
            if (!grid.runs(*f, n) || (n > grid.op_short_max_n && !grid.op_long_family(*f))) break;
            inputs.push_back({op, d, f, n, seed});
            if (!f->random || n > grid.all_seeds_up_to_n) break;
          }
  }
  return inputs;
}

OpInputResult run_op_input(const AccuracyGrid& grid, const OpInput& in) {
  return in.dtype == Dtype::f32 ? run_typed<float>(grid, in) : run_typed<double>(grid, in);
}

std::vector<OpAccuracyRecord> merge_op_results(const AccuracyGrid& grid, const std::vector<OpInput>& inputs,
                                               const std::vector<OpInputResult>& results) {
  std::vector<OpAccuracyRecord> records;
  std::map<std::tuple<int, double, int, std::string_view, std::size_t, std::size_t, std::size_t>, std::size_t> slot;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const OpInput& in = inputs[i];
    for (std::size_t rule = 0; rule < results[i].rows.size(); ++rule)
    for (std::size_t k = 0; k < grid.impls.size(); ++k) {
      const OpRowResult& r = results[i].rows[rule][k];
      if (!r.ran) continue;
      const auto key = std::make_tuple(static_cast<int>(in.op), in.temperature, static_cast<int>(in.dtype),
                                       in.family->name, in.n, rule, k);
      auto [it, fresh] = slot.try_emplace(key, records.size());
      if (fresh) {
        OpAccuracyRecord rec;
        rec.impl = grid.impls[k]->name;
        rec.op = in.op;
        rec.temperature = in.temperature;
        rec.dtype = in.dtype;
        rec.family = in.family->name;
        rec.target = in.op == Op::cross_entropy ? std::string(rules_of(in.op)[rule].name) : std::string();
        rec.n = in.n;
        for (const OpPart p : parts_of(in.op)) rec.parts.push_back(PartRecord{.part = p, .worst = {}});
        rec.budget = grid.impls[k]->declared(in.op, in.dtype).budget.at(in.n);
        records.push_back(std::move(rec));
      }
      merge(records[it->second], r, in.seed);
    }
  }
  for (OpAccuracyRecord& rec : records)
    rec.verdict = !rec.failure.empty() ? "fail" : rec.budget_applies ? "pass" : "no claim";
  return records;
}

}  // namespace smx
