#include "bench/bench_json.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

namespace smx {
namespace {

// Bare NaN, Infinity and -Infinity outside strings become null.
std::string without_nonfinite(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) out += text[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (const std::string_view word : {"-Infinity", "Infinity", "-NaN", "NaN"}) {
      if (std::string_view(text).substr(i, word.size()) == word) {
        out += "null";
        i += word.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

}  // namespace

nlohmann::json read_benchmark_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path))
    throw BenchJsonError("cannot read '" + path.string() + "': " +
                         (std::filesystem::is_directory(path) ? std::string("Is a directory") : std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(without_nonfinite(text.str()));
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    for (char& c : what) c = c == '\n' ? ' ' : c;
    throw BenchJsonError("'" + path.string() + "' is not valid JSON: " + what);
  }
  if (!j.is_object() || !j.contains("benchmarks") || !j["benchmarks"].is_array())
    throw BenchJsonError("'" + path.string() + "' is not Google Benchmark output (no \"benchmarks\" array)");
  return j;
}

std::string trimmed_benchmark_json(const nlohmann::json& j) {
  const auto run_name = [](const nlohmann::json& b) { return b.value("run_name", b.value("name", "")); };
  const auto repetition = [](const nlohmann::json& b) { return b.value("run_type", "iteration") == "iteration"; };
  std::set<std::string> repeated;  // runs with repetitions in the file
  for (const auto& b : j["benchmarks"])
    if (b.is_object() && repetition(b)) repeated.insert(run_name(b));
  std::string out = "{\"context\":" + j.value("context", nlohmann::json::object()).dump() + ",\n\"benchmarks\":[";
  const char* sep = "\n";
  for (const auto& b : j["benchmarks"]) {
    if (!b.is_object() || (!repetition(b) && repeated.count(run_name(b)))) continue;
    nlohmann::json kept = nlohmann::json::object();
    for (const char* key : {"name", "run_name", "run_type", "aggregate_name", "iterations", "real_time", "cpu_time",
                            "time_unit", "label", "error_occurred", "error_message", "items_per_second",
                            "bytes_per_second"})
      if (b.contains(key)) kept[key] = b[key];
    if (kept.value("run_name", "") == kept.value("name", "")) kept.erase("run_name");  // the reader's default
    out += sep + kept.dump();
    sep = ",\n";
  }
  return out + "]}\n";
}

}  // namespace smx
