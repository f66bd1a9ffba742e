#include "bench/report/bench_markdown.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "bench/report/op_sections.hpp"
#include "bench/report/report_text.hpp"
#include "bench/report/targets.hpp"

namespace smx {
namespace {

using md::fixed;
using md::table_header;
using md::table_row;

std::string value_of(const BenchResults& r, const std::string& key, const std::string& fallback = "?") {
  const auto it = r.context.find(key);
  return it == r.context.end() || it->second.empty() ? fallback : it->second;
}

// The baseline result for the same input, shape, threads and FTZ setting.
const BenchResult* baseline_of(const BenchResults& results, const BenchResult& r, const std::string& baseline) {
  BenchId id = r.id;
  id.impl = baseline;
  return results.find(id);
}

std::size_t repetitions(const BenchResults& results) {
  std::size_t reps = 0;
  for (const BenchResult& r : results.results) reps = std::max(reps, r.seconds.size());
  return reps;
}

void warnings(std::ostream& out, const BenchResults& results) {
  if (results.cpu_scaling)
    out << "> **Warning:** CPU frequency scaling was enabled during the run: timings can drift with the clock. "
           "Treat differences below the spread with suspicion.\n\n";
  if (results.debug_library)
    out << "> **Warning:** the Google Benchmark library is a debug build: its own overhead may inflate short "
           "timings.\n\n";
}

void context_section(std::ostream& out, const BenchResults& results) {
  out << "## Context\n\n| | |\n|:--|:--|\n";
  out << "| CPU | " << value_of(results, "cpu_model") << " (" << value_of(results, "num_cpus") << " CPUs, "
      << value_of(results, "mhz_per_cpu") << " MHz) |\n";
  std::string levels;
  for (const MemoryLevel& l : results.levels)
    if (l.capacity) levels += (levels.empty() ? "" : ", ") + l.name + " " + bytes_text(l.capacity);
  out << "| caches (per core) | " << levels << " |\n";
  out << "| ISA | " << value_of(results, "isa") << "; vectorized kernels dispatch to " << value_of(results, "kernel_isa")
      << " |\n";
  std::string peers;  // the shipped libraries this run compared against; none when they were not built
  for (const std::string& impl : impl_names(results))
    if (results.role_of(impl) == Role::peer) peers.append(peers.empty() ? "`" : ", `").append(impl).append("`");
  out << "| peers | " << (peers.empty() ? std::string("none in this run: every comparison with a peer is not measured") : peers)
      << " |\n";
  out << "| compiler | " << value_of(results, "compiler") << " |\n";
  out << "| build | " << value_of(results, "build") << " |\n";
  out << "| libraries |";
  for (const auto& [key, value] : results.context)
    if (key.starts_with("library: ")) out << ' ' << key.substr(9) << ' ' << value << ';';
  out << " Google Benchmark library build: " << value_of(results, "library_build_type") << " |\n";
  out << "| CPU scaling | " << (results.cpu_scaling ? "enabled" : "disabled or unknown") << " |\n";
  out << "| load average (1, 5, 15 min) | " << value_of(results, "load_avg", "?") << " at the start, "
      << value_of(results, "load_avg_end", "?") << " at the end |\n";
  out << "| revision | " << value_of(results, "revision") << " |\n";
  out << "| date | " << value_of(results, "date_utc", value_of(results, "date")) << " |\n";
  std::size_t ok = 0, skipped = 0;
  for (const BenchResult& r : results.results) (r.ok() ? ok : skipped) += 1;
  out << "| run | preset " << value_of(results, "preset") << ", " << results.results.size() << " benchmarks (" << skipped
      << " skipped), " << repetitions(results) << " repetitions each, random interleaving; wall time "
      << fixed(std::strtod(value_of(results, "wall_seconds", "0").c_str(), nullptr), "%.0f") << " s |\n";
  out << "| timing | " << value_of(results, "timing") << " |\n";
  out << "| traffic model | " << value_of(results, "bytes_model") << " |\n";
  out << "| families | " << value_of(results, "input_families") << " (lab/families.cpp) |\n\n";
}

// The sizes the headline shows: the main family's sizes that are round or
// vocabulary-like, at most 7.
std::vector<std::size_t> headline_sizes(const BenchResults& results, Dtype d) {
  std::set<std::size_t> all;
  for (const BenchResult& r : results.results)
    if (r.id.of(Op::softmax) && !r.id.rows && r.id.family == "normal" && !r.id.ftz && r.id.dtype == d)
      all.insert(r.id.n);
  const std::set<std::size_t> preferred = {256, 1024, 32000, 128256, 1048576, 16777216, 67108864};  // the speed targets' sizes
  std::vector<std::size_t> out;
  for (std::size_t n : all)
    if (all.size() <= 7 || preferred.count(n)) out.push_back(n);
  return out;
}

void headline_section(std::ostream& out, const BenchResults& results, const Roofline& roofline, const std::string& baseline) {
  out << "## Headline: normal logits, one row\n\nThroughput in G elements/s at the median time (higher is better), "
         "speedup against `" << baseline << "` in parentheses where the spreads do not overlap. The last rows are "
         "the exp-only probe and the roofline bound at the same n.\n\n";
  for (const Dtype d : {Dtype::f32, Dtype::f64}) {
    const std::vector<std::size_t> sizes = headline_sizes(results, d);
    if (sizes.empty()) continue;
    out << "### " << to_string(d) << "\n\n";
    std::vector<std::string> head = {"implementation"};
    for (std::size_t n : sizes) head.push_back("n = " + size_text(n));
    table_header(out, head);
    for (const std::string& impl : impl_names(results)) {
      std::vector<std::string> row = {"`" + impl + "`"};
      bool any = false;
      for (std::size_t n : sizes) {
        const BenchResult* r = results.find({BenchId::Kind::op, d, impl, "normal", n, 0, 0, false});
        if (!r) {
          row.push_back("");
          continue;
        }
        any = true;
        if (!r->ok()) {
          row.push_back("skipped");
          continue;
        }
        std::string cell = gels(r->throughput());
        const std::string s = speedup_text(*r, baseline_of(results, *r, baseline));
        if (impl != baseline && s.ends_with("×")) cell += " (" + s + ")";
        row.push_back(cell);
      }
      if (any) table_row(out, row);
    }
    std::vector<std::string> exp_row = {"*exp-only probe*"}, bound_row = {"*roofline bound*"};
    for (std::size_t n : sizes) {
      const auto e = roofline.exp_seconds.find({d, n});
      exp_row.push_back(e == roofline.exp_seconds.end() ? "" : gels(static_cast<double>(n) / e->second));
      const auto b = roofline.bound_seconds(d, n);
      bound_row.push_back(b ? gels(static_cast<double>(n) / *b) + " (" + roofline.binding(d, n) + ")" : "");
    }
    table_row(out, exp_row);
    table_row(out, bound_row);
    out << '\n';
  }
}

void probes_section(std::ostream& out, const BenchResults& results, const Roofline& roofline) {
  out << "## Roofline probes\n\nMemory copy (glibc memcpy of half the working set into the other half) at a working "
         "set inside each level; bandwidth counts bytes read plus bytes written. The exp-only kernel computes "
         "exp(x)·2^64 with the exp the vectorized softmax uses (best ISA path), one read and one write per element.\n\n";
  table_header(out, {"level", "working set", "copy bandwidth (GB/s)", "CV"});
  std::map<std::size_t, const BenchResult*> copies;  // by working set
  for (const BenchResult& r : results.results)
    if (r.id.kind == BenchId::Kind::copy && r.ok()) copies[r.id.n] = &r;
  for (const auto& [bytes, r] : copies)
    table_row(out, {level_of(bytes, roofline.levels).name, bytes_text(bytes),
                    fixed(static_cast<double>(bytes) / r->median / 1e9, "%.1f"), percent(r->cv)});
  out << '\n';
  std::map<std::size_t, std::map<Dtype, const BenchResult*>> exp;
  for (const BenchResult& r : results.results)
    if (r.id.kind == BenchId::Kind::exp && r.ok()) exp[r.id.n][r.id.dtype] = &r;
  if (exp.empty()) return;
  table_header(out, {"n", "exp-only f32 (G el/s)", "CV", "exp-only f64 (G el/s)", "CV"});
  for (const auto& [n, by] : exp) {
    std::vector<std::string> row = {size_text(n)};
    for (const Dtype d : {Dtype::f32, Dtype::f64}) {
      const auto it = by.find(d);
      row.push_back(it == by.end() ? "" : gels(it->second->throughput()));
      row.push_back(it == by.end() ? "" : percent(it->second->cv));
    }
    table_row(out, row);
  }
  out << '\n';
}

void size_class_section(std::ostream& out, const BenchResults& results, const Roofline& roofline, const std::string& baseline) {
  out << "## Every single-row result, by where the working set lives\n\n"
         "Working set: input and output, 2n elements. *median*, *min*: time per row over the repetitions (CPU "
         "time of the benchmark's thread, see *timing* above); *CV*: "
         "their standard deviation over the mean; *G el/s* at the median; *vs " << baseline << "*: the baseline's "
         "median over this one's, or *no difference resolved* when the two ranges (min..max) overlap; *of bound*: "
         "the roofline bound's time over the median (100% = at the bound).\n\n";
  for (const Dtype d : {Dtype::f32, Dtype::f64}) {
    for (const MemoryLevel& level : roofline.levels) {
      std::vector<const BenchResult*> rows;
      for (const BenchResult& r : results.results)
        if (r.id.of(Op::softmax) && !r.id.rows && r.id.dtype == d &&
            roofline.level_of_row(d, r.id.n).name == level.name)
          rows.push_back(&r);
      if (rows.empty()) continue;
      const auto names = impl_names(results);
      const auto rank = [&](const std::string& impl) { return std::find(names.begin(), names.end(), impl) - names.begin(); };
      std::sort(rows.begin(), rows.end(), [&](const BenchResult* a, const BenchResult* b) {
        return std::tuple(a->id.family, a->id.ftz, a->id.n, rank(a->id.impl)) <
               std::tuple(b->id.family, b->id.ftz, b->id.n, rank(b->id.impl));
      });
      out << "### " << to_string(d) << " · " << level.name;
      if (level.capacity) out << " (2n·" << element_bytes(d) << " B ≤ " << bytes_text(level.capacity) << ")";
      out << "\n\n";
      table_header(out, {"family", "n", "implementation", "median", "min", "CV", "G el/s", "vs " + baseline, "of bound"});
      for (const BenchResult* r : rows) {
        const std::string family = r->id.family + (r->id.ftz ? " (FTZ/DAZ)" : "");
        if (!r->ok()) {
          table_row(out, {family, size_text(r->id.n), "`" + r->id.impl + "`", "skipped", "", "", "", "", ""});
          continue;
        }
        const auto bound = roofline.bound_seconds(d, r->id.n);
        table_row(out, {family, size_text(r->id.n), "`" + r->id.impl + "`" + (r->label.empty() ? "" : " †"),
                        duration_text(r->median), duration_text(r->min), percent(r->cv), gels(r->throughput()),
                        r->id.impl == baseline ? "baseline" : speedup_text(*r, baseline_of(results, *r, baseline)),
                        bound ? percent(*bound / r->median) : "-"});
      }
      out << '\n';
    }
  }
  out << "† outside the domain the implementation declares (naive where exp overflows): timed, not verified.\n\n";
}

void ftz_section(std::ostream& out, const BenchResults& results) {
  std::vector<std::pair<const BenchResult*, const BenchResult*>> pairs;
  for (const BenchResult& r : results.results) {
    if (!r.id.of(Op::softmax) || !r.id.ftz) continue;
    BenchId plain = r.id;
    plain.ftz = false;
    if (const BenchResult* p = results.find(plain); p && p->ok() && r.ok()) pairs.push_back({p, &r});
  }
  if (pairs.empty()) return;
  out << "## Subnormal outputs: the FTZ/DAZ variant\n\n"
         "The `wide` family puts most outputs below the normal range. The same benchmark with flush-to-zero and "
         "denormals-are-zero set in MXCSR for the timed loop shows what subnormal arithmetic costs each kernel "
         "(a large speedup = a denormal slow path; under FTZ the subnormal outputs become 0, so the outputs differ).\n\n";
  table_header(out, {"dtype", "n", "implementation", "default", "FTZ/DAZ", "FTZ speedup"});
  const auto names = impl_names(results);
  std::sort(pairs.begin(), pairs.end(), [&](auto a, auto b) {
    const auto rank = [&](const std::string& impl) { return std::find(names.begin(), names.end(), impl) - names.begin(); };
    return std::tuple(a.first->id.dtype, a.first->id.n, rank(a.first->id.impl)) <
           std::tuple(b.first->id.dtype, b.first->id.n, rank(b.first->id.impl));
  });
  for (const auto& [plain, ftz] : pairs)
    table_row(out, {std::string(to_string(plain->id.dtype)), size_text(plain->id.n), "`" + plain->id.impl + "`",
                    duration_text(plain->median), duration_text(ftz->median), speedup_text(*ftz, plain)});
  out << '\n';
}

void threads_section(std::ostream& out, const BenchResults& results) {
  std::map<std::tuple<Dtype, std::size_t, std::size_t, std::string>, std::map<int, const BenchResult*>> shapes;
  for (const BenchResult& r : results.results)
    if (r.id.of(Op::softmax) && r.id.rows) shapes[{r.id.dtype, r.id.rows, r.id.n, r.id.impl}][r.id.threads] = &r;
  if (shapes.empty()) return;
  std::set<int> threads;
  for (const auto& [key, by] : shapes)
    for (const auto& [t, r] : by) threads.insert(t);
  out << "## Batched rows and threads\n\nrows × n in one call (`softmax_batched`: an implementation's own batch kernel, "
         "else its rows split into equal contiguous chunks over a persistent worker pool). G elements/s at the median; "
         "*scaling*: the 1-thread median over the many-thread one, or *no difference resolved*.\n\n";
  std::vector<std::string> head = {"dtype", "rows × n", "implementation"};
  for (int t : threads) head.push_back(std::to_string(t) + (t == 1 ? " thread" : " threads"));
  head.push_back("scaling");
  table_header(out, head);
  const auto names = impl_names(results);
  std::vector<std::pair<std::tuple<Dtype, std::size_t, std::size_t, std::size_t>, const std::map<int, const BenchResult*>*>> ordered;
  for (const auto& [key, by] : shapes) {
    const auto& [d, rows, n, impl] = key;
    ordered.push_back({{d, rows, n, static_cast<std::size_t>(std::find(names.begin(), names.end(), impl) - names.begin())}, &by});
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, by] : ordered) {
    const BenchResult* any = by->begin()->second;
    std::vector<std::string> row = {std::string(to_string(any->id.dtype)),
                                    std::to_string(any->id.rows) + " × " + std::to_string(any->id.n), "`" + any->id.impl + "`"};
    for (int t : threads) {
      const auto it = by->find(t);
      row.push_back(it == by->end() ? "" : it->second->ok() ? gels(it->second->throughput()) : "skipped");
    }
    const auto one = by->find(*threads.begin()), many = by->find(*threads.rbegin());
    row.push_back(one != by->end() && many != by->end() && one != many && one->second->ok() && many->second->ok()
                      ? speedup_text(*many->second, one->second)
                      : "-");
    table_row(out, row);
  }
  out << '\n';
}

void skipped_section(std::ostream& out, const BenchResults& results) {
  std::vector<const BenchResult*> skipped;
  std::map<std::string, std::size_t> unverified;
  for (const BenchResult& r : results.results) {
    if (!r.error.empty()) skipped.push_back(&r);
    else if (!r.label.empty()) ++unverified[r.id.impl];
  }
  out << "## Skipped: verification failed\n\nBefore timing, each implementation's output on the benchmark's own input "
         "is checked against its declared ulp budget and special-value policy (the check of the tests and the "
         "accuracy report); one that breaks it is not timed.\n\n";
  if (skipped.empty()) out << "None: every implementation kept its declaration on every benchmark input.\n\n";
  for (const BenchResult* r : skipped) out << "- `" << r->name << "`: " << r->error << '\n';
  if (!skipped.empty()) out << '\n';
  if (!unverified.empty()) {
    out << "Timed but not verified, because the input is outside the domain the implementation claims:";
    for (const auto& [impl, count] : unverified) out << " `" << impl << "` (" << count << " benchmarks)";
    out << ".\n\n";
  }
}

}  // namespace

