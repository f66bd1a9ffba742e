#include "bench/report/bench_figures.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "impls/registry.hpp"
#include "lab/io/figure_set.hpp"

namespace smx {
namespace {

bool single_row(const BenchResult& r, Op op, Dtype d, std::string_view family, bool ftz = false) {
  return r.ok() && r.id.of(op) && !r.id.rows && r.id.dtype == d && r.id.family == family && r.id.ftz == ftz;
}

// Per implementation: value(result) over n for op's one-row results on normal logits.
template <class F>
std::vector<Series> by_n(const BenchResults& results, Op op, Dtype d, F value) {
  std::vector<Series> out;
  for (const std::string& impl : drawn_impls(results)) {
    Series s{impl, {}};
    for (const BenchResult& r : results.results)
      if (single_row(r, op, d, "normal") && r.id.impl == impl)
        if (const auto v = value(r)) s.points.emplace_back(static_cast<double>(r.id.n), *v);
    std::sort(s.points.begin(), s.points.end());
    out.push_back(std::move(s));
  }
  return out;
}

// "a (x), ..." at the largest n of the series: the fastest and the slowest.
std::string extremes(const std::vector<Series>& series, const char* what, const char* unit) {
  const Series *hi = nullptr, *lo = nullptr;
  double n = 0;
  for (const Series& s : series)
    if (!s.points.empty()) n = std::max(n, s.points.back().first);
  for (const Series& s : series) {
    if (s.points.empty() || s.points.back().first != n) continue;
    if (!hi || s.points.back().second > hi->points.back().second) hi = &s;
    if (!lo || s.points.back().second < lo->points.back().second) lo = &s;
  }
  if (!hi) return "";
  return "At the largest n (" + std::to_string(static_cast<long long>(n)) + ") the " + what + " is highest for `" + hi->title +
         "` (" + md::fixed(hi->points.back().second, "%.3g") + unit + ") and lowest for `" + lo->title + "` (" +
         md::fixed(lo->points.back().second, "%.3g") + unit + ").";
}

}  // namespace

std::vector<std::string> drawn_impls(const BenchResults& results) {
  std::vector<std::string> names;
  for (const std::string& n : impl_names(results))
    if (results.role_of(n) != Role::isa_path) names.push_back(n);
  return names;
}

std::vector<Figure> bench_figures(const BenchResults& results, const Roofline& roofline, const std::filesystem::path& dir) {
  FigureSet figures(dir);

  for (const Dtype d : {Dtype::f32, Dtype::f64}) {
    const std::string t(to_string(d));
    auto series = by_n(results, Op::softmax, d, [](const BenchResult& r) -> std::optional<double> { return r.throughput() / 1e9; });
    const std::string summary = extremes(series, "throughput", " G el/s");
    Series exp{"exp-only probe", {}, "linespoints lw 1.5 dt 3 pt 6 lc rgb 'black'"};
    Series bound{"roofline bound", {}, "lines lw 6 lc rgb '#b0b0b0'"};
    std::set<std::size_t> sizes;
    for (const Series& s : series)
      for (const auto& p : s.points) sizes.insert(static_cast<std::size_t>(p.first));
    for (const std::size_t n : sizes) {
      if (const auto e = roofline.exp_seconds.find({d, n}); e != roofline.exp_seconds.end())
        exp.points.emplace_back(static_cast<double>(n), static_cast<double>(n) / e->second / 1e9);
      if (const auto b = roofline.bound_seconds(d, n)) bound.points.emplace_back(static_cast<double>(n), static_cast<double>(n) / *b / 1e9);
    }
    series.insert(series.begin(), std::move(bound));  // drawn first, under the rest
    series.push_back(std::move(exp));
    figures.add("bench-throughput-" + t + ".png",
         {"Softmax throughput vs row length, " + t + ", normal logits (median of the repetitions)", "n (elements per row)",
          "G elements / s", true, true, "linespoints", series},
         "Each implementation's throughput over row lengths from L1-resident rows to DRAM; the last two lines are "
         "the exp-only kernel and the roofline bound (the slower of exp-only and 2 reads + 1 write at the copy "
         "bandwidth of the level the row lives in). Short rows pay the fixed cost of three passes; long ones "
         "the memory level. " + summary);

    auto fraction = by_n(results, Op::softmax, d, [&](const BenchResult& r) -> std::optional<double> {
      const auto b = roofline.bound_seconds(r.id.dtype, r.id.n);
      if (!b) return std::nullopt;
      return *b / r.median;
    });
    Plot p{"Fraction of the roofline bound vs row length, " + t + ", normal logits", "n (elements per row)",
           "bound time / measured time", true, false, "linespoints", fraction};
    p.yzero = true;
    figures.add("bench-roofline-" + t + ".png", p,
         "1 means the implementation runs at the bound of this machine (its exp-only kernel or its memory "
         "bandwidth, whichever is slower at that n); 0.25 means four times slower than the bound. " +
             extremes(fraction, "fraction of the bound", ""));
  }

  // The other operations: throughput vs n (their traffic differs, so no roofline line).
  for (const OpInfo& op : op_table) {
    if (op.op == Op::softmax) continue;  // drawn above, with the probes and the bound
    for (const Dtype d : {Dtype::f32, Dtype::f64}) {
      const std::string t(to_string(d)), name(op.name);
      auto series = by_n(results, op.op, d, [](const BenchResult& r) -> std::optional<double> { return r.throughput() / 1e9; });
      figures.add("bench-throughput-" + name + "-" + t + ".png",
                  {name + " throughput vs row length, " + t + ", normal logits (median of the repetitions)",
                   "n (elements per row)", "G elements / s", true, true, "linespoints", series},
                  "Each implementation's " + name + " (" + std::string(op.formula) + ") over the row lengths the run has. " +
                      extremes(series, "throughput", " G el/s"));
    }
  }

  {  // throughput per family at one n, f32
    std::map<std::string, std::set<std::size_t>> sizes;  // family -> n
    for (const BenchResult& r : results.results)
      if (r.ok() && r.id.of(Op::softmax) && !r.id.rows && r.id.dtype == Dtype::f32)
        sizes[r.id.family + (r.id.ftz ? "/ftz" : "")].insert(r.id.n);
    std::size_t n = 0;  // the largest n every family has
    if (!sizes.empty())
      for (const std::size_t candidate : sizes.begin()->second)
        if (std::all_of(sizes.begin(), sizes.end(), [&](const auto& f) { return f.second.count(candidate) > 0; })) n = candidate;
    const std::pair<std::string, bool> categories[] = {{"normal", false}, {"masked", false}, {"offset", false},
                                                       {"wide", false},   {"wide", true}};
    Plot plot{"Throughput per input family, f32, n = " + std::to_string(n), "input family", "G elements / s", false, true,
              "linespoints", {}};
    for (std::size_t i = 0; i < std::size(categories); ++i)
      plot.xtics.emplace_back(static_cast<double>(i), categories[i].first + (categories[i].second ? " (FTZ/DAZ)" : ""));
    for (const std::string& impl : drawn_impls(results)) {
      Series s{impl, {}};
      for (std::size_t i = 0; n && i < std::size(categories); ++i)
        if (const BenchResult* r = results.find({BenchId::Kind::op, Dtype::f32, impl, categories[i].first, n, 0, 0, categories[i].second});
            r && r->ok())
          s.points.emplace_back(static_cast<double>(i), r->throughput() / 1e9);
      plot.series.push_back(std::move(s));
    }
    figures.add("bench-families-f32.png", plot,
         "The same row length with different values: -inf entries (masked), a huge offset, and logits spread beyond "
         "exp's range (wide: most outputs subnormal or 0), the last with flush-to-zero and denormals-are-zero set. A "
         "drop at wide that FTZ/DAZ removes is a denormal slow path.");
  }

  {  // thread scaling of batched rows, f32
    std::vector<std::pair<std::size_t, std::size_t>> shapes;
    std::map<std::string, std::map<std::pair<std::size_t, std::size_t>, std::map<int, const BenchResult*>>> by;
    for (const BenchResult& r : results.results)
      if (r.ok() && r.id.of(Op::softmax) && r.id.rows && r.id.dtype == Dtype::f32) {
        const std::pair shape{r.id.rows, r.id.n};
        if (std::find(shapes.begin(), shapes.end(), shape) == shapes.end()) shapes.push_back(shape);
        by[r.id.impl][shape][r.id.threads] = &r;
      }
    std::sort(shapes.begin(), shapes.end(), [](auto a, auto b) { return a.second > b.second; });
    Plot plot{"Batched rows: 2-thread speedup over 1 thread, f32", "rows x n", "speedup (median time, 1 thread / 2 threads)",
              false, false, "linespoints", {}};
    plot.yzero = true;
    for (std::size_t i = 0; i < shapes.size(); ++i)
      plot.xtics.emplace_back(static_cast<double>(i), std::to_string(shapes[i].first) + " x " + std::to_string(shapes[i].second));
    for (const std::string& impl : drawn_impls(results)) {
      Series s{impl, {}};
      for (std::size_t i = 0; i < shapes.size(); ++i) {
        const auto& t = by[impl][shapes[i]];
        if (t.count(1) && t.count(2)) s.points.emplace_back(static_cast<double>(i), t.at(1)->median / t.at(2)->median);
      }
      plot.series.push_back(std::move(s));
    }
    figures.add("bench-threads-f32.png", plot,
         "How much a second thread helps when the rows are split between two workers (2 = perfect scaling). The "
         "machine has 2 cores shared with other work, so scaling below 2 is partly the machine; small rows also pay "
         "the wake-up of the worker.");
  }
  return figures.take();
}

}  // namespace smx
