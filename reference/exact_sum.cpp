#include "reference/exact_sum.hpp"

#include <bit>
#include <cmath>
#include <cstdint>

namespace smx::metrics {

void ExactSum::add(double v) {
  if (v == 0) return;
  // |v| = m * 2^(shift - bias) with m an integer of at most 53 bits, read from
  // v's bits (frexp and ldexp were a good part of the report's time): a
  // normal v is its 52 stored bits with the hidden one at biased exponent E,
  // a subnormal one is its stored bits times 2^-1074 (shift 0).
  const auto bits = std::bit_cast<std::uint64_t>(v);
  const int biased = static_cast<int>((bits >> 52) & 0x7ff);
  const std::uint64_t stored = bits & ((std::uint64_t{1} << 52) - 1);
  const int shift = biased == 0 ? 0 : biased - 1;
  const std::uint64_t m = biased == 0 ? stored : stored | (std::uint64_t{1} << 52);
  const bool negative = (bits >> 63) != 0;
  const int limb = shift / 32, bit = shift % 32;
  // m * 2^bit has at most 85 bits: three 32-bit digits (signed, so each digit
  // is taken from the magnitude and the sign applied).
  const unsigned __int128 mag = static_cast<unsigned __int128>(m) << bit;
  for (int k = 0; k < 3; ++k) {
    const auto d = static_cast<std::int64_t>(static_cast<std::uint32_t>(mag >> (32 * k)));
    digit_[static_cast<std::size_t>(limb + k)] += negative ? -d : d;
  }
  if (++pending_ == (1u << 30)) normalise();
}

void ExactSum::normalise() {
  std::int64_t carry = 0;
  for (auto& d : digit_) {
    const std::int64_t t = d + carry;
    carry = t >> 32;  // arithmetic shift: floor division, so the digit stays in [0, 2^32)
    d = t - carry * (std::int64_t{1} << 32);
  }
  digit_.back() += carry * (std::int64_t{1} << 32);  // the sign lives in the top limb
  pending_ = 0;
}

long double ExactSum::value() const {
  ExactSum copy = *this;
  copy.normalise();
  // A negative sum would be a huge negative top digit over positive lower
  // ones: add up its magnitude instead, so nothing cancels.
  const bool negative = copy.digit_.back() < 0;
  if (negative) {
    for (auto& d : copy.digit_) d = -d;
    copy.normalise();
  }
  // Digits in [0, 2^32) except the top one, which carries the sign. Added
  // from the least significant up in long double, every rounding is far
  // below the final magnitude: the result is within a few ulps of long double.
  long double s = 0;
  for (int k = 0; k < limbs; ++k)
    s += std::ldexp(static_cast<long double>(copy.digit_[static_cast<std::size_t>(k)]), 32 * k - bias);
  return negative ? -s : s;
}

}  // namespace smx::metrics
