#include "lab/accuracy/runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include "lab/accuracy/op_runner.hpp"
#include "lab/accuracy/output_stats.hpp"
#include "lab/accuracy/parallel_inputs.hpp"
#include "lab/accuracy/row_hash.hpp"
#include "lab/contract_check.hpp"
#include "reference/metrics.hpp"

namespace smx {
namespace {

struct Input {
  Dtype dtype;
  const FamilyInfo* family;
  std::size_t n;
  std::uint64_t seed;
};

// One implementation on one input row: its verdict, and which of the input's
// distinct outputs it produced.
struct RowResult {
  bool ran = false;
  std::uint64_t seed = 0;
  RowVerdict verdict;
  double bound_ratio = 0;
  std::size_t output = 0;  // index into InputResult::outputs
};

struct InputResult {
  std::vector<RowResult> rows;        // one per grid implementation
  std::vector<OutputStats> outputs;   // one per distinct output row
  double reference_seconds = 0;
};

// The one place the grid calls a kernel.
template <class T>
void run_kernel(const Impl& impl, const std::vector<T>& x, std::vector<T>& y) {
  impl.template kernel<Op::softmax, T>()(x.data(), y.data(), x.size());
}

// The Blanchard-Higham-Higham bound of the implementation's algorithm on x.
double bhh_bound(ErrorModel model, double basic, double shifted) {
  return model == ErrorModel::basic ? basic : model == ErrorModel::shifted ? shifted : 0;
}

template <class T>
InputResult run_input(const AccuracyGrid& grid, const Input& in) {
  InputResult out;
  const std::vector<T> x = family<T>(in.family->name, in.n, in.seed);
  const auto t0 = std::chrono::steady_clock::now();
  const Expected<T> ref = expected_softmax<T>(x);
  out.reference_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const RowClass row_class = classify<T>(x);
  const bool finite = row_class == RowClass::finite;
  const double basic = finite ? metrics::bound_basic<T>(x) : 0, shifted = finite ? metrics::bound_shifted<T>(x) : 0;

  // Outputs already measured on this input, by hash, with the implementation
  // that produced them: an output byte-identical to one of them (the
  // dispatching entry and its ISA path, most kernels on special rows) shares
  // its OutputStats. The earlier kernel is run again to compare, so that no
  // row is kept per implementation.
  struct Seen {
    std::uint64_t hash;
    std::size_t impl;
  };
  std::vector<Seen> seen;
  std::vector<T> y(x.size()), again(x.size());
  std::vector<double> errors;
  const auto same_as = [&](std::size_t k) {
    run_kernel<T>(*grid.impls[k], x, again);
    return std::memcmp(again.data(), y.data(), y.size() * sizeof(T)) == 0;
  };

  out.rows.resize(grid.impls.size());
  for (std::size_t k = 0; k < grid.impls.size(); ++k) {
    const Impl& impl = *grid.impls[k];
    if (!impl.provides(Op::softmax, dtype_of<T>)) continue;
    RowResult& r = out.rows[k];
    r.ran = true;
    r.seed = in.seed;
    run_kernel<T>(impl, x, y);
    const std::uint64_t hash = row_hash<T>(y);
    const auto earlier = std::find_if(seen.begin(), seen.end(),
                                      [&](const Seen& s) { return s.hash == hash && same_as(s.impl); });
    if (earlier != seen.end()) {
      r.output = out.rows[earlier->impl].output;
    } else {
      r.output = out.outputs.size();
      out.outputs.push_back(output_stats<T>(in.seed, row_class, x, y, ref, errors));
      seen.push_back({hash, k});
    }
    const OutputStats& stats = out.outputs[r.output];
    r.verdict = check_row<T>(impl, x, y, ref, finite ? &stats.metrics : nullptr);
    const double bound = finite ? bhh_bound(impl.declared(Op::softmax, dtype_of<T>).behaviour.error_model, basic, shifted) : 0;
    r.bound_ratio = bound > 0 ? stats.metrics.normwise / bound : 0;
  }
  return out;
}

void merge(AccuracyRecord& rec, const RowResult& r, const OutputStats& o) {
  const RowVerdict& v = r.verdict;
  const metrics::RowMetrics& m = v.metrics;
  ++rec.rows;
  if (m.count_normal && m.max_ulp_normal >= rec.max_ulp_normal)
    rec.max_ulp_normal = m.max_ulp_normal, rec.worst_normal = o.worst_normal;
  if (m.count_subnormal && m.max_ulp_subnormal >= rec.max_ulp_subnormal)
    rec.max_ulp_subnormal = m.max_ulp_subnormal, rec.worst_subnormal = o.worst_subnormal;
  rec.histogram.merge(o.histogram);
  rec.mean_ulp += o.mean_sum;  // a sum until finish()
  rec.outputs += o.outputs;
  rec.not_cr += m.not_cr;
  rec.flushed += o.flushed;
  rec.nonfinite += m.nonfinite;
  rec.order_violations += m.order_violations;
  rec.tie_mismatches += m.tie_mismatches;
  rec.max_rel = std::max(rec.max_rel, m.max_rel);
  rec.normwise = std::max(rec.normwise, m.normwise);
  rec.bound_ratio = std::max(rec.bound_ratio, r.bound_ratio);
  rec.sum_error = std::max(rec.sum_error, m.sum_error);
  rec.kl = std::max(rec.kl, o.kl);
  rec.budget_applies = rec.budget_applies && v.budget_applies;
  if (!v.ok) {
    if (rec.failure.empty()) rec.failure = "seed " + std::to_string(r.seed) + ": " + v.failure;
  }
  rec.policy_ok = rec.policy_ok && v.policy_ok;
  if (rec.produces.empty()) rec.produces = o.produces;
}

void finish(AccuracyRecord& rec) {
  rec.mean_ulp = rec.outputs ? rec.mean_ulp / static_cast<double>(rec.outputs) : 0;
  rec.p99_ulp = rec.histogram.quantile(0.99);
  rec.verdict = !rec.failure.empty() ? "fail" : rec.budget_applies ? "pass" : "no claim";
}

}  // namespace

std::vector<std::string> impl_names(const AccuracyRun& run) {
  std::vector<std::string> names;
  for (const AccuracyRecord& r : run.records)
    if (std::find(names.begin(), names.end(), r.impl) == names.end()) names.push_back(r.impl);
  return names;
}

AccuracyRun run_accuracy(const AccuracyGrid& grid, unsigned threads,
                         const std::function<void(std::size_t, std::size_t)>& progress) {
  std::vector<Input> inputs;
  const bool softmax = std::find(grid.ops.begin(), grid.ops.end(), Op::softmax) != grid.ops.end();
  for (Dtype d : softmax ? grid.dtypes : std::vector<Dtype>{})
    for (const FamilyInfo* f : grid.families)
      for (std::size_t n : grid.sizes)
        for (std::uint64_t seed : grid.seeds) {
          if (!grid.runs(*f, n)) break;  // no seed of it
          inputs.push_back({d, f, n, seed});
          if (!f->random || n > grid.all_seeds_up_to_n) break;
        }

  const std::vector<OpInput> others = op_inputs(grid);
  // One pool for both: softmax's inputs first in the index space, then the others'.
  std::vector<std::size_t> sizes;
  for (const Input& in : inputs) sizes.push_back(in.n);
  for (const OpInput& in : others) sizes.push_back(in.n);
  std::vector<InputResult> results(inputs.size());
  std::vector<OpInputResult> other_results(others.size());
  run_in_parallel(
      largest_first(sizes), threads,
      [&](std::size_t i) {
        if (i >= inputs.size()) {
          other_results[i - inputs.size()] = run_op_input(grid, others[i - inputs.size()]);
          return;
        }
        const Input& in = inputs[i];
        results[i] = in.dtype == Dtype::f32 ? run_input<float>(grid, in) : run_input<double>(grid, in);
      },
      progress);

  // Merge in grid order: deterministic whatever the threads did.
  AccuracyRun run;
  std::map<std::tuple<int, std::string_view, std::size_t, std::size_t>, std::size_t> slot;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Input& in = inputs[i];
    run.reference_seconds += results[i].reference_seconds;
    for (std::size_t k = 0; k < grid.impls.size(); ++k) {
      const RowResult& r = results[i].rows[k];
      if (!r.ran) continue;
      const auto key = std::make_tuple(static_cast<int>(in.dtype), in.family->name, in.n, k);
      auto [it, fresh] = slot.try_emplace(key, run.records.size());
      if (fresh) {
        AccuracyRecord rec;
        rec.impl = grid.impls[k]->name;
        rec.dtype = in.dtype;
        rec.family = in.family->name;
        rec.n = in.n;
        rec.budget = grid.impls[k]->declared(Op::softmax, in.dtype).budget.at(in.n);
        run.records.push_back(std::move(rec));
      }
      merge(run.records[it->second], r, results[i].outputs[r.output]);
    }
  }
  for (AccuracyRecord& rec : run.records) finish(rec);
  run.op_records = merge_op_results(grid, others, other_results);
  return run;
}

}  // namespace smx
