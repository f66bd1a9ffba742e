// Constants of the exponential every vectorized path evaluates. Data only (no
// functions), so the ISA-flagged translation units may include it safely.
//
// e = exp(s) * 2^(64 - k0) for an exact argument s (row_reference.hpp, exp.hpp):
// s = x with k0 = round(m log2 e) for a row max m in (scaled_lo, scaled_hi),
// else s = x - m with k0 = 0, exact there by Sterbenz for every x >= m - tail:
//   k = round(s / ln 2), by adding the magic number (puts k in the low bits;
//       magic_pow2 - k0 puts k - k0 + bias + 64 there, the exponent of 2^(k -
//       k0 + 64) once shifted into place);
//   r = (s - k ln2_hi) - k ln2_lo, where s - k ln2_hi is exact (Cody-Waite;
//       ln2_hi has spare trailing zeros);
//   exp(r) ~ 1 + r + r^2 Q(r) on |r| <= 0.3467, Q minimax (Remez), summed as
//   1 + (rh + (rl + r^2 Q(r))) with r = rh + rl rounded only inside Q's term
//   (monotone in s);
//   e = exp(r) * 2^(k - k0 + 64).
// The 2^64 keeps every e with s >= m - tail normal, so no precision is lost
// to a subnormal e; it comes off only after the last product (three_pass.hpp, scale_pass).
// Below m - tail the exact softmax rounds to 0; s is clamped there, and the
// output of the clamped e rounds to 0 all the same.
// The window: the fused max pass of float rows guesses k0 = 0 before m is
// known, with the bound window_lo - tail; that is right for every m in
// [window_lo, window_hi] (float: -131 > -131.7, where exp(x) 2^64 leaves the
// normal range; and 2^(k+64) is representable up to x = 44), checked after.
#pragma once

#include <cstdint>
#include <type_traits>

namespace smx::simd::exp_constants {

struct F32 {
  static constexpr float log2e = 0x1.715476p+0f;
  static constexpr float ln2_hi = 0x1.62e4p-1f;     // 15 bits: k * ln2_hi exact for |k| < 2^9
  static constexpr float ln2_lo = 0x1.7f7d1cp-20f;  // ln 2 - ln2_hi
  static constexpr float magic = 0x1.8p23f;         // x + magic rounds x to an integer, |x| < 2^22
  // magic + 127 + 64: k + 191 in the low bits, so shifting them up to the
  // exponent field gives 2^(k+64) (the high bits of magic shift out).
  static constexpr float magic_pow2 = 0x1.8p23f + 191.0f;
  static constexpr float tail = 104.0f;             // exp(-104) < 2^-150: rounds to 0
  static constexpr float window_lo = -27.0f, window_hi = 43.0f;
  // Rows with m in (scaled_lo, scaled_hi) take exp(x) 2^(64 - k0): every x >= m
  // - tail has |k| < 2^9 there (k ln2_hi exact); outside it x - m is exact
  // (Sterbenz: m/2 <= x for m >= 2 tail, x >= 2m for m <= -tail).
  static constexpr float scaled_lo = -104.0f, scaled_hi = 208.0f;
  static constexpr int scale_log2 = 64;             // e carries a factor 2^64
  static constexpr std::uint32_t exp_bias = 127;
  static constexpr int mantissa_bits = 23;
  // exp(r) = 1 + r + r^2 (c2 + c3 r + ... + c6 r^4), relative error 3.7e-9 (2^-28)
  // on |r| <= 0.3467 with these float coefficients (weighted Remez on the
  // relative error of exp, then rounded).
  static constexpr float c2 = 0x1.fffffcp-2f;
  static constexpr float c3 = 0x1.555492p-3f;
  static constexpr float c4 = 0x1.5558f2p-5f;
  static constexpr float c5 = 0x1.123a0ap-7f;
  static constexpr float c6 = 0x1.6a23f2p-10f;
};

struct F64 {
  static constexpr double log2e = 0x1.71547652b82fep+0;
  static constexpr double ln2_hi = 0x1.62e42fee00000p-1;  // 32 bits: k * ln2_hi exact for |k| < 2^21
  static constexpr double ln2_lo = 0x1.a39ef35793c76p-33;
  static constexpr double magic = 0x1.8p52;
  static constexpr double magic_pow2 = 0x1.8p52 + 1087.0;  // as for float: k + 1023 + 64 in the low bits
  static constexpr double tail = 745.5;  // exp(-745.5) < 2^-1075: rounds to 0
  static constexpr double window_lo = -7.0, window_hi = 400.0;
  static constexpr double scaled_lo = -745.5, scaled_hi = 1491.0;  // |k| < 2^12 << 2^21
  static constexpr int scale_log2 = 64;
  static constexpr std::uint64_t exp_bias = 1023;
  static constexpr int mantissa_bits = 52;
  // exp(r) = 1 + r + r^2 (c2 + ... + c11 r^9), relative error 1.6e-17 (2^-55.8)
  // on |r| <= 0.3467 (Remez on the relative error of Q).
  static constexpr double c2 = 0x1.0000000000001p-1;
  static constexpr double c3 = 0x1.555555555554dp-3;
  static constexpr double c4 = 0x1.5555555553d70p-5;
  static constexpr double c5 = 0x1.11111111144aap-7;
  static constexpr double c6 = 0x1.6c16c178886bep-10;
  static constexpr double c7 = 0x1.a01a018c27e73p-13;
  static constexpr double c8 = 0x1.a019b915c33fbp-16;
  static constexpr double c9 = 0x1.71de5a478556fp-19;
  static constexpr double c10 = 0x1.28917f5d9ae99p-22;
  static constexpr double c11 = 0x1.aeab03a54a3b2p-26;
};

// The constants by element type.
template <class T> using For = std::conditional_t<std::is_same_v<T, float>, F32, F64>;

// twopass (twopass.hpp): exp(x) = p 2^k with k kept apart, whose reduction
// x - k ln 2 is exact for |x| <= R, ln 2 = c1 + c2 + c3 (float in three parts).
template <class T> struct TwoPassRange;
template <> struct TwoPassRange<float> {
  static constexpr float R = 11000.0f;  // |k| < 2^14: k c1 exact
  static constexpr float c1 = 0x1.63p-1f, c2 = -0x1.bd0106p-13f, c3 = 0x1.cf79acp-40f;
};
template <> struct TwoPassRange<double> {
  static constexpr double R = 1.0e6;  // |k| < 2^21: k ln2_hi exact
  static constexpr double c1 = F64::ln2_hi, c2 = F64::ln2_lo, c3 = 0;
};

}  // namespace smx::simd::exp_constants
