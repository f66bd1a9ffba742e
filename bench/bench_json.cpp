#include "bench/bench_json.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
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

}  // namespace smx