std::string bench_markdown(const BenchResults& results, const Roofline& roofline, const std::string& baseline,
                           const std::vector<Figure>& figures) {
  std::ostringstream out;
  out << "# softmax-lab benchmark report\n\n"
         "Every implementation timed with Google Benchmark on inputs it was first verified on, against this "
         "machine's own roofline. Regenerate with `softmax-lab bench --quick` (or the full preset, `softmax-lab "
         "bench`) and `softmax-lab report`; the raw numbers are in `benchmarks.json`. Measured on "
      << value_of(results, "num_cpus") << " CPUs with a load average of " << value_of(results, "load_avg")
      << " at the start: read every difference against its spread.\n\n";
  warnings(out, results);
  context_section(out, results);
  targets_section(out, evaluate_targets(results, roofline));
  headline_section(out, results, roofline, baseline);
  probes_section(out, results, roofline);
  if (!figures.empty()) {
    out << "## Figures\n\n";
    for (const Figure& f : figures)
      out << "### " << f.title << "\n\n![" << f.title << "](" << f.file << ")\n\n" << f.caption << "\n\n";
  }
  threads_section(out, results);
  ftz_section(out, results);
  op_sections(out, results, baseline);
  skipped_section(out, results);
  size_class_section(out, results, roofline, baseline);
  return out.str();
}

}  // namespace smx
