// benchmarks.md: context and warnings, the speed targets (bench/report/targets.hpp), a headline table, the roofline
// probes, per size class every result with its spread, speedup against the
// baseline and fraction of the roofline bound, the FTZ/DAZ and thread
// comparisons, figures, and the benchmarks skipped by verification.
#pragma once

#include <string>
#include <vector>

#include "lab/io/markdown.hpp"
#include "bench/report/bench_results.hpp"
#include "bench/report/roofline.hpp"

namespace smx {

// "2.31×", or "no difference resolved" when the repetitions' ranges
// (min..max) of a and the baseline overlap; "-" without a baseline result.
std::string speedup_text(const BenchResult& result, const BenchResult* baseline);

std::string bench_markdown(const BenchResults& results, const Roofline& roofline, const std::string& baseline,
                           const std::vector<Figure>& figures);

}  // namespace smx
