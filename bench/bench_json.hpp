// Reading a Google Benchmark JSON file. Google Benchmark writes non-finite
// numbers as bare NaN / Infinity, which JSON has no words for: they are read
// as null. Errors are one line naming the file.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace smx {

struct BenchJsonError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws BenchJsonError: unreadable file, invalid JSON, or no "benchmarks" array.
nlohmann::json read_benchmark_json(const std::filesystem::path& path);

// What the report reads of Google Benchmark's JSON, as text, a benchmark a
// line: every repetition with its name, run type, times, unit, iterations,
// label, error and throughput counters; aggregates (mean, median, stddev, cv)
// only for runs with no repetitions in the file (bench_results.cpp derives
// them from the repetitions).
std::string trimmed_benchmark_json(const nlohmann::json& j);

}  // namespace smx
