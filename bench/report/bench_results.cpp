#include "bench/report/bench_results.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "impls/registry.hpp"
#include "lab/io/markdown.hpp"
#include "bench/bench_json.hpp"

namespace smx {
namespace {

double unit_seconds(const std::string& unit) {
  if (unit == "ns") return 1e-9;
  if (unit == "us") return 1e-6;
  if (unit == "ms") return 1e-3;
  return 1;
}

std::string text_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// "L1=32768,L2=1048576,L3=33554432,DRAM"
std::vector<MemoryLevel> parse_levels(const std::string& s) {
  std::vector<MemoryLevel> out;
  std::size_t start = 0;
  while (start < s.size()) {
    const std::size_t end = std::min(s.find(',', start), s.size());
    const std::string item = s.substr(start, end - start);
    const std::size_t eq = item.find('=');
    MemoryLevel l{item.substr(0, eq), 0, 0};
    if (eq != std::string::npos) l.capacity = std::strtoull(item.c_str() + eq + 1, nullptr, 10);
    out.push_back(l);
    start = end + 1;
  }
  return out;
}

// From Google Benchmark's own cache list, when the file has no memory_levels.
std::vector<MemoryLevel> levels_from_caches(const nlohmann::json& caches) {
  std::vector<MemoryLevel> out;
  for (int level = 1; level <= 3; ++level)
    for (const auto& c : caches)
      if (c.value("level", 0) == level && c.value("type", "") != "Instruction") {
        std::string name = "L";
        name += std::to_string(level);
        out.push_back({name, c.value<std::size_t>("size", 0), 0});
        break;
      }
  out.push_back({"DRAM", 0, 0});
  return out;
}

void summarize(BenchResult& r) {
  std::vector<double> s = r.seconds;
  std::sort(s.begin(), s.end());
  const std::size_t k = s.size();
  r.min = s.front();
  r.max = s.back();
  r.median = k % 2 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
  const double mean = std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(k);
  double var = 0;
  for (double v : s) var += (v - mean) * (v - mean);
  r.cv = k > 1 && mean > 0 ? std::sqrt(var / static_cast<double>(k - 1)) / mean : 0;
}

}  // namespace

const BenchResult* BenchResults::find(const BenchId& id) const {
  for (const BenchResult& r : results)
    if (r.id == id) return &r;
  return nullptr;
}

std::optional<Role> BenchResults::role_of(const std::string& impl) const {
  if (const auto r = roles.find(impl); r != roles.end()) return r->second;
  if (const Impl* known = smx::find(impl)) return known->role;
  return std::nullopt;
}

BenchResults bench_results_from(const nlohmann::json& j) {
  BenchResults out;
  const nlohmann::json context = j.value("context", nlohmann::json::object());
  for (const auto& [key, value] : context.items())
    if (!value.is_array() && !value.is_object()) out.context[key] = text_of(value);
  for (const auto& [key, value] : out.context)
    if (key.starts_with(role_context_prefix))
      if (const auto role = role_named(value)) out.roles[key.substr(role_context_prefix.size())] = *role;
  if (const auto load = context.find("load_avg"); load != context.end() && load->is_array()) {
    std::string text;
    for (const auto& v : *load) text += (text.empty() ? "" : ", ") + (v.is_number() ? md::fixed(v.get<double>(), "%.2f") : text_of(v));
    out.context["load_avg"] = text;
  }
  out.cpu_scaling = context.value("cpu_scaling_enabled", false);
  out.debug_library = context.value("library_build_type", "") == "debug";
  out.levels = context.contains("memory_levels") ? parse_levels(text_of(context["memory_levels"]))
                                                 : levels_from_caches(context.value("caches", nlohmann::json::array()));

  std::map<std::string, std::size_t> index;  // run name -> position in out.results
  std::map<std::string, std::pair<double, double>> aggregates;  // name -> median seconds, cv (aggregate-only files)
  for (const auto& b : j["benchmarks"]) {
    if (!b.is_object()) continue;
    const std::string name = b.value("run_name", b.value("name", ""));
    const auto id = parse_bench_name(name);
    if (!id) continue;
    auto [it, added] = index.try_emplace(name, out.results.size());
    if (added) out.results.push_back({name, *id, {}, 0, 0, 0, 0, {}, {}});
    BenchResult& r = out.results[it->second];
    if (b.value("error_occurred", false)) {
      r.error = b.value("error_message", "error");
      continue;
    }
    if (b.contains("label") && b["label"].is_string()) r.label = b["label"];
    // The clock bench counts in: the thread's CPU time unless workers share the work.
    const auto time = b.find(id->rows ? "real_time" : "cpu_time");
    const auto iterations = b.value<double>("iterations", 0);
    if (time == b.end() || !time->is_number()) continue;
    const double seconds = time->get<double>() * unit_seconds(b.value("time_unit", "ns"));
    if (b.value("run_type", "iteration") == "iteration") {
      if (iterations > 0) r.seconds.push_back(seconds);
    } else if (b.value("aggregate_name", "") == "median") {
      aggregates[name].first = seconds;
    } else if (b.value("aggregate_name", "") == "cv") {
      aggregates[name].second = time->get<double>();  // a ratio, whatever the unit
    }
  }
  for (BenchResult& r : out.results) {
    if (r.seconds.empty() && aggregates.count(r.name) && aggregates[r.name].first > 0) {
      r.seconds = {aggregates[r.name].first};  // only aggregates in the file: no spread
      summarize(r);
      r.cv = aggregates[r.name].second;
    } else if (!r.seconds.empty()) {
      summarize(r);
    }
  }
  return out;
}

std::vector<std::string> impl_names(const BenchResults& results) {
  std::vector<std::string> names;
  for (const BenchResult& r : results.results)
    if (r.id.kind == BenchId::Kind::op && std::find(names.begin(), names.end(), r.id.impl) == names.end())
      names.push_back(r.id.impl);
  const auto rank = [](const std::string& name) {
    const auto impls = all_impls();
    for (std::size_t i = 0; i < impls.size(); ++i)
      if (impls[i].name == name) return i;
    return impls.size();
  };
  std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
    return std::pair(rank(a), a) < std::pair(rank(b), b);
  });
  return names;
}

std::string duration_text(double seconds) {
  char buf[32];
  if (seconds < 1e-6) std::snprintf(buf, sizeof buf, "%.3g ns", seconds * 1e9);
  else if (seconds < 1e-3) std::snprintf(buf, sizeof buf, "%.3g µs", seconds * 1e6);
  else if (seconds < 1) std::snprintf(buf, sizeof buf, "%.3g ms", seconds * 1e3);
  else std::snprintf(buf, sizeof buf, "%.3g s", seconds);
  return buf;
}

BenchResults read_bench_results(const std::filesystem::path& path) {
  return bench_results_from(read_benchmark_json(path));
}

}  // namespace smx
