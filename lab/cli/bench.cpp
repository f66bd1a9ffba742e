// `softmax-lab bench`: the Google Benchmark program (bench/): every
// implementation x dtype x family x n, batched shapes and threads, roofline
// probes; console output on stdout, the JSON in reports/benchmarks.json.
#include <ostream>
#include <stdexcept>

#include "bench/run_suite.hpp"
#include "lab/cli/command.hpp"
#include "lab/cli/errors.hpp"
#include "lab/cli/text.hpp"

namespace smx::cli::commands {
namespace {

constexpr OptionSpec bench_options[] = {
    {"quick", "", "the quick preset: issue 6's sizes and one or two per memory level (about 4 minutes)"},
    {"out", "FILE", "where the JSON goes (default: the source tree's reports/benchmarks.json)"},
    {"no-json", "", "write no JSON file (console output only)"},
};

int run_bench_command(const Args& args, Io& io) {
  BenchRunOptions options;
  options.preset = args.has("quick") ? Preset::quick : Preset::full;
  options.flags = args.passthrough;
  if (!args.has("no-json")) options.json = args.last("out").value_or(SMX_SOURCE_DIR "/reports/benchmarks.json");
  BenchRunResult result;
  try {
    result = run_benchmarks(options, io.out);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (result.listed) return 0;
  io.err << "bench: " << result.benchmarks << " benchmarks (" << result.skipped
         << " skipped: verification failed) in " << static_cast<long>(result.wall_seconds + 0.5) << " s";
  if (!result.wrote.empty()) io.err << "; wrote " << result.wrote.string();
  io.err << '\n';
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
      "Times every available implementation with Google Benchmark: softmax/<dtype>/<impl>/<family>/n:<N>\n"
      "for the families normal, wide (most outputs subnormal; also with /ftz: flush-to-zero and\n"
      "denormals-are-zero in the timed loop), masked (about half -inf) and offset (1e4 + small spread),\n"
      "n from 16 to 2^26 in powers of 4 and 1000, 32000, 50257, 128256, 151936; batched\n"
      "softmax/<dtype>/<impl>/normal/rows:<R>/n:<N>/threads:<T> (64x32000, 512x1024, 4096x128 at 1 and\n"
      "2 threads); and the roofline probes probe/copy/<bytes> (memcpy at an L1, L2, L3 and DRAM working\n"
      "set) and probe/exp/<dtype>/n:<N> (the exp-only kernel). Each implementation is first checked\n"
      "against its declared budget on the benchmark's own input; one that breaks it is skipped with the\n"
      "error, not timed. Counters: items_per_second (elements) and bytes_per_second (2 reads + 1 write\n"
      "per element), per second of the benchmark's clock: the thread's CPU time (cpu_time) for single\n"
      "rows and probes, so time other processes take is not counted; wall-clock time (real_time) for\n"
      "batched rows, whose workers share the work.\n"
      "\n"
      "Google Benchmark's own --benchmark_* flags pass through (write them as --flag=value) and come\n"
      "after the preset's defaults, so they win: --benchmark_filter=REGEX, --benchmark_repetitions=N,\n"
      "--benchmark_format=json, --benchmark_list_tests, --benchmark_min_time=SECONDS, ...\n"
      "\n"
      "presets (--benchmark_* defaults):\n"
      "  full: every benchmark above (--benchmark_list_tests counts them). Hours, not minutes: verifying one 2^26-element f64\n"
      "  row took 219 s and 11 GB of memory on the development machine\n", preset_text(Preset::full), "\n"
      "  quick: normal rows at 256, 1024, 4096, 32000, 128256, 2^20 and 2^22, plus 2^24 in f32 for\n"
      "  the dispatching entries of the suite's kernels (vectorized, accurate, ...) and the peers; the\n"
      "  other families at 4096 and 128256; batched in f32; ISA paths (vectorized.avx2, ...) on normal\n"
      "  rows only (about 4 minutes)\n", preset_text(Preset::quick), "\n"
      "\n"
      "The JSON (with the run's context: CPU, caches, compiler, libraries, revision, preset) is written\n"
      "to a temporary file and renamed when the run completes; `softmax-lab report` renders it.\n"});
  return {
      .name = "bench",
      .summary = "time every implementation (Google Benchmark): reports/benchmarks.json",
      .synopsis = "bench [--quick] [--out FILE] [--benchmark_*=VALUE ...]",
      .description = description,
      .options = bench_options,
      .max_positionals = 0,
      .passthrough_prefix = "benchmark_",
      .run = run_bench_command,
  };
}

}  // namespace smx::cli::commands
