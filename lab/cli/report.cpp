// `softmax-lab report`: renders a benchmark JSON into benchmarks.md and figures:
// the snapshot's JSON into reports/, another one into --out DIR or to stdout.
#include <algorithm>
#include <optional>
#include <ostream>
#include <system_error>

#include "lab/io/atomic_file.hpp"
#include "lab/cli/command.hpp"
#include "lab/cli/errors.hpp"
#include "lab/cli/output_dir.hpp"
#include "lab/cli/text.hpp"
#include "bench/report/bench_figures.hpp"
#include "bench/bench_json.hpp"
#include "bench/report/bench_markdown.hpp"
#include "bench/report/targets.hpp"

namespace smx::cli::commands {
namespace {

constexpr OptionSpec report_options[] = {
    {"in", "FILE", "the benchmark JSON (default: DIR/benchmarks.json with --out DIR,\nelse reports/benchmarks.json)"},
    {"out", "DIR", "write benchmarks.md and figures/ in DIR (created if missing)\n(default: reports/ when rendering reports/benchmarks.json, else stdout)"},
    {"baseline", "NAME", "the implementation speedups are measured against (default: stable)"},
};

// True when `in` is the snapshot's own JSON, however it is spelled.
bool is_snapshot(const std::filesystem::path& in) {
  std::error_code ec;
  return std::filesystem::equivalent(in, reports_dir() / "benchmarks.json", ec);
}

int run_report_command(const Args& args, Io& io) {
  const std::string baseline = args.last("baseline").value_or("stable");
  std::optional<std::filesystem::path> dir = out_dir(args);
  // `bench --out DIR` then `report --out DIR`: the JSON is read where bench wrote it.
  const std::filesystem::path in = args.has("in") ? std::filesystem::path(*args.last("in"))
                                   : dir            ? *dir / "benchmarks.json"
                                                    : reports_dir() / "benchmarks.json";
  BenchResults results;
  try {
    results = read_bench_results(in);
  } catch (const BenchJsonError& e) {
    throw InputError(e.what());
  }
  const auto names = impl_names(results);
  if (!names.empty() && std::find(names.begin(), names.end(), baseline) == names.end()) {
    std::string valid;
    for (const std::string& n : names) valid += cat({valid.empty() ? "" : ", ", n});
    throw UsageError(cat({"baseline ", quote(baseline), " has no results in ", quote(in.string(), 200), "; valid: ", valid}));
  }
  const Roofline roofline = roofline_from(results);
  // The targets' tally, so a run without the peers does not pass for one that meets them.
  const std::string targets = cat({"speed targets: ", targets_summary(evaluate_targets(results, roofline))});
  const std::string from = cat({std::to_string(results.results.size()), " benchmarks from ", in.string()});
  if (!dir && is_snapshot(in)) dir = reports_dir();
  if (!dir) {
    io.out << bench_markdown(results, roofline, baseline, {});
    note(io.err, "report", cat({from, " rendered to stdout: not the snapshot's JSON, so ", reports_dir().string(),
                                " is left as it is (--out DIR writes the files); ", targets}));
    return 0;
  }
  const std::vector<Figure> figures = bench_figures(results, roofline, *dir);
  write_file_atomically(*dir / "benchmarks.md", bench_markdown(results, roofline, baseline, figures));
  note(io.err, "report", cat({from, "; wrote ", (*dir / "benchmarks.md").string(), " and ", std::to_string(figures.size()),
                              " figures in ", (*dir / "figures").string(), "; ", targets}));
  return 0;
}

}  // namespace

Command report() {
  return {
      .name = "report",
      .summary = "render benchmark JSON: benchmarks.md and figures",
      .synopsis = "report [--in FILE] [--out DIR] [--baseline NAME]",
      .description =
          "Renders the JSON of `softmax-lab bench` into benchmarks.md: context and warnings (CPU scaling,\n"
          "debug library), the speed targets (met, not met with the distance, or not measured\n"
          "with the reason), a headline table, the roofline probes, every result per size class (where\n"
          "the working set lives: L1, L2, L3, DRAM) with median, min and CV of the repetitions, the\n"
          "speedup against the baseline (\"no difference resolved\" where the spreads overlap) and the\n"
          "fraction of the roofline bound, FTZ/DAZ and thread comparisons, a table per operation beyond\n"
          "softmax with the speedups against the baseline and each peer side by side, and the benchmarks\n"
          "skipped by verification; plus figures/bench-*.png (gnuplot). Files are replaced whole. A\n"
          "baseline without results of an operation is left out of its table.\n"
          "\n"
          "where it reads and writes:\n"
          "  Without --in and --out it renders the snapshot, reports/benchmarks.json, into reports/.\n"
          "  --out DIR reads DIR/benchmarks.json (where `bench --out DIR` writes it) and writes\n"
          "  DIR/benchmarks.md and DIR/figures/. --in FILE reads FILE instead; another file than the\n"
          "  snapshot's without --out is rendered to stdout (markdown, no figures) and reports/ is left\n"
          "  as it is. $SMX_REPORTS_DIR, when set, stands for reports/.\n",
      .options = report_options,
      .max_positionals = 0,
      .run = run_report_command,
  };
}

}  // namespace smx::cli::commands
