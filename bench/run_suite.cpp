#include "bench/run_suite.hpp"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <set>
#include <stdexcept>

#include "impls/simd/dispatch.hpp"
#include "lab/io/atomic_file.hpp"
#include "bench/probes.hpp"
#include "bench/register.hpp"
#include "bench/bench_json.hpp"
#include "bench/traffic.hpp"
#include "lab/run_context.hpp"

#ifndef SMX_BENCHMARK_VERSION
#define SMX_BENCHMARK_VERSION "unknown"
#endif
#ifndef SMX_VERSION
#define SMX_VERSION "unknown"
#endif

namespace smx {
namespace {

// Counts the benchmarks skipped with an error, passing everything on, and
// flushes after each benchmark so a long run shows its progress line by line.
class CountingReporter : public benchmark::BenchmarkReporter {
 public:
  explicit CountingReporter(benchmark::BenchmarkReporter& inner) : inner_(inner) {}
  bool ReportContext(const Context& context) override { return inner_.ReportContext(context); }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs)
      if (r.error_occurred) skipped_.insert(r.run_name.str());
    inner_.ReportRuns(runs);
    inner_.GetOutputStream().flush();
  }
  void Finalize() override { inner_.Finalize(); }
  std::size_t skipped() const { return skipped_.size(); }

 private:
  benchmark::BenchmarkReporter& inner_;
  std::set<std::string> skipped_;
};

bool truthy(std::string v) {  // Google Benchmark's IsTruthyFlagValue
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v.size() == 1) return std::isalnum(static_cast<unsigned char>(v[0])) && v != "0" && v != "f" && v != "n";
  return v != "false" && v != "no" && v != "off";
}

std::string joined_levels(const std::vector<MemoryLevel>& levels) {
  std::string s;
  for (const MemoryLevel& l : levels)
    s.append(s.empty() ? "" : ",").append(l.name).append(l.capacity ? "=" : "").append(l.capacity ? std::to_string(l.capacity) : "");
  return s;
}

void add_context(Preset preset) {
  static bool added = false;  // Google Benchmark keeps custom context for the whole process
  if (added) return;
  added = true;
  const RunContext c = collect_run_context();
  const auto add = [](const std::string& key, const std::string& value) { benchmark::AddCustomContext(key, value); };
  add("softmax_lab", SMX_VERSION);
  add("cpu_model", c.cpu);
  add("isa", c.isa);
  add("kernel_isa", std::string(simd::best_isa()));
  add("cores", std::to_string(c.cores));
  add("compiler", c.compiler);
  add("build", c.build);
  for (const auto& [name, version] : c.libraries) add("library: " + name, version);
  add("library: Google Benchmark", SMX_BENCHMARK_VERSION);
  add("revision", c.revision);
  add("date_utc", c.date_utc);
  add("preset", std::string(to_string(preset)));
  // Each implementation's role, so the report groups and draws them as the run saw them.
  for (const Impl& impl : all_impls()) add(std::string(role_context_prefix) + std::string(impl.name), std::string(to_string(impl.role)));
  std::string threads;
  for (const int t : batch_threads()) threads.append(threads.empty() ? "" : ",").append(std::to_string(t));
  add("batch_threads", threads);
  add("memory_levels", joined_levels(memory_levels()));
  add("timing", "one-thread benchmarks (single rows, probes): CPU time of the thread (cpu_time), so time other "
                "processes take is not counted; batched rows: wall-clock time (real_time), workers included; "
                "counters per second of the same clock");
  std::string bytes_model;
  for (const OpTraffic& t : traffic_table)
    bytes_model.append(std::string(to_string(t.op)) + ": " + std::to_string(t.reads) + " reads + " + std::to_string(t.writes) +
                       " write per element (" + std::string(t.why) + "); ");
  add("bytes_model", bytes_model + "exp probe: 1 read + 1 write; copy: bytes read + written");
  std::string families;
  for (const BenchFamily& f : bench_families())
    families.append(families.empty() ? "" : ", ").append(f.name).append(" = ").append(f.input_family);
  add("input_families", families);
}

// "0.52, 0.61, 0.70": the load average now (Google Benchmark records it at the start).
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  double a = 0, b = 0, c = 0;
  if (!(in >> a >> b >> c)) return "unknown";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f, %.2f, %.2f", a, b, c);
  return buf;
}

