#include "lab/accuracy/runner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "lab/accuracy/special_outcome.hpp"
#include "lab/contract_check.hpp"
#include "lab/io/float_text.hpp"
#include "reference/metrics.hpp"

namespace smx {
namespace {

struct Input {
  Dtype dtype;
  const FamilyInfo* family;
  std::size_t n;
  std::uint64_t seed;
};

// One implementation on one input row.
struct RowResult {
  bool ran = false;
  std::uint64_t seed = 0;
  RowVerdict verdict;
  double mean_sum = 0;  // sum of ulp errors
  std::uint64_t outputs = 0, flushed = 0;
  double kl = 0, bound_ratio = 0;
  std::string produces;
  WorstElement worst_normal, worst_subnormal;
  UlpHistogram histogram;
};

struct InputResult {
  std::vector<RowResult> rows;  // one per grid implementation
  double reference_seconds = 0;
};

template <class T>
WorstElement worst_at(std::uint64_t seed, std::size_t i, std::span<const T> x, std::span<const T> y,
                      const Expected<T>& ref) {
  if (i >= x.size()) return {};
  return {seed, i, shortest(x[i]), shortest(y[i]), shortest(ref.rounded[i])};
}

template <class T>
RowResult measure(const Impl& impl, const Input& in, std::span<const T> x, const Expected<T>& ref) {
  RowResult r;
  r.ran = true;
  r.seed = in.seed;
  std::vector<T> y(x.size());
  impl.template kernel<Op::softmax, T>()(x.data(), y.data(), x.size());
  r.verdict = check_row<T>(impl, x, y, ref);
  r.produces = special_outcome<T>(x, y, ref);
  if (classify<T>(x) != RowClass::finite) return r;

  const metrics::RowMetrics& m = r.verdict.metrics;
  long double kl = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const long double exact = ref.exact[i];
    const double e = metrics::ulp_error<T>(y[i], exact);
    r.histogram.add(e);
    r.mean_sum += e;
    ++r.outputs;
    if (y[i] == 0 && ref.rounded[i] != 0) ++r.flushed;
    if (exact > 0) {
      // KL(r || y) term -r log(1 + d): a short series where y is close (the
      // usual case, and cheaper than log1p), log1p otherwise.
      const long double d = (static_cast<long double>(y[i]) - exact) / exact;
      const long double l = std::fabs(d) < 1e-4L ? d - d * d / 2 + d * d * d / 3 : std::log1p(d);
      kl += y[i] > 0 ? -exact * l : std::numeric_limits<long double>::infinity();
    }
  }
  r.kl = static_cast<double>(std::max(kl, 0.0L));
  const ErrorModel model = impl.declared(Op::softmax, dtype_of<T>).behaviour.error_model;
  const double bound = model == ErrorModel::basic     ? metrics::bound_basic<T>(x)
                       : model == ErrorModel::shifted ? metrics::bound_shifted<T>(x)
                                                                 : 0;
  r.bound_ratio = bound > 0 ? m.normwise / bound : 0;
  r.worst_normal = worst_at<T>(in.seed, m.worst_normal, x, y, ref);
  r.worst_subnormal = worst_at<T>(in.seed, m.worst_subnormal, x, y, ref);
  return r;
}

template <class T>
InputResult run_input(const AccuracyGrid& grid, const Input& in) {
  InputResult out;
  const std::vector<T> x = family<T>(in.family->name, in.n, in.seed);
  const auto t0 = std::chrono::steady_clock::now();
  const Expected<T> ref = expected_softmax<T>(x);
  out.reference_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.rows.resize(grid.impls.size());
  for (std::size_t k = 0; k < grid.impls.size(); ++k)
    if (grid.impls[k]->provides(Op::softmax, dtype_of<T>)) out.rows[k] = measure<T>(*grid.impls[k], in, x, ref);
  return out;
}

void merge(AccuracyRecord& rec, const RowResult& r) {
  const RowVerdict& v = r.verdict;
  const metrics::RowMetrics& m = v.metrics;
  ++rec.rows;
  if (m.count_normal && m.max_ulp_normal >= rec.max_ulp_normal)
    rec.max_ulp_normal = m.max_ulp_normal, rec.worst_normal = r.worst_normal;
  if (m.count_subnormal && m.max_ulp_subnormal >= rec.max_ulp_subnormal)
    rec.max_ulp_subnormal = m.max_ulp_subnormal, rec.worst_subnormal = r.worst_subnormal;
  rec.histogram.merge(r.histogram);
  rec.mean_ulp += r.mean_sum;  // a sum until finish()
  rec.outputs += r.outputs;
  rec.not_cr += m.not_cr;
  rec.flushed += r.flushed;
  rec.nonfinite += m.nonfinite;
  rec.order_violations += m.order_violations;
  rec.tie_mismatches += m.tie_mismatches;
  rec.max_rel = std::max(rec.max_rel, m.max_rel);
  rec.normwise = std::max(rec.normwise, m.normwise);
  rec.bound_ratio = std::max(rec.bound_ratio, r.bound_ratio);
  rec.sum_error = std::max(rec.sum_error, m.sum_error);
  rec.kl = std::max(rec.kl, r.kl);
  rec.budget_applies = rec.budget_applies && v.budget_applies;
  if (!v.ok) {
    if (rec.failure.empty()) rec.failure = "seed " + std::to_string(r.seed) + ": " + v.failure;
  }
  rec.policy_ok = rec.policy_ok && v.policy_ok;
  if (rec.produces.empty()) rec.produces = r.produces;
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
  for (Dtype d : grid.dtypes)
    for (const FamilyInfo* f : grid.families)
      for (std::size_t n : grid.sizes)
        for (std::uint64_t seed : grid.seeds) {
          inputs.push_back({d, f, n, seed});
          if (!f->random || n > grid.all_seeds_up_to_n) break;
        }

  // Largest inputs first, so no thread is left with a 2^20 row at the end.
  std::vector<std::size_t> order(inputs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return inputs[a].n > inputs[b].n; });

  std::vector<InputResult> results(inputs.size());
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex mutex;
  std::condition_variable changed;
  auto worker = [&] {
    for (std::size_t k; (k = next.fetch_add(1)) < order.size();) {
      const Input& in = inputs[order[k]];
      results[order[k]] = in.dtype == Dtype::f32 ? run_input<float>(grid, in) : run_input<double>(grid, in);
      done.fetch_add(1);
      changed.notify_one();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < std::max(1u, threads); ++t) pool.emplace_back(worker);
  {
    std::unique_lock lock(mutex);
    while (done.load() < inputs.size()) {
      changed.wait_for(lock, std::chrono::milliseconds(200));
      if (progress) progress(done.load(), inputs.size());
    }
  }
  for (auto& t : pool) t.join();

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
      merge(run.records[it->second], r);
    }
  }
  for (AccuracyRecord& rec : run.records) finish(rec);
  return run;
}

}  // namespace smx
