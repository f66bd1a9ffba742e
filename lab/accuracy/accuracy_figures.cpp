#include "lab/accuracy/accuracy_figures.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "lab/families.hpp"
#include "lab/io/figure_set.hpp"

namespace smx {
namespace {

constexpr double floor_ulp = 1.0 / 64;  // log axes cannot show 0

bool finite_family(const std::string& name) {
  const FamilyInfo* f = find_family(name);
  return f && f->kind != FamilyKind::special;
}

// Per implementation: max of value(record) over finite, claimed f32/f64 records, by n.
template <class F>
std::vector<Series> by_n(const AccuracyRun& run, Dtype d, F value) {
  std::vector<Series> out;
  for (const std::string& name : impl_names(run)) {
    std::map<std::size_t, double> worst;
    for (const AccuracyRecord& r : run.records)
      if (r.impl == name && r.dtype == d && r.budget_applies && finite_family(r.family) && r.outputs)
        worst[r.n] = std::max(worst[r.n], value(r));
    Series s{name, {}};
    for (const auto& [n, v] : worst) s.points.emplace_back(static_cast<double>(n), std::max(v, floor_ulp));
    out.push_back(std::move(s));
  }
  return out;
}

// "a (x), b (y)": the highest and lowest last points of the series.
std::string extremes(const std::vector<Series>& series, const char* unit) {
  const Series *hi = nullptr, *lo = nullptr;
  for (const Series& s : series) {
    if (s.points.empty()) continue;
    if (!hi || s.points.back().second > hi->points.back().second) hi = &s;
    if (!lo || s.points.back().second < lo->points.back().second) lo = &s;
  }
  if (!hi) return "";
  return "At the largest n (" + std::to_string(static_cast<long long>(hi->points.back().first)) + ") the highest is `" +
         hi->title + "` with " + ulp_text(hi->points.back().second) + unit + ", the lowest `" + lo->title + "` with " +
         ulp_text(lo->points.back().second) + unit + ".";
}

// Per implementation of op: the max of one part's ulp error over the
// records that pass keep(r), by n (T = 1, f32).
template <class F>
std::vector<Series> op_by_n(const AccuracyRun& run, Op op, OpPart part, F keep) {
  std::vector<std::string> names;
  for (const OpAccuracyRecord& r : run.op_records)
    if (r.op == op && std::find(names.begin(), names.end(), r.impl) == names.end()) names.push_back(r.impl);
  std::vector<Series> out;
  for (const std::string& name : names) {
    std::map<std::size_t, double> worst;
    for (const OpAccuracyRecord& r : run.op_records) {
      if (r.impl != name || r.op != op || r.dtype != Dtype::f32 || r.temperature != 1 || !keep(r)) continue;
      if (const PartRecord* p = r.part(part); p && p->count) worst[r.n] = std::max(worst[r.n], p->max_ulp);
    }
    Series s{name, {}};
    for (const auto& [n, v] : worst) s.points.emplace_back(static_cast<double>(n), std::max(v, floor_ulp));
    if (!s.points.empty()) out.push_back(std::move(s));
  }
  return out;
}

void op_figures(FigureSet& figures, const AccuracyRun& run) {
  const auto finite = [](const OpAccuracyRecord& r) { return finite_family(r.family); };
  const auto confident = [](const OpAccuracyRecord& r) {
    return r.family == "dominant" && (r.target.empty() || r.target == "argmax");
  };
  struct Drawn {
    Op op;
    OpPart part;
    const char* file;
    const char* title;
    bool confident_only;
    const char* caption;
  };
  const Drawn drawn[] = {
      {Op::log_softmax, OpPart::value, "accuracy-log_softmax-ulp-vs-n-f32.png",
       "log_softmax: max ulp error vs n, f32 (every finite family)", false,
       "The strict ulp error of log-probabilities: a kernel that forms log(sum) in the working type returns 0 "
       "for the max element of a confident row, an error of millions of ulps."},
      {Op::cross_entropy, OpPart::loss, "accuracy-cross_entropy-tiny-loss-vs-n-f32.png",
       "cross_entropy: ulp error of the loss of a correct confident prediction vs n, f32 (dominant, target on it)",
       true,
       "The tiny-loss case: the loss is log1p(S1) ~ n e^-40, far below u; kernels that take log of a float sum "
       "(or log_softmax then negate) lose every digit of it, a kernel that keeps S1 apart from the max's 1 "
       "rounds it correctly."},
      {Op::cross_entropy, OpPart::grad_target, "accuracy-cross_entropy-grad-target-vs-n-f32.png",
       "cross_entropy: ulp error of the gradient's target element p_t - 1 vs n, f32 (dominant, target on it)", true,
       "p_t - 1 cancels when p_t ~ 1: computed from a rounded p_t it is 0 or a multiple of u; computed as "
       "-(S - e_t) / S it keeps its digits."},
      {Op::softmax_backward, OpPart::value, "accuracy-softmax_backward-ulp-vs-n-f32.png",
       "softmax_backward: max ulp error vs n, f32 (every finite family)", false,
       "dx_i = y_i (dy_i - <dy, y>): the subtraction cancels where dy_i is near the dot product, so a dot product "
       "rounded in the working type shows there, growing with n."},
  };
  for (const Drawn& d : drawn) {
    auto series = d.confident_only ? op_by_n(run, d.op, d.part, confident) : op_by_n(run, d.op, d.part, finite);
    figures.add(d.file, {d.title, "n", "max ulp error", true, true, "linespoints", series},
                std::string(d.caption) + " " + extremes(series, " ulp"));
  }
}

}  // namespace

std::vector<Figure> accuracy_figures(const AccuracyRun& run, const std::filesystem::path& dir) {
  FigureSet figures(dir);

  for (Dtype d : {Dtype::f32, Dtype::f64}) {
    const std::string t(to_string(d));
    auto series = by_n(run, d, [](const AccuracyRecord& r) { return r.max_ulp_normal; });
    figures.add("accuracy-ulp-vs-n-" + t + ".png",
         {"Max ulp error of normal outputs vs n, " + t + " (every finite family, where the budget is claimed)", "n",
          "max ulp error",
          true, true, "linespoints", series},
         "How each implementation's worst error grows with the row length: a recursive float sum grows with n, "
         "blocked or wider accumulators much less. " + extremes(series, " ulp"));
  }

  {  // error against the magnitude of the logits, f32, worst over n
    const std::pair<const char*, double> scales[] = {{"uniform-1", 1}, {"uniform-10", 10}, {"uniform-100", 100},
                                                     {"offset", 1e4}};
    std::vector<Series> series;
    for (const std::string& name : impl_names(run)) {
      Series s{name, {}};
      for (const auto& [family, scale] : scales) {
        double worst = -1;
        for (const AccuracyRecord& r : run.records)
          if (r.impl == name && r.dtype == Dtype::f32 && r.family == family && r.budget_applies && r.outputs)
            worst = std::max(worst, r.max_ulp_normal);
        if (worst >= 0) s.points.emplace_back(scale, std::max(worst, floor_ulp));
      }
      series.push_back(std::move(s));
    }
    figures.add("accuracy-ulp-vs-scale-f32.png",
         {"Max ulp error of normal outputs vs logit magnitude, f32 (uniform in [-s, s]; 1e4 = huge offset)", "magnitude s",
          "max ulp error", true, true, "linespoints", series},
         "Rounding x - max in the working type costs up to |x - max| / 2 ulp of the argument, which exp turns into "
         "a relative error: kernels that subtract in float lose accuracy as the logits spread. " +
             extremes(series, " ulp"));
  }

  {  // histogram of ulp errors, f32, every finite record merged
    std::vector<Series> series;
    for (const std::string& name : impl_names(run)) {
      UlpHistogram h;
      for (const AccuracyRecord& r : run.records)
        if (r.impl == name && r.dtype == Dtype::f32 && r.budget_applies && finite_family(r.family)) h.merge(r.histogram);
      Series s{name, {}};
      const double total = static_cast<double>(std::max<std::uint64_t>(1, h.total()));
      for (int b = 0; b + 1 < UlpHistogram::bins; ++b)
        if (h.count(b)) s.points.emplace_back(UlpHistogram::upper_edge(b), static_cast<double>(h.count(b)) / total);
      series.push_back(std::move(s));
    }
    figures.add("accuracy-ulp-histogram-f32.png",
         {"Distribution of ulp errors, f32 (every finite output; 1/16-ulp bins below 8 ulp)", "ulp error (bin upper edge)",
          "fraction of outputs", true, true, "steps", series},
         "The share of outputs at each error: a correctly rounded kernel would put everything at or below 0.5 ulp; "
         "long tails come from the exp argument's rounding and from the sum.");
  }

  {
    auto series = by_n(run, Dtype::f32, [](const AccuracyRecord& r) { return r.sum_error; });
    figures.add("accuracy-sum-error-vs-n-f32.png",
         {"Sum error |sum y - 1| / u vs n, f32 (sum taken exactly)", "n", "max |sum y - 1| / u", true, true,
          "linespoints", series},
         "How far the probabilities are from summing to one. With outputs near 1/n, each output's own rounding is "
         "about u/n, so a kernel with a good sum stays near 1 u at any n; growth shows the sum's rounding error "
         "(a recursive sum in the working type) reaching every output. " + extremes(series, " u"));
  }

  {
    auto series = by_n(run, Dtype::f32, [](const AccuracyRecord& r) { return r.bound_ratio; });
    figures.add("accuracy-bhh-ratio-vs-n-f32.png",
         {"Normwise error over the Blanchard-Higham-Higham bound vs n, f32", "n", "normwise error / bound", true, true,
          "linespoints", series},
         "Below 1, the implementation is inside the worst-case bound of the max-shifted algorithm (naive: the basic "
         "one); the bound grows like n, the observed error far slower, so the ratio falls with n. logsumexp lies "
         "above it at small n: rounding lse adds an error of |max| u that the shifted bound does not have.");
  }
  op_figures(figures, run);
  return figures.take();
}

}  // namespace smx
