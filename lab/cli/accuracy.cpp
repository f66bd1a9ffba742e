// `softmax-lab accuracy`: every implementation against the reference over the
// accuracy grid; the full grid writes reports/accuracy.{md,json} and figures,
// a narrowed one --out DIR or stdout; --format prints one format for scripts.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <ostream>
#include <thread>

#include "lab/accuracy/accuracy_figures.hpp"
#include "lab/accuracy/accuracy_json.hpp"
#include "lab/accuracy/accuracy_markdown.hpp"
#include "lab/accuracy/exhaustive.hpp"
#include "lab/accuracy/runner.hpp"
#include "lab/io/atomic_file.hpp"
#include "lab/cli/command.hpp"
#include "lab/cli/errors.hpp"
#include "lab/cli/filters.hpp"
#include "lab/cli/output_dir.hpp"
#include "lab/cli/progress.hpp"
#include "lab/cli/text.hpp"
#include "lab/io/gzip.hpp"

namespace smx::cli::commands {
namespace {

constexpr OptionSpec accuracy_options[] = {
    {"impl", "NAME[,NAME...]", "implementations ('all', 'prefix*' allowed; default: every available one)"},
    {"family", "NAME[,NAME...]", "input families (default: all; see the list below)"},
    {"op", "OP[,OP...]", "operations: softmax, log_softmax, cross_entropy, softmax_backward (default: all)"},
    {"temperature", "T[,T...]", "softmax and log_softmax also of x / T at these (default: 2,0.7)"},
    {"n", "N[,N...]", "row lengths, k/M suffixes allowed (default: the grid below); every family runs them"},
    {"grid", "default|full", "full: every family at every size of the grid, 2^20 included (default: default)"},
    {"dtype", "f32|f64|both", "element types (default: both)"},
    {"seeds", "K", "seeds 1..K for the random families (default: 3)"},
    {"threads", "T", "worker threads (default: every core)"},
    {"format", "md|json|csv", "print this format to stdout and write no files"},
    {"out", "DIR", "write accuracy.md, accuracy.json and figures/ in DIR (created if missing)\n(default: reports/ for the full grid, stdout for a narrowed one)"},
    {"exhaustive", "", "also sweep softmax([0, x]) over every float x in [-104, 0]\n(about 1.1e9 inputs per implementation, minutes each)"},
    {"exhaustive-range", "LO,HI", "sweep only floats in [LO, HI] (implies --exhaustive)"},
};

constexpr std::array<Format, 3> accuracy_formats{Format::md, Format::json, Format::csv};

// The options that narrow the grid or the sweep: a run with any of them is
// not the full report and leaves reports/ as it is. (--exhaustive only adds.)
constexpr std::string_view narrowing_options[] = {"impl", "family", "op", "temperature", "n", "dtype", "seeds", "grid", "exhaustive-range"};

unsigned parse_count(const Args& args, std::string_view option, unsigned fallback, unsigned max) {
  const auto v = args.last(option);
  if (!v) return fallback;
  const std::vector<std::size_t> n = parse_sizes(std::vector<std::string>{*v});
  if (n.size() != 1 || n[0] < 1 || n[0] > max)
    throw UsageError(cat({"bad value ", quote(*v), " for --", option, ": expected a whole number from 1 to ",
                          std::to_string(max)}));
  return static_cast<unsigned>(n[0]);
}

std::pair<float, float> parse_range(const std::string& value) {
  const std::vector<std::string> parts = split_list(value, "exhaustive-range");
  float lo = 0, hi = 0;
  char* end = nullptr;
  bool ok = parts.size() == 2;
  if (ok) lo = std::strtof(parts[0].c_str(), &end), ok = *end == 0;
  if (ok) hi = std::strtof(parts[1].c_str(), &end), ok = *end == 0 && lo <= hi && lo >= -104.0f && hi <= 0.0f;
  if (!ok)
    throw UsageError(cat({"bad value ", quote(value), " for --exhaustive-range: expected LO,HI with -104 <= LO <= HI <= 0"}));
  return {lo, hi};
}

AccuracyGrid grid_from(const Args& args) {
  const std::string grid = args.last("grid").value_or("default");
  if (grid != "default" && grid != "full")
    throw UsageError(cat({"bad value ", quote(grid), " for --grid: expected default or full"}));
  AccuracyGrid g = grid == "full" ? full_accuracy_grid() : default_accuracy_grid();
  if (args.has("impl")) {
    g.impls.clear();
    for (const ImplChoice& c : parse_impls(args.all("impl"))) {
      if (c.impl->available()) g.impls.push_back(c.impl);
      else if (c.named) throw UsageError(cat({"implementation ", quote(c.impl->name), " is not available on this CPU"}));
    }
  }
  if (args.has("family")) g.families = parse_families(args.all("family"));
  if (args.has("op")) g.ops = parse_ops(args.all("op"));
  if (args.has("temperature")) {
    g.temperatures.clear();
    for (const std::string& v : args.all("temperature"))
      for (const std::string& t : split_list(v, "temperature")) g.temperatures.push_back(parse_temperature(t));
  }
  if (args.has("n")) g.sizes = g.op_sizes = parse_sizes(args.all("n")), g.short_families.clear(), g.op_long_families.clear();
  if (const auto d = args.last("dtype")) g.dtypes = parse_dtypes(*d, true);
  if (args.has("seeds")) {
    g.seeds.clear();
    for (unsigned s = 1; s <= parse_count(args, "seeds", 3, 1000); ++s) g.seeds.push_back(s);
  }
  return g;
}

int run_accuracy_command(const Args& args, Io& io) {
  const AccuracyGrid grid = grid_from(args);
  const Format format = args.has("format") ? parse_format(*args.last("format"), accuracy_formats) : Format::md;
  const unsigned threads = parse_count(args, "threads", std::max(1u, std::thread::hardware_concurrency()), 1024);
  const bool exhaustive = args.has("exhaustive") || args.has("exhaustive-range");
  const auto range = args.has("exhaustive-range") ? parse_range(*args.last("exhaustive-range"))
                                                  : std::pair<float, float>{-104.0f, 0.0f};
  if (grid.impls.empty()) throw UsageError("no implementation to run");
  if (args.has("format") && args.has("out"))
    throw UsageError("--format prints to stdout and --out writes files: give one of them");
  const std::string narrowed = given(args, narrowing_options);
  std::optional<std::filesystem::path> dir = out_dir(args);
  if (!dir && !args.has("format") && narrowed.empty()) dir = reports_dir();

  const auto t0 = std::chrono::steady_clock::now();
  Progress progress(io.err, "accuracy");
  AccuracyRun run = run_accuracy(grid, threads, [&](std::size_t done, std::size_t total) { progress.update(done, total); });
  progress.finish();

  AccuracyMeta meta{collect_run_context(), 0, threads, grid.seeds, {}};
  if (exhaustive) {
    Progress sweep(io.err, "exhaustive");
    meta.exhaustive = run_exhaustive(grid.impls, threads, range.first, range.second,
                                     [&](std::uint64_t done, std::uint64_t total) { sweep.update(done, total); });
    sweep.finish();
  }
  meta.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (!dir) {
    if (format == Format::json) io.out << accuracy_json_text(run, meta);
    else if (format == Format::csv) io.out << accuracy_csv(run);
    else io.out << accuracy_markdown(run, meta, {});
    if (!args.has("format"))
      note(io.err, "accuracy", cat({narrowed, " change the default grid, so the markdown went to stdout and ", reports_dir().string(),
                                    " is left as it is (--out DIR writes the files)"}));
    return 0;
  }
  // Figures first, the markdown that links them last: each file is replaced whole.
  const std::vector<Figure> figures = accuracy_figures(run, *dir);
  // accuracy.json.gz is the committed snapshot; accuracy.json, the same text, is git-ignored.
  const std::string json = accuracy_json_text(run, meta);
  write_file_atomically(*dir / "accuracy.json", json);
  write_file_atomically(*dir / "accuracy.json.gz", gzip(json));
  write_file_atomically(*dir / "accuracy.md", accuracy_markdown(run, meta, figures));
  std::size_t failing = 0;
  for (const AccuracyRecord& r : run.records) failing += r.verdict == "fail";
  for (const OpAccuracyRecord& r : run.op_records) failing += r.verdict == "fail";
  note(io.err, "accuracy",
       cat({std::to_string(run.records.size() + run.op_records.size()), " records, ", std::to_string(failing), " failing their declaration, in ",
            std::to_string(static_cast<long>(meta.wall_seconds + 0.5)), " s on ", std::to_string(threads),
            " threads; wrote ", (*dir / "accuracy.md").string(), ", accuracy.json(.gz) and ", std::to_string(figures.size()),
            " figures in ", (*dir / "figures").string()}));
  return 0;
}

// "llm, thresholds, ...", wrapped to the help text's width.
std::string short_families_text() {
  std::string out;
  std::size_t line = 2;
  for (const FamilyInfo* f : default_accuracy_grid().short_families) {
    if (!out.empty()) out += ",", ++line;
    if (line + 1 + f->name.size() > 78) out += "\n ", line = 1;
    out += cat({" ", f->name});
    line += 1 + f->name.size();
  }
  return out;
}

std::string families_help() {
  std::string out = "families:\n";
  for (const FamilyInfo& f : all_families()) out += cat({"  ", f.name, ": ", f.description, "\n"});
  return out;
}

}  // namespace

Command accuracy() {
  static const std::string description = cat({
      "Runs every selected implementation over the accuracy grid (families x n x\n"
      "dtype x seeds) against the correctly rounded reference, computed once per\n"
      "input and shared, and writes accuracy.md (summary, special-value matrix,\n"
      "findings, figures, detailed tables), accuracy.json (one record per\n"
      "implementation, dtype, family and n, a line each; schema in README.md)\n"
      "with its gzip copy accuracy.json.gz (the one committed) and\n"
      "figures/*.png (gnuplot). Files are replaced whole, never half written.\n"
      "\n"
      "where the output goes:\n"
      "  The default grid (no --impl, --family, --n, --dtype, --seeds, --grid or\n"
      "  --exhaustive-range; --threads and --exhaustive may be given) writes\n"
      "  the source tree's reports/, the committed snapshot. Any other grid\n"
      "  leaves reports/ as it is and prints the markdown to stdout, saying so on\n"
      "  stderr; --out DIR writes the files to DIR instead, whatever the grid.\n"
      "  --format prints that one format to stdout and writes no file.\n"
      "  $SMX_REPORTS_DIR, when set, stands for reports/.\n"
      "\n"
      "The same grid gives the same numbers on the same machine, whatever the\n"
      "thread count. Exit status 0 even when implementations fail their\n"
      "declarations: that is what the report is for (the tests enforce them).\n"
      "\n"
      "default grid: n = 1 2 3 7 8 15 16 17 31 32 33 63 64 65 100 1000 1024 4096\n"
      "  32000 50257 128256 1048576; f32 and f64; seeds 1..3 (one above 65536);\n"
      "  every family; the random ones run to 1048576, these stop at 128256:\n"
      " ", short_families_text(), ".\n"
      "  --grid full runs every family at every size.\n"
      "\n",
      families_help()});
  return {
      .name = "accuracy",
      .summary = "every implementation against the reference: accuracy.{md,json}, figures",
      .synopsis = "accuracy [options]",
      .description = description,
      .options = accuracy_options,
      .max_positionals = 0,
      .run = run_accuracy_command,
  };
}

}  // namespace smx::cli::commands
