// `softmax-lab bench`: the Google Benchmark program (bench/): every
// implementation x operation x dtype x family x n, batched shapes and threads, roofline
// probes; console output on stdout, the JSON in reports/benchmarks.json for
// an unfiltered run, in --out DIR or nowhere for a filtered one.
#include <algorithm>
#include <iterator>
#include <ostream>
#include <stdexcept>
#include <vector>

#include "bench/run_suite.hpp"
#include "lab/cli/command.hpp"
#include "lab/cli/errors.hpp"
#include "lab/cli/filters.hpp"
#include "lab/cli/output_dir.hpp"
#include "lab/cli/text.hpp"

namespace smx::cli::commands {
namespace {

constexpr OptionSpec bench_options[] = {
    {"impl", "NAME[,NAME...]", "only these implementations ('all', 'prefix*' allowed)"},
    {"family", "NAME[,NAME...]", "only benchmarks drawing from these input families (normal-1, wide, masked, offset)"},
    {"n", "N[,N...]", "only these row lengths, k/M suffixes allowed (batched: the columns)"},
    {"dtype", "f32|f64|both", "only this element type (default: both)"},
    {"op", "OP[,OP...]", "only these operations (softmax, log_softmax, cross_entropy, softmax_backward)"},
    {"quick", "", "the quick preset: the speed targets' sizes and one or two per memory level"},
    {"out", "DIR", "write benchmarks.json in DIR (created if missing)\n(default: reports/ for an unfiltered run, none for a filtered one)"},
    {"no-json", "", "write no JSON file (console output only)"},
};

// The shared filters, applied to the plan; any of them narrows the run.
constexpr std::string_view selection_options[] = {"impl", "family", "n", "dtype", "op"};

BenchSelection selection_from(const Args& args) {
  BenchSelection s;
  for (const ImplChoice& c : parse_impls(args.all("impl"))) s.impls.push_back(c.impl);
  for (const FamilyInfo* f : parse_families(args.all("family"))) s.input_families.push_back(f->name);
  s.sizes = parse_sizes(args.all("n"));
  if (const auto d = args.last("dtype")) s.dtypes = parse_dtypes(*d, true);
  if (args.has("op")) s.ops = parse_ops(args.all("op"));
  return s;
}

// Google Benchmark flags that change only how the console shows the run;
// every other one (filter, repetitions, minimum time, ...) changes what the
// JSON holds, so the run is not the preset's snapshot.
constexpr std::string_view display_flags[] = {"benchmark_format", "benchmark_color", "benchmark_counters_tabular",
                                              "benchmark_list_tests"};

// "--impl, --benchmark_filter": the options and flags that change the run; empty: none.
std::string changing_options(const Args& args) {
  std::string names = given(args, selection_options);
  std::vector<std::string_view> seen(std::begin(display_flags), std::end(display_flags));
  for (const std::string& f : args.passthrough) {
    const std::string_view name = std::string_view(f).substr(2, f.find('=') - 2);
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    names += cat({names.empty() ? "" : ", ", "--", name});
  }
  return names;
}

int run_bench_command(const Args& args, Io& io) {
  if (args.has("no-json") && args.has("out")) throw UsageError("--no-json and --out contradict each other: give one of them");
  BenchRunOptions options;
  options.preset = args.has("quick") ? Preset::quick : Preset::full;
  options.selection = selection_from(args);
  options.flags = args.passthrough;
  const std::string changed = changing_options(args);
  // Google Benchmark would find out only after the run, and exit 1.
  // ("--benchmark_out=" is Google Benchmark's "no file".)
  if (const auto file = flag_value(args.passthrough, "benchmark_out"); file && !file->empty())
    check_writable_file(*file, "--benchmark_out");
  if (const auto dir = out_dir(args)) options.json = *dir / "benchmarks.json";
  else if (!args.has("no-json") && changed.empty()) options.json = reports_dir() / "benchmarks.json";
  BenchRunResult result;
  try {
    result = run_benchmarks(options, io.out);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (result.listed) return 0;
  std::string line = cat({std::to_string(result.benchmarks), " benchmarks (", std::to_string(result.skipped),
                          " skipped: verification failed) in ", std::to_string(static_cast<long>(result.wall_seconds + 0.5)), " s"});
  if (!result.wrote.empty()) line += cat({"; wrote ", result.wrote.string()});
  else if (!args.has("no-json") && !changed.empty() && !flag_value(args.passthrough, "benchmark_out"))
    line += cat({"; no JSON written: ", changed, " change the run, so ", reports_dir().string(),
                 " is left as it is (--out DIR writes DIR/benchmarks.json)"});
  note(io.err, "bench", line);
  return 0;
}

// "    --flag --flag": a preset's flags, indented under its line.
std::string preset_text(Preset p) {
  std::string s = "   ";
  for (const std::string& f : preset_flags(p)) s += cat({" ", f});
  return s;
}

}  // namespace

Command bench() {
  static const std::string description = cat({
      "Times every available implementation with Google Benchmark, each operation it provides:\n"
      "<op>/<dtype>/<impl>/<family>/n:<N> (op: softmax, log_softmax, cross_entropy, softmax_backward)\n"
      "for the families normal, wide (most outputs subnormal; also with /ftz: flush-to-zero and\n"
      "denormals-are-zero in the timed loop), masked (about half -inf) and offset (1e4 + small spread),\n"
      "n from 16 to 2^26 in powers of 4 and 1000, 32000, 50257, 128256, 151936; batched\n"
      "<op>/<dtype>/<impl>/normal/rows:<R>/n:<N>/threads:<T> (64x32000, 512x1024, 4096x128 at 1 and\n"
      "2 threads; the operations beyond softmax also 64x128256); and the roofline probes\n"
      "probe/copy/<bytes> (memcpy at an L1, L2, L3 and DRAM working set) and probe/exp/<dtype>/n:<N>\n"
      "(the exp-only kernel). cross_entropy's target is a seeded random class per row, softmax_backward's\n"
      "y = softmax(x) and dy from normal-1 (the accuracy report's cases). Each implementation is first\n"
      "checked against its declaration on the benchmark's own input; one that breaks it is skipped with\n"
      "the error, not timed. Counters: items_per_second (elements) and bytes_per_second (per element:\n"
      "2 reads + 1 write; softmax_backward 4 reads + 1 write), per second of the benchmark's clock: the\n"
      "thread's CPU time (cpu_time) for single rows and probes, so time other processes take is not\n"
      "counted; wall-clock time (real_time) for batched rows, whose workers share the work.\n"
      "\n"
      "--impl, --dtype, --family, --n and --op select from the preset as they do in `softmax-lab accuracy`\n"
      "(families by the input they draw: normal-1, wide, masked, offset); any of them leaves out the\n"
      "roofline probes, which belong to no implementation (--benchmark_filter=probe times them).\n"
      "\n"
      "Google Benchmark's own --benchmark_* flags pass through (write them as --flag=value) and come\n"
      "after the preset's defaults, so they win: --benchmark_filter=REGEX, --benchmark_repetitions=N,\n"
      "--benchmark_format=json, --benchmark_list_tests, --benchmark_min_time=SECONDS, ...\n"
      "\n"
      "presets (--benchmark_* defaults):\n"
      "  full: every benchmark above (--benchmark_list_tests counts them). Hours, not minutes, and\n"
      "  verifying one 2^26-element f64 row needs gigabytes of memory\n", preset_text(Preset::full), "\n"
      "  quick: softmax on normal rows at 256, 1024, 4096, 32000, 128256, 2^20 and 2^22, plus 2^24\n"
      "  in f32 for the dispatching entries of the suite's kernels (vectorized, accurate, ...) and the\n"
      "  peers; the other families at 4096 and 128256; batched in f32; ISA paths (vectorized.avx2,\n"
      "  ...) on normal rows only; the other operations in f32 on normal rows at 32000 and 128256 and\n"
      "  cross_entropy over 64x128256 at 1 thread, for the suite's kernels and the peers (minutes)\n", preset_text(Preset::quick), "\n"
      "\n"
      "The JSON (with the run's context: CPU, caches, compiler, libraries, revision, preset) is written\n"
      "to a temporary file and renamed when the run completes; `softmax-lab report` renders it.\n"
      "\n"
      "where the JSON goes:\n"
      "  A run of a preset as it is (no --impl, --dtype, --family, --n, no --benchmark_* flag but\n"
      "  --benchmark_format, _color, _counters_tabular) writes the source tree's reports/benchmarks.json,\n"
      "  the committed snapshot. Any of those options or another --benchmark_* flag (a filter,\n"
      "  repetitions, minimum time, ...) changes the run: it\n"
      "  leaves reports/ as it is and writes no JSON, saying so on stderr; --out DIR writes\n"
      "  DIR/benchmarks.json instead, whatever the flags (then `softmax-lab report --out DIR` renders\n"
      "  it there). --benchmark_format=json prints the JSON to stdout. $SMX_REPORTS_DIR, when set,\n"
      "  stands for reports/.\n"});
  return {
      .name = "bench",
      .summary = "time every implementation (Google Benchmark): benchmarks.json",
      .synopsis = "bench [--quick] [--impl ...] [--dtype ...] [--family ...] [--n ...] [--out DIR] [--benchmark_*=VALUE ...]",
      .description = description,
      .options = bench_options,
      .max_positionals = 0,
      .passthrough_prefix = "benchmark_",
      .run = run_bench_command,
  };
}

}  // namespace smx::cli::commands
