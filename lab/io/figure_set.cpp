#include "lab/io/figure_set.hpp"

#include <algorithm>

namespace smx {

FigureSet::FigureSet(const std::filesystem::path& report_dir) : dir_(report_dir / "figures") {
  std::filesystem::create_directories(dir_);
}

void FigureSet::add(const std::string& file, const Plot& plot, std::string caption) {
  if (std::none_of(plot.series.begin(), plot.series.end(), [](const Series& s) { return !s.points.empty(); })) return;
  draw(plot, dir_ / file);
  figures_.push_back({"figures/" + file, plot.title, std::move(caption)});
}

}  // namespace smx
