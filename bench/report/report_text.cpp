#include "bench/report/report_text.hpp"

#include "lab/io/markdown.hpp"

namespace smx {

std::string gels(double elements_per_second) { return md::fixed(elements_per_second / 1e9, "%.3g"); }
std::string percent(double v) { return md::fixed(100 * v, v < 0.1 ? "%.1f%%" : "%.0f%%"); }

std::string bytes_text(std::size_t b) {
  if (b >= (std::size_t{1} << 30) && b % (std::size_t{1} << 30) == 0) return std::to_string(b >> 30) + " GiB";
  if (b >= (std::size_t{1} << 20) && b % (std::size_t{1} << 20) == 0) return std::to_string(b >> 20) + " MiB";
  if (b >= 1024 && b % 1024 == 0) return std::to_string(b >> 10) + " KiB";
  return std::to_string(b) + " B";
}

std::string size_text(std::size_t n) {
  for (int k = 14; k <= 40; ++k)
    if (n == (std::size_t{1} << k)) return "2^" + std::to_string(k);
  return std::to_string(n);
}

std::string speedup_text(const BenchResult& result, const BenchResult* baseline) {
  if (!baseline || !baseline->ok() || !result.ok()) return "-";
  if (result.min <= baseline->max && baseline->min <= result.max) return "no difference resolved";
  const double s = baseline->median / result.median;
  return md::fixed(s, s < 10 ? "%.2f×" : "%.3g×");
}

}  // namespace smx
