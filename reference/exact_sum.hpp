// Exact sums of floats and doubles: a fixed-point accumulator wide enough
// for every finite double (2^-1074 to 2^1024), so no term is ever rounded.
// Used for sum_error, where a rounded sum would hide the very error measured.
#pragma once

#include <array>
#include <cstdint>

namespace smx::metrics {

class ExactSum {
 public:
  void add(double v);             // finite v only
  long double value() const;      // the exact sum, to within a few ulps of long double

 private:
  // 32-bit digits held in 64-bit signed limbs: carries are deferred and a
  // limb can take 2^30 additions before it must be normalised.
  static constexpr int bias = 1074;  // 2^-1074 is bit 0
  static constexpr int limbs = (bias + 1024 + 64) / 32 + 2;
  void normalise();
  std::array<std::int64_t, limbs> digit_{};
  std::uint32_t pending_ = 0;
};

}  // namespace smx::metrics
