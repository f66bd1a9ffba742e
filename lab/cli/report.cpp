// `softmax-lab report`: renders a benchmark JSON into benchmarks.md and figures.
#include <algorithm>
#include <ostream>

#include "lab/io/atomic_file.hpp"
#include "lab/cli/command.hpp"
#include "lab/cli/errors.hpp"
#include "lab/cli/text.hpp"
#include "bench/report/bench_figures.hpp"
#include "bench/bench_json.hpp"
#include "bench/report/bench_markdown.hpp"
#include "bench/report/targets.hpp"

namespace smx::cli::commands {
namespace {

constexpr OptionSpec report_options[] = {
    {"in", "FILE", "the benchmark JSON (default: the source tree's reports/benchmarks.json)"},
    {"out", "DIR", "where benchmarks.md and figures/ go (default: the source tree's reports/)"},
    {"baseline", "NAME", "the implementation speedups are measured against (default: stable)"},
};

int run_report_command(const Args& args, Io& io) {
  const std::filesystem::path in = args.last("in").value_or(SMX_SOURCE_DIR "/reports/benchmarks.json");
  const std::filesystem::path out_dir = args.last("out").value_or(SMX_SOURCE_DIR "/reports");
  const std::string baseline = args.last("baseline").value_or("stable");
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
  const std::vector<Figure> figures = bench_figures(results, roofline, out_dir);
  write_file_atomically(out_dir / "benchmarks.md", bench_markdown(results, roofline, baseline, figures));
  io.out << "report: " << results.results.size() << " benchmarks from " << in.string() << "; wrote "
         << (out_dir / "benchmarks.md").string() << " and " << figures.size() << " figures in "
         << (out_dir / "figures").string() << "\n";
  // The targets' tally, so a run without the peers does not pass for one that meets them.
  io.out << "report: issue 6 targets: " << targets_summary(evaluate_targets(results, roofline)) << "\n";
  return 0;
}

}  // namespace

Command report() {
  return {
      .name = "report",
      .summary = "render benchmark JSON: reports/benchmarks.md and figures",
      .synopsis = "report [--in FILE] [--out DIR] [--baseline NAME]",
      .description =
          "Renders the JSON of `softmax-lab bench` into benchmarks.md: context and warnings (CPU scaling,\n"
          "debug library), issue 6's speed targets (met, not met with the distance, or not measured\n"
          "with the reason), a headline table, the roofline probes, every result per size class (where\n"
          "the working set lives: L1, L2, L3, DRAM) with median, min and CV of the repetitions, the\n"
          "speedup against the baseline (\"no difference resolved\" where the spreads overlap) and the\n"
          "fraction of the roofline bound, FTZ/DAZ and thread comparisons, and the benchmarks skipped by\n"
          "verification; plus figures/bench-*.png (gnuplot). Files are replaced whole.\n",
      .options = report_options,
      .max_positionals = 0,
      .run = run_report_command,
  };
}

}  // namespace smx::cli::commands
