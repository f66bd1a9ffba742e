#include "bench/report/targets.hpp"

#include <algorithm>

#include "lab/io/markdown.hpp"

namespace smx {
namespace {

using Measure = SpeedTarget::Measure;

constexpr std::size_t in_cache[] = {1024, 32000, 128256};  // f32 rows in L1 and L2
constexpr std::size_t out_of_cache[] = {16777216};         // 2^24: 128 MiB of input and output
constexpr std::size_t from_1m[] = {1000000};                // batched shapes from 1M elements up
constexpr std::size_t vocabularies[] = {32000, 128256};      // f32 rows in L2
constexpr std::size_t vocabulary_128k[] = {128256};

constexpr SpeedTarget targets[] = {
    {"(a) in cache, vs oneDNN", Measure::vs_impl, Dtype::f32, "vectorized", "peer.onednn", in_cache, 3.0},
    {"(a) in cache, vs PyTorch", Measure::vs_impl, Dtype::f32, "vectorized", "peer.torch", in_cache, 3.0},
    {"(b) in cache, of the exp-only probe", Measure::vs_exp_probe, Dtype::f32, "vectorized", "", in_cache, 0.75},
    {"(c) out of cache, of the memory roof", Measure::vs_memory_roof, Dtype::f32, "vectorized", "", out_of_cache, 0.9},
    {"(c) out of cache, vs oneDNN", Measure::vs_impl, Dtype::f32, "vectorized", "peer.onednn", out_of_cache, 2.0},
    {"(d) batched, 2 threads over 1", Measure::thread_scaling, Dtype::f32, "vectorized", "", from_1m, 1.8},
    {"(e) f64 in cache, vs PyTorch", Measure::vs_impl, Dtype::f64, "vectorized", "peer.torch", in_cache, 2.0},
    {"(f) accurate, in cache, vs oneDNN", Measure::vs_impl, Dtype::f32, "accurate", "peer.onednn", in_cache, 2.0},
    {"(g) log_softmax in cache, vs PyTorch", Measure::vs_impl, Dtype::f32, "vectorized", "peer.torch", vocabularies, 2.0,
     Op::log_softmax},
    {"(g) log_softmax in cache, vs oneDNN", Measure::vs_impl, Dtype::f32, "vectorized", "peer.onednn", vocabularies, 1.5,
     Op::log_softmax},
    {"(h) cross-entropy forward + gradient, 64 × 128256, vs PyTorch", Measure::vs_impl, Dtype::f32, "vectorized",
     "peer.torch", vocabulary_128k, 2.0, Op::cross_entropy, 64, 1},
};

std::string code(const std::string& s) { return std::string("`") + s + "`"; }

// The result of id when it has a timing; else nullptr and why not in `why`.
const BenchResult* timed(const BenchResults& results, const BenchId& id, std::string& why) {
  const BenchResult* r = results.find(id);
  if (r && r->ok()) return r;
  if (why.empty()) {
    why = std::string("no ") + code(bench_name(id)) + " in this run";
    // An implementation without the kernel (yet): say so rather than leave it to a guess.
    if (const Impl* impl = smx::find(id.impl); impl && !impl->provides(id.op, id.dtype))
      why += " (" + code(id.impl) + " has no " + std::string(to_string(id.dtype)) + " " + std::string(to_string(id.op)) +
             " kernel in this build)";
    if (r) why = code(r->name) + (r->error.empty() ? std::string(" has no timing") : std::string(" was skipped: ") + r->error);
  }
  return nullptr;
}

// Subject over reference in throughput: the reference's time over the subject's.
void time_ratio(TargetCheck& c, const BenchResult& subject, const BenchResult& reference) {
  c.ratio = reference.median / subject.median;
  c.low = reference.min / subject.max;
  c.high = reference.max / subject.min;
}

// The benchmark a side of t runs at n: one row, or t's batch of rows x n.
BenchId side_of(const SpeedTarget& t, std::string_view impl, std::size_t n) {
  return {BenchId::Kind::op, t.dtype, std::string(impl), "normal", n, t.rows, t.threads, false, t.op};
}

TargetCheck row_check(const SpeedTarget& t, std::size_t n, const BenchResults& results, const Roofline& roofline) {
  TargetCheck c;
  c.target = &t;
  const BenchId subject_id = side_of(t, t.impl, n);
  const BenchResult* subject = timed(results, subject_id, c.missing);
  c.compared = code(bench_name(subject_id)) + " / ";
  if (t.measure == Measure::vs_memory_roof) {
    const std::string level = roofline.level_of_row(t.dtype, n).name;
    std::string probe;
    for (const BenchResult& r : results.results)
      if (r.ok() && r.id.kind == BenchId::Kind::copy && level_of(r.id.n, roofline.levels).name == level) probe = r.name;
    c.compared += std::string("2 reads + 1 write per element at ") + (probe.empty() ? level : code(probe) + " (" + level + ")");
    const std::optional<double> roof = roofline.memory_seconds(t.dtype, n);
    if (!roof && c.missing.empty()) c.missing = std::string("no copy probe in ") + level + " in this run";
    if (subject && roof) {
      c.ratio = *roof / subject->median;
      c.low = *roof / subject->max;
      c.high = *roof / subject->min;
    }
    return c;
  }
  const BenchId reference_id = t.measure == Measure::vs_exp_probe
                                   ? BenchId{BenchId::Kind::exp, t.dtype, "", "", n, 0, 0, false}
                                   : side_of(t, t.versus, n);
  c.compared += code(bench_name(reference_id));
  const BenchResult* reference = timed(results, reference_id, c.missing);
  if (subject && reference) time_ratio(c, *subject, *reference);
  return c;
}

// Every batched shape of the subject with at least t.sizes[0] elements at 2 threads.
std::vector<TargetCheck> scaling_checks(const SpeedTarget& t, const BenchResults& results) {
  std::vector<TargetCheck> out;
  for (const BenchResult& two : results.results) {
    const BenchId& id = two.id;
    if (!id.of(t.op) || !id.rows || id.threads != 2 || id.dtype != t.dtype || id.impl != t.impl ||
        id.ftz || id.elements() < t.sizes[0])
      continue;
    TargetCheck c;
    c.target = &t;
    BenchId one_id = id;
    one_id.threads = 1;
    c.compared = code(two.name) + " / " + code(bench_name(one_id));
    const BenchResult* many = timed(results, id, c.missing);
    const BenchResult* one = timed(results, one_id, c.missing);
    if (many && one) time_ratio(c, *many, *one);
    out.push_back(std::move(c));
  }
  if (out.empty()) {
    TargetCheck c;
    c.target = &t;
    c.compared = code(std::string(to_string(t.op)) + "/" + std::string(to_string(t.dtype)) + "/" + std::string(t.impl) +
                        "/normal/rows:R/n:N/threads:2") + " / threads:1";
    c.missing = std::string("no batched ") + code(std::string(t.impl)) + " shape of at least " +
                std::to_string(t.sizes[0]) + " elements at 2 threads in this run";
    out.push_back(std::move(c));
  }
  return out;
}

std::string times(double v) { return md::fixed(v, v < 10 ? "%.2f×" : "%.3g×"); }

}  // namespace

std::span<const SpeedTarget> speed_targets() { return targets; }

std::vector<TargetCheck> evaluate_targets(const BenchResults& results, const Roofline& roofline,
                                          std::span<const SpeedTarget> list) {
  std::vector<TargetCheck> out;
  for (const SpeedTarget& t : list) {
    if (t.measure == Measure::thread_scaling) {
      for (TargetCheck& c : scaling_checks(t, results)) out.push_back(std::move(c));
      continue;
    }
    for (const std::size_t n : t.sizes) out.push_back(row_check(t, n, results, roofline));
  }
  return out;
}

std::string verdict_text(const TargetCheck& c) {
  if (!c.measured()) return std::string("not measured: ") + c.missing;
  const double goal = c.target->goal;
  if (c.met()) {
    if (c.low && *c.low < goal) return std::string("met (the slowest repetitions give ") + times(*c.low) + ")";
    return "met";
  }
  std::string s = std::string("not met: ") + md::fixed(*c.ratio / goal, "%.2f") + " of the way";
  if (c.high && *c.high >= goal) s += std::string(" (the fastest repetitions give ") + times(*c.high) + ")";
  return s;
}

std::string targets_summary(const std::vector<TargetCheck>& checks) {
  std::size_t met = 0, short_of = 0, unmeasured = 0;
  for (const TargetCheck& c : checks) (c.met() ? met : c.measured() ? short_of : unmeasured) += 1;
  return std::to_string(met) + " met, " + std::to_string(short_of) + " not met, " + std::to_string(unmeasured) +
         " not measured";
}

void targets_section(std::ostream& out, const std::vector<TargetCheck>& checks) {
  out << "## Speed targets\n\n"
         "The suite's speed targets for its own kernels, evaluated on this run (single thread, normal logits, f32 unless noted). "
         "*measured*: the subject's throughput over the other's, at the median times; in parentheses the range the "
         "repetitions allow (fastest over slowest and the reverse). A target whose benchmarks are not in the run "
         "(a peer not built, a size outside the preset or filter) is *not measured*, with the reason.\n\n"
      << "Comparisons: " << targets_summary(checks) << ".\n\n";
  md::table_header(out, {"target", "compared", "measured", "goal", "verdict"});
  for (const TargetCheck& c : checks) {
    std::string measured = "-";
    if (c.ratio) measured = times(*c.ratio) + (c.low && c.high ? std::string(" (") + times(*c.low) + " – " + times(*c.high) + ")" : std::string());
    md::table_row(out, {std::string(c.target->label), c.compared, measured, std::string("≥ ") + md::fixed(c.target->goal, "%.2g×"),
                        verdict_text(c)});
  }
  out << "\nWhat stands in the way of the targets not met, measured (the exponential's operation count, "
         "the scaling pass's L2 traffic, the exp-only probe as a ceiling, oneDNN's two speeds per process): "
         "`docs/performance.md`, \"Results and targets after session 3\".\n\n";
}

}  // namespace smx
