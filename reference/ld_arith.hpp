// Fast-tier arithmetic: error-free transformations on x87 long double and an
// exp kernel that returns exp(x) as an unevaluated pair hi + lo with a proven
// relative error bound (no reliance on the accuracy of libm's expl).
//
// Internal to reference/ (and its tests).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>

#ifdef __FAST_MATH__
#error "reference/: the error-free transformations need IEEE semantics; do not build with -ffast-math"
#endif

namespace smx::ref::detail {

static_assert(std::numeric_limits<long double>::digits == 64 &&
                  std::numeric_limits<long double>::max_exponent == 16384,
              "the fast tier is written for the x87 80-bit long double (64-bit significand)");

// Unit roundoff of long double.
inline constexpr long double ld_u = 0x1p-64L;

// An unevaluated sum hi + lo.
struct LdPair {
  long double hi = 0, lo = 0;
};

// a + b = s + e exactly (Knuth), any magnitudes.
inline LdPair two_sum(long double a, long double b) {
  const long double s = a + b;
  const long double bb = s - a;
  const long double e = (a - (s - bb)) + (b - bb);
  return {s, e};
}

// a + b = s + e exactly when |a| >= |b| (Dekker).
inline LdPair fast_two_sum(long double a, long double b) {
  const long double s = a + b;
  return {s, b - (s - a)};
}

// Veltkamp split: a = hi + lo, each with at most 32 significant bits.
inline LdPair split(long double a) {
  constexpr double c = 0x1p32 + 1;
  const long double t = c * a;
  const long double h = t - (t - a);
  return {h, a - h};
}

// a * b = p + e exactly (Dekker; no FMA on x87), barring under/overflow.
inline LdPair two_prod(long double a, long double b) {
  const long double p = a * b;
  const LdPair x = split(a), y = split(b);
  const long double e = ((x.hi * y.hi - p) + x.hi * y.lo + x.lo * y.hi) + x.lo * y.lo;
  return {p, e};
}

// (a.hi + a.lo) / (b.hi + b.lo) as a pair, relative error below 2^-120 for
// normal-range operands with |lo| <= 2^-63 |hi|: the quotient's rounding
// error is recovered exactly from the residual a.hi - q b.hi.
inline LdPair div_pair(LdPair a, LdPair b) {
  const long double q = a.hi / b.hi;
  const LdPair p = two_prod(q, b.hi);
  const long double r = (((a.hi - p.hi) - p.lo) + a.lo - q * b.lo) / b.hi;
  return {q, r};
}

// 2^e as a long double, e in [-16382, 16383], by building the bit pattern
// (cheaper than ldexpl in the inner loop).
inline long double pow2(long e) {
  unsigned char bytes[sizeof(long double)] = {};
  const std::uint64_t mant = std::uint64_t{1} << 63;
  const auto se = static_cast<std::uint16_t>(e + 16383);
  std::memcpy(bytes, &mant, 8);
  std::memcpy(bytes + 8, &se, 2);
  long double r;
  std::memcpy(&r, bytes, sizeof r);
  return r;
}

// Table and reduction constants for the exp kernel, built once with MPFR.
// Stored as doubles: x87 loads them directly as memory operands, while
// 80-bit loads are microcoded and slow.
//   th[j] + tl[j] = 2^(j/256): th rounded to 32 bits (so th * r32 is exact),
//   tl the rest rounded to 53 bits; together accurate to 2^-85 relative.
//   l1 + l2 + l3 = ln2/256: l1 and l2 have 40 bits (k * l1, k * l2 exact for
//   |k| < 2^24), l3 the rest to 53 bits (error 2^-141, times k: 2^-119).
struct ExpTable {
  double th[256];
  double tl[256];
  double inv_l;  // 256/ln2, only used to pick k
  double l1, l2, l3;
};
const ExpTable& exp_table();

// Relative error bound of exp_pair for |hi| <= 11000 (exp_pair_max_arg).
// The analysis: argument reduction exact to 2^-112 absolute; the table to
// 2^-85; degree-8 Taylor polynomial on |r| <= ln2/512, truncated at 2^-104,
// coefficients 1/k! (k >= 3) rounded to double (2^-85 on the cubic term);
// about 3 roundings of size 2^-64 on terms below 2^-19 (2^-82.5). Together
// below 2^-81; 2^-77 keeps a margin of 16x. Measured against MPFR in
// tests/reference_test.cpp.
inline constexpr long double exp_pair_eta = 0x1p-77L;
inline constexpr long double exp_pair_max_arg = 11000.0L;

// Relative error bound of expm1_small(x) for |x| < expm1_small_max_arg:
// about 4u on the quadratic term (x^2/2, relative 2u|x|), 2u on the sum of
// the small parts and u 2^-31 on the split remainder give 3.2 u |x| +
// 3 u 2^-31; the bound below keeps a margin of 4 and 10.
inline constexpr long double expm1_small_max_arg = 0.00135L;
inline long double expm1_small_eta(long double x) {
  return 0x1p-60L * (x < 0 ? -x : x) + 0x1p-90L;
}

namespace exp_kernel {

// Taylor coefficients 1/k! for k = 3..8 (1/2 is exact).
// Doubles: the rounding (2^-54 relative) is below 2^-85 of the result.
inline constexpr double c3 = 1.0 / 6, c4 = 1.0 / 24, c5 = 1.0 / 120, c6 = 1.0 / 720, c7 = 1.0 / 5040,
                        c8 = 1.0 / 40320;

// For r = rh + rl (|rh| <= ~ln2/512, |rl| <= ~2^-50): exp(r) - 1 = r32 + b,
// r32 = the top 32 bits of rh (exact), b small (<= 2^-19).
inline LdPair expm1_reduced(long double rh, long double rl) {
  const LdPair rs = split(rh);  // rh = r32 + rr exactly
  const long double s = rs.lo + rl;
  long double p = c8 * rh + c7;
  p = p * rh + c6;
  p = p * rh + c5;
  p = p * rh + c4;
  p = p * rh + c3;
  p = p * rh + 0.5L;
  const long double q = (rh * rh) * p;  // exp(rh) - 1 - rh
  // exp(rh + rl) - 1 = rh + q + rl * exp(rh), up to rl^2 ~ 2^-100.
  const long double b = (s + q) + rl * (rh + q);
  return {rs.hi, b};
}

}  // namespace exp_kernel

// exp(xh + xl) = hi + lo with |error| <= exp_pair_eta * exp(x), for
// |xh| <= exp_pair_max_arg and |xl| <= ulp(xh). xh + xl is the exact argument.
inline LdPair exp_pair(long double xh, long double xl, const ExpTable& tb) {
  // k = round(x * 256/ln2): adding 1.5 * 2^63 rounds to an integer, which
  // is then the low bits of the significand (read directly: converting a
  // long double to an integer costs two control-word switches on x87).
  constexpr double shifter = 0x1.8p63;
  const long double ks = xh * tb.inv_l + shifter;
  std::uint64_t mant;
  std::memcpy(&mant, &ks, sizeof mant);
  const auto k = static_cast<long>(mant - 0xC000000000000000u);  // two's complement
  const long double kf = ks - shifter;
  // r = x - k ln2/256. t is exact (Sterbenz, or k == 0), k*l2 exact.
  const long double t = xh - kf * tb.l1;
  const LdPair r = two_sum(t, -(kf * tb.l2));
  const long double rl = (r.lo + xl) - kf * tb.l3;
  const LdPair w = exp_kernel::expm1_reduced(r.hi, rl);  // exp(r) - 1
  const int j = static_cast<int>(k & 255);
  const long double th = tb.th[j], tl = tb.tl[j];  // widened from double, exact
  // (th + tl)(1 + w): th + th*r32 is exact in a pair; the rest is small.
  const LdPair e = fast_two_sum(th, th * w.hi);
  const long double lo = e.lo + (th * w.lo + (tl + tl * (w.hi + w.lo)));
  const LdPair n = fast_two_sum(e.hi, lo);  // normalise: |lo| <= ulp(hi)/2, which callers assume
  const long a = k >> 8;                     // floor(k / 256)
  // 2^a through a double when in its range: the 10-byte pattern of pow2
  // defeats store-to-load forwarding.
  const long double scale = a >= -1022 && a <= 1023
                                ? static_cast<long double>(std::bit_cast<double>(
                                      static_cast<std::uint64_t>(a + 1023) << 52))
                                : pow2(a);
  return {n.hi * scale, n.lo * scale};
}

// exp(x) - 1 as a pair with relative error <= expm1_small_eta, for
// |xh| < expm1_small_max_arg (no table: the reduction is trivial).
inline LdPair expm1_small(long double xh, long double xl) {
  const LdPair w = exp_kernel::expm1_reduced(xh, xl);
  return fast_two_sum(w.hi, w.lo);
}

}  // namespace smx::ref::detail
