// The figures of one report: each plot drawn into <report dir>/figures/ and
// listed with its caption for the markdown. A plot without any data (a
// filtered run left it empty) is left out rather than drawn blank.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lab/io/gnuplot.hpp"
#include "lab/io/markdown.hpp"

namespace smx {

class FigureSet {
 public:
  explicit FigureSet(const std::filesystem::path& report_dir);
  void add(const std::string& file, const Plot& plot, std::string caption);
  std::vector<Figure> take() { return std::move(figures_); }

 private:
  std::filesystem::path dir_;
  std::vector<Figure> figures_;
};

}  // namespace smx
