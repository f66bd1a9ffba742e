// A fixed-bin histogram of ulp errors: 1/16-ulp bins up to 8 ulp, then
// quarter-octave bins up to 2^64 ulp, then one bin for non-finite outputs.
// Fixed bins keep the report's percentiles deterministic and its memory
// independent of n (a 2^20-element row does not keep 2^20 errors around).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace smx {

class UlpHistogram {
 public:
  static constexpr int fine_bins = 128;          // [k/16, (k+1)/16) for k < 128
  static constexpr int coarse_bins = 4 * 61;     // [8 * 2^(j/4), 8 * 2^((j+1)/4))
  static constexpr int bins = fine_bins + coarse_bins + 1;  // + non-finite

  static int bin(double ulp) {
    if (!(ulp < INFINITY)) return bins - 1;
    if (ulp < 8) return static_cast<int>(ulp * 16);
    const int j = static_cast<int>(std::floor(4 * std::log2(ulp / 8)));
    return fine_bins + (j < coarse_bins ? j : coarse_bins - 1);
  }
  static double upper_edge(int b) {
    if (b < fine_bins) return (b + 1) / 16.0;
    if (b < bins - 1) return 8 * std::exp2((b - fine_bins + 1) / 4.0);
    return INFINITY;
  }

  void add(double ulp) { ++count_[static_cast<std::size_t>(bin(ulp))]; }
  void merge(const UlpHistogram& o) {
    for (std::size_t b = 0; b < count_.size(); ++b) count_[b] += o.count_[b];
  }
  std::uint64_t total() const {
    std::uint64_t t = 0;
    for (auto c : count_) t += c;
    return t;
  }
  std::uint64_t count(int b) const { return count_[static_cast<std::size_t>(b)]; }
  // The upper edge of the bin holding the q-quantile (0 < q <= 1): an upper
  // bound on the true quantile, within a bin's width.
  double quantile(double q) const {
    const std::uint64_t t = total();
    if (t == 0) return 0;
    const auto need = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(t)));
    std::uint64_t seen = 0;
    for (int b = 0; b < bins; ++b)
      if ((seen += count(b)) >= need) return upper_edge(b);
    return INFINITY;
  }

 private:
  std::array<std::uint64_t, bins> count_{};
};

}  // namespace smx
