// The benchmark report's figures (gnuplot PNGs, lab/io/gnuplot.hpp) and a
// sentence each on what they show: softmax's throughput vs n, fraction of
// the roofline vs n, throughput per input family, thread scaling of batched
// rows; each other operation's throughput vs n.
#pragma once

#include <filesystem>
#include <vector>

#include "lab/io/markdown.hpp"
#include "bench/report/bench_results.hpp"
#include "bench/report/roofline.hpp"

namespace smx {

// The implementations a figure draws, in registry order: every one but the
// ISA paths (their kernel entry stands for them; the tables list them all).
std::vector<std::string> drawn_impls(const BenchResults& results);

// Draws into dir/figures/bench-*.png; Figure::file is relative to dir.
// A figure without data (a filtered run) is left out.
std::vector<Figure> bench_figures(const BenchResults& results, const Roofline& roofline, const std::filesystem::path& dir);

}  // namespace smx
