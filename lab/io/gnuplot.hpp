// Figures drawn by gnuplot (Debian's gnuplot-nox): a script in, a PNG out,
// written beside the target and renamed, like every other report file.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace smx {

struct Series {
  std::string title;
  std::vector<std::pair<double, double>> points;
  std::string style = {};  // gnuplot "with ..." for this series only (a reference line); empty: the plot's
};

struct Plot {
  std::string title, xlabel, ylabel;
  bool logx = false, logy = false;
  std::string style = "linespoints";  // gnuplot "with" style
  std::vector<Series> series;
  std::vector<std::pair<double, std::string>> xtics = {};  // named x positions (categories); empty: numbers
  bool yzero = false;  // y axis from 0 (linear y only)
};

// Throws std::runtime_error when gnuplot is missing or fails.
void draw(const Plot& plot, const std::filesystem::path& png);

}  // namespace smx