// The JSON Google Benchmark wrote to tmp, with the run's wall time and final
// load added and only what the report reads kept, written over target whole.
void publish(const std::filesystem::path& tmp, const std::filesystem::path& target, double wall_seconds) {
  nlohmann::json j = read_benchmark_json(tmp);
  j["context"]["wall_seconds"] = wall_seconds;
  j["context"]["load_avg_end"] = load_average();
  write_file_atomically(target, trimmed_benchmark_json(j));
  std::filesystem::remove(tmp);
}

}  // namespace

std::optional<std::string> flag_value(const std::vector<std::string>& flags, std::string_view name) {
  std::optional<std::string> value;
  const std::string bare = "--" + std::string(name);
  for (const std::string& f : flags) {
    if (f == bare) value = "";
    else if (f.starts_with(bare + "=")) value = f.substr(bare.size() + 1);
  }
  return value;
}

std::vector<std::string> preset_flags(Preset preset) {
  const bool quick = preset == Preset::quick;
  return {quick ? "--benchmark_repetitions=3" : "--benchmark_repetitions=5",
          quick ? "--benchmark_min_time=0.04" : "--benchmark_min_time=0.1",
          "--benchmark_enable_random_interleaving=true", "--benchmark_display_aggregates_only=true"};
}

BenchRunResult run_benchmarks(const BenchRunOptions& options, std::ostream& out) {
  const auto t0 = std::chrono::steady_clock::now();
  BenchRunResult result;
  const auto list = flag_value(options.flags, "benchmark_list_tests");
  result.listed = list && truthy(*list);
  const bool ours = !options.json.empty() && !flag_value(options.flags, "benchmark_out") && !result.listed;
  const std::filesystem::path tmp = options.json.string() + ".tmp." + std::to_string(getpid());

  std::vector<std::string> args = {"softmax-lab bench"};
  for (const std::string& f : preset_flags(options.preset)) args.push_back(f);
  if (ours) {
    std::filesystem::create_directories(options.json.parent_path().empty() ? "." : options.json.parent_path());
    args.push_back("--benchmark_out=" + tmp.string());
    args.push_back("--benchmark_out_format=json");
  }
  args.insert(args.end(), options.flags.begin(), options.flags.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  benchmark::Initialize(&argc, argv.data());
  if (argc > 1) {
    const std::string_view flag = argv[1];
    throw std::invalid_argument("unknown option '" + std::string(flag.substr(0, flag.find('='))) + "'");
  }

  const std::string filter = benchmark::GetBenchmarkFilter();
  const auto will_run = [selected = BenchFilter(filter)](const std::string& name) { return selected.selects(name); };
  std::vector<BenchCase> plan = bench_plan({.preset = options.preset});
  std::erase_if(plan, [&](const BenchCase& c) { return !options.selection.keeps(c); });
  if (plan.empty()) throw std::invalid_argument("no benchmark of the preset matches the --impl, --dtype, --family, --n and --op given");
  BenchSuite suite(std::move(plan), will_run);
  if (std::none_of(suite.plan().begin(), suite.plan().end(),
                   [&](const BenchCase& c) { return will_run(bench_name(c.id)); }))
    throw std::invalid_argument("no benchmark matches --benchmark_filter='" + filter + "'");
  add_context(options.preset);
  suite.register_all();

  benchmark::BenchmarkReporter* display = benchmark::CreateDefaultDisplayReporter();
  display->SetOutputStream(&out);
  CountingReporter counting(*display);
  try {
    result.benchmarks = benchmark::RunSpecifiedBenchmarks(&counting);
  } catch (...) {
    benchmark::ClearRegisteredBenchmarks();
    if (ours) std::filesystem::remove(tmp);
    throw;
  }
  benchmark::ClearRegisteredBenchmarks();
  out.flush();
  result.skipped = counting.skipped();
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (ours) {
    if (result.benchmarks == 0) {
      std::filesystem::remove(tmp);
    } else {
      publish(tmp, options.json, result.wall_seconds);
      result.wrote = options.json;
    }
  }
  return result;
}

}  // namespace smx
