// The accuracy report's figures (gnuplot PNGs) and a sentence each on what they show.
#pragma once

#include <filesystem>
#include <vector>

#include "lab/accuracy/accuracy_markdown.hpp"

namespace smx {

// Draws into dir/figures/; Figure::file is relative to dir.
std::vector<Figure> accuracy_figures(const AccuracyRun& run, const std::filesystem::path& dir);

}  // namespace smx
