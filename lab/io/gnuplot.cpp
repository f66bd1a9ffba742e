#include "lab/io/gnuplot.hpp"

#include <cstdio>
#include <vector>
#include <sstream>
#include <stdexcept>

namespace smx {
namespace {

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

}  // namespace

void draw(const Plot& plot, const std::filesystem::path& png) {
  const std::filesystem::path tmp = png.string() + ".tmp";
  std::ostringstream s;
  s << "set terminal pngcairo size 960,560 noenhanced font ',10'\n"
    << "set output " << quoted(tmp.string()) << "\n"
    << "set title " << quoted(plot.title) << "\nset xlabel " << quoted(plot.xlabel) << "\nset ylabel "
    << quoted(plot.ylabel) << "\nset key outside right top\nset grid\n";
  if (plot.logx) s << "set logscale x\n";
  if (plot.logy) s << "set logscale y\nset format y '%g'\n";
  if (plot.yzero && !plot.logy) s << "set yrange [0:*]\n";
  if (!plot.xtics.empty()) {
    s << "set xtics (";
    for (std::size_t i = 0; i < plot.xtics.size(); ++i)
      s << (i ? ", " : "") << quoted(plot.xtics[i].second) << ' ' << plot.xtics[i].first;
    s << ")\nset xrange [" << plot.xtics.front().first - 0.5 << ':' << plot.xtics.back().first + 0.5 << "]\n";
  }
  std::vector<const Series*> drawn;  // gnuplot refuses an empty data block
  for (const Series& series : plot.series)
    if (!series.points.empty()) drawn.push_back(&series);
  if (drawn.empty()) throw std::runtime_error("nothing to draw in " + png.string());
  std::size_t k = 0;
  for (const Series* series : drawn) {
    s << "$d" << k++ << " << EOD\n";
    for (const auto& [x, y] : series->points) s << x << ' ' << y << '\n';
    s << "EOD\n";
  }
  s << "plot ";
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    s << (i ? ", " : "") << "$d" << i << " with ";
    if (drawn[i]->style.empty()) s << plot.style << " lw 1.5 dt " << (1 + i / 8);
    else s << drawn[i]->style;
    s << " title " << quoted(drawn[i]->title);
  }
  s << "\n";

  std::FILE* p = popen("gnuplot", "w");
  if (!p) throw std::runtime_error("cannot start gnuplot (install gnuplot-nox)");
  const std::string script = s.str();
  std::fwrite(script.data(), 1, script.size(), p);
  const int status = pclose(p);
  if (status != 0 || !std::filesystem::exists(tmp))
    throw std::runtime_error("gnuplot failed drawing " + png.string() + " (is gnuplot-nox installed?)");
  std::filesystem::rename(tmp, png);
}

}  // namespace smx
