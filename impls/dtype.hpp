// The element types the suite measures, as one table: f32 and f64, and the
// 16-bit storage formats bf16 (f32's exponents, 8-bit significand) and f16
// (IEEE binary16: 11-bit significand, normals from 2^-14, subnormals to
// 2^-24). A 16-bit kernel reads and writes the 16-bit format; how it computes
// inside is its own, declared choice.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "impls/named_table.hpp"
#include <type_traits>

namespace smx {

// Storage types: the bits and nothing else, so no arithmetic happens in a
// 16-bit type by accident. float_bits.hpp converts them.
struct bf16 {
  std::uint16_t bits = 0;
  friend constexpr bool operator==(bf16, bf16) = default;
};
struct f16 {
  std::uint16_t bits = 0;
  friend constexpr bool operator==(f16, f16) = default;
};

enum class Dtype : std::uint8_t { f32, f64, bf16, f16 };

// What a format is: DESIGN.md's metrics read precision p (significand bits,
// the implicit one included) and emin (the exponent of the smallest normal).
struct DtypeInfo {
  Dtype dtype;
  std::string_view name;
  int precision;
  int min_exponent;  // emin: smallest normal 2^emin
  int max_exponent;  // largest finite value < 2^(emax + 1)
  std::size_t bytes;
};

inline constexpr std::array<DtypeInfo, 4> dtype_table{{
    {Dtype::f32, "f32", 24, -126, 127, 4},
    {Dtype::f64, "f64", 53, -1022, 1023, 8},
    {Dtype::bf16, "bf16", 8, -126, 127, 2},
    {Dtype::f16, "f16", 11, -14, 15, 2},
}};

constexpr const DtypeInfo& info(Dtype d) { return row_of(dtype_table, d); }
constexpr std::string_view to_string(Dtype d) { return info(d).name; }
constexpr std::optional<Dtype> dtype_named(std::string_view name) { return key_named(dtype_table, &DtypeInfo::dtype, name); }

// The C++ type of each element type, both ways.
template <class T> struct dtype_traits;
template <> struct dtype_traits<float> { static constexpr Dtype dtype = Dtype::f32; };
template <> struct dtype_traits<double> { static constexpr Dtype dtype = Dtype::f64; };
template <> struct dtype_traits<bf16> { static constexpr Dtype dtype = Dtype::bf16; };
template <> struct dtype_traits<f16> { static constexpr Dtype dtype = Dtype::f16; };
template <class T> constexpr Dtype dtype_of = dtype_traits<T>::dtype;

template <Dtype D> struct element_of;
template <> struct element_of<Dtype::f32> { using type = float; };
template <> struct element_of<Dtype::f64> { using type = double; };
template <> struct element_of<Dtype::bf16> { using type = bf16; };
template <> struct element_of<Dtype::f16> { using type = f16; };
template <Dtype D> using element_t = typename element_of<D>::type;

// Calls f(element) with a value of each element type's C++ type, in table
// order: the one loop over types that code iterating them writes.
template <class F> constexpr void for_each_element(F&& f) {
  f(float{});
  f(double{});
  f(bf16{});
  f(f16{});
}

}  // namespace smx

// numeric_limits for the storage types, so code written over a format's
// digits and exponent range (the reference's rounding, the metrics) reads
// them as it does for float and double. Values are returned as the format.
namespace smx::detail {
template <std::uint16_t Max, std::uint16_t Lowest, std::uint16_t Min, std::uint16_t Denorm, std::uint16_t Eps,
          int Digits, int MinExp, int MaxExp, class S>
struct limits16 {
  static constexpr bool is_specialized = true, is_signed = true, is_integer = false, is_exact = false;
  static constexpr bool has_infinity = true, has_quiet_NaN = true, is_iec559 = false;
  static constexpr std::float_denorm_style has_denorm = std::denorm_present;
  static constexpr int radix = 2, digits = Digits, min_exponent = MinExp, max_exponent = MaxExp;
  static constexpr S max() { return {Max}; }
  static constexpr S lowest() { return {Lowest}; }
  static constexpr S min() { return {Min}; }
  static constexpr S denorm_min() { return {Denorm}; }
  static constexpr S epsilon() { return {Eps}; }
  static constexpr S infinity() { return {static_cast<std::uint16_t>(Max + 1)}; }
  static constexpr S quiet_NaN() { return {static_cast<std::uint16_t>((Max + 1) | (1u << (Digits - 2)))}; }
};
}  // namespace smx::detail
namespace std {
// numeric_limits convention: min_exponent is emin + 1, max_exponent emax + 1.
template <> struct numeric_limits<smx::bf16>
    : smx::detail::limits16<0x7F7F, 0xFF7F, 0x0080, 0x0001, 0x3C00, 8, -125, 128, smx::bf16> {};
template <> struct numeric_limits<smx::f16>
    : smx::detail::limits16<0x7BFF, 0xFBFF, 0x0400, 0x0001, 0x1400, 11, -13, 16, smx::f16> {};
}  // namespace std
