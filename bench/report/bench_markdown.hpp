// benchmarks.md: context and warnings, the speed targets (bench/report/targets.hpp), a headline table, the roofline
// probes, per size class every result with its spread, speedup against the
// baseline and fraction of the roofline bound, the FTZ/DAZ and thread
// comparisons, figures, the operations beyond softmax (op_sections.hpp), and
// the benchmarks skipped by verification.
#pragma once

#include <string>
#include <vector>

#include "lab/io/markdown.hpp"
#include "bench/report/bench_results.hpp"
#include "bench/report/report_text.hpp"  // speedup_text
#include "bench/report/roofline.hpp"

namespace smx {

std::string bench_markdown(const BenchResults& results, const Roofline& roofline, const std::string& baseline,
                           const std::vector<Figure>& figures);

}  // namespace smx
