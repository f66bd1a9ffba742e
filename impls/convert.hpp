// Conversions between the element types (impls/dtype.hpp): widening a 16-bit
// value is exact; narrowing rounds once to nearest, ties to even, with
// gradual underflow and overflow to infinity, NaN staying NaN. Written over
// the format's numeric_limits, so one definition serves bf16 and f16, from
// double or long double. These are the scalar, reference-grade conversions
// (inputs, the reference's rounding, tests); vector kernels use the CPU's own.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "impls/dtype.hpp"

namespace smx {

template <class S> constexpr bool is_storage16 = std::is_same_v<S, bf16> || std::is_same_v<S, f16>;

// The exact value of a 16-bit element (float holds every bf16 and f16 value).
inline float to_float(bf16 v) { return std::bit_cast<float>(static_cast<std::uint32_t>(v.bits) << 16); }
inline float to_float(f16 v) {
  const bool neg = v.bits >> 15;
  const int e = (v.bits >> 10) & 0x1F;
  const int m = v.bits & 0x3FF;
  float a;
  if (e == 0x1F) a = m ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  else if (e == 0) a = std::ldexp(static_cast<float>(m), -24);  // subnormal: m 2^-24
  else a = std::ldexp(static_cast<float>(m + 1024), e - 25);
  return neg ? -a : a;
}
inline float to_float(float v) { return v; }
inline double to_float(double v) { return v; }
template <class T> long double widen(T v) { return static_cast<long double>(to_float(v)); }

namespace detail {
// The 16-bit pattern of a value already representable in S (or +-inf, NaN).
template <class S>
S pack16(float a) {
  using L = std::numeric_limits<S>;
  const std::uint16_t sign = std::signbit(a) ? 0x8000 : 0;
  if (std::isnan(a)) return {static_cast<std::uint16_t>(L::quiet_NaN().bits | sign)};
  a = std::fabs(a);
  if (std::isinf(a)) return {static_cast<std::uint16_t>(L::infinity().bits | sign)};
  if constexpr (std::is_same_v<S, bf16>) {
    return {static_cast<std::uint16_t>((std::bit_cast<std::uint32_t>(a) >> 16) | sign)};
  } else {
    if (a < 0x1p-14f) return {static_cast<std::uint16_t>(static_cast<std::uint16_t>(a * 0x1p24f) | sign)};
    int e = 0;
    const float f = std::frexp(a, &e);  // a = f 2^e, f in [1/2, 1)
    const auto m = static_cast<std::uint16_t>(f * 2048.0f) - 1024u;  // 10 fraction bits
    return {static_cast<std::uint16_t>(((e + 14) << 10) | m | sign)};
  }
}
}  // namespace detail

// RN(v) in T: float, double, bf16 or f16, from a double or long double v.
template <class T, class R>
T narrow(R v) {
  static_assert(std::is_floating_point_v<R>);
  if constexpr (!is_storage16<T>) {
    return static_cast<T>(v);  // the hardware conversion rounds once, correctly
  } else {
    using L = std::numeric_limits<T>;
    if (std::isnan(v) || std::isinf(v) || v == 0) return detail::pack16<T>(static_cast<float>(v));
    int e = 0;
    std::frexp(v, &e);                                       // |v| in [2^(e-1), 2^e)
    const int q = std::max(e, L::min_exponent) - L::digits;  // the quantum at |v|: 2^q
    const R scaled = std::nearbyint(std::ldexp(v, -q));      // exact in R: below 2^(digits + 1)
    const R r = std::ldexp(scaled, q);                       // representable in T, or beyond its max
    const R max = std::ldexp(R(2) - std::ldexp(R(1), 1 - L::digits), L::max_exponent - 1);
    if (std::fabs(r) > max) return detail::pack16<T>(std::signbit(v) ? -INFINITY : INFINITY);
    return detail::pack16<T>(static_cast<float>(r));  // exact: float holds every value of T
  }
}

}  // namespace smx
