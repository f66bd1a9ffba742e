// Reading a Google Benchmark JSON file. Google Benchmark writes non-finite
// numbers as bare NaN / Infinity, which JSON has no words for: they are read
// as null. Errors are one line naming the file.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace smx {

struct BenchJsonError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws BenchJsonError: unreadable file, invalid JSON, or no "benchmarks" array.
nlohmann::json read_benchmark_json(const std::filesystem::path& path);

}  // namespace smx
