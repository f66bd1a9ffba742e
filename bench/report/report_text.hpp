// How the benchmark report writes its numbers, shared by its sections.
#pragma once

#include <cstddef>
#include <string>

#include "bench/report/bench_results.hpp"

namespace smx {

std::string gels(double elements_per_second);  // G elements/s, 3 significant digits
std::string percent(double v);                 // "12%", "0.4%"
std::string bytes_text(std::size_t bytes);     // "32 KiB", "1 MiB"
std::string size_text(std::size_t n);          // "1024", "2^20"

// "2.31×", or "no difference resolved" when the repetitions' ranges
// (min..max) of a and the baseline overlap; "-" without a baseline result.
std::string speedup_text(const BenchResult& result, const BenchResult* baseline);

}  // namespace smx
