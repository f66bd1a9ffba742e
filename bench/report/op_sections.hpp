// The report's section on the operations beyond softmax (softmax has the
// sections of its own): per operation, every result with the speedups
// against the baseline and each peer side by side.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "bench/report/bench_results.hpp"

namespace smx {

// The implementations a table of op compares against: the baseline, then
// every peer, those with results for op.
std::vector<std::string> compared_against(const BenchResults& results, Op op, const std::string& baseline);

void op_sections(std::ostream& out, const BenchResults& results, const std::string& baseline);

}  // namespace smx
