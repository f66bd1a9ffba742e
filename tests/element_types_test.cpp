// The element types as a table (impls/dtype.hpp), the 16-bit storage formats'
// conversions (impls/convert.hpp) and the reference's rounding to them: every
// bf16 and f16 value, every midpoint between neighbours, both tiers.
#include <catch2/catch.hpp>

#include <boost/multiprecision/cpp_bin_float.hpp>
#include <cmath>
#include <cstdint>
#include <limits>

#include "impls/convert.hpp"
#include "impls/dtype.hpp"
#include "reference/rounding.hpp"

using namespace smx;

namespace {

using Num = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<128>>;

template <class S> S from_bits(std::uint32_t b) { return {static_cast<std::uint16_t>(b)}; }
template <class S> bool is_nan(S v) { return std::isnan(to_float(v)); }

// RN(y) to S both ways the suite has: the scalar conversion and the
// reference's rounding, in long double and in multiprecision.
template <class S> void check_rounds_to(long double y, S want) {
  CAPTURE(static_cast<double>(y), want.bits);
  CHECK(narrow<S>(y) == want);
  CHECK(ref::detail::round_to_T<S>(y) == want);
  if (to_float(want) != 0) CHECK(ref::detail::round_to_T<S>(Num(y)) == want);  // zero's sign: decide()
}

}  // namespace

TEST_CASE("element types: the table agrees with each format's numeric_limits", "[dtype]") {
  for_each_element([](auto v) {
    using T = decltype(v);
    using L = std::numeric_limits<T>;
    const DtypeInfo& d = info(dtype_of<T>);
    CAPTURE(d.name);
    CHECK(d.dtype == dtype_of<T>);
    CHECK(dtype_named(d.name) == d.dtype);
    CHECK(d.precision == L::digits);
    CHECK(d.min_exponent == L::min_exponent - 1);
    CHECK(d.max_exponent == L::max_exponent - 1);
    CHECK(d.bytes == sizeof(T));
    // The limits as values: smallest normal 2^emin, denorm_min 2^(emin - p + 1), max just below 2^(emax + 1).
    CHECK(static_cast<double>(to_float(L::min())) == std::ldexp(1.0, d.min_exponent));
    CHECK(std::ldexp(static_cast<double>(to_float(L::denorm_min())), d.precision - 1 - d.min_exponent) == 1.0);
    CHECK(static_cast<double>(to_float(L::max())) ==
          std::ldexp(2.0 - std::ldexp(1.0, 1 - d.precision), d.max_exponent));
    CHECK(std::isinf(to_float(L::infinity())));
    CHECK(std::isnan(to_float(L::quiet_NaN())));
  });
  CHECK_FALSE(dtype_named("f8").has_value());
}

TEMPLATE_TEST_CASE("element types: every 16-bit value widens exactly and narrows back to itself", "[dtype]", bf16,
                   f16) {
  using S = TestType;
  for (std::uint32_t b = 0; b <= 0xFFFF; ++b) {
    const S v = from_bits<S>(b);
    const float f = to_float(v);
    if (is_nan(v)) {
      CHECK(is_nan(narrow<S>(static_cast<double>(f))));
      continue;
    }
    CAPTURE(b, f);
    CHECK(narrow<S>(static_cast<double>(f)) == v);
    CHECK(ref::detail::round_to_T<S>(static_cast<long double>(f)) == v);
    // Multiprecision values reach round_to_T finite, and zero's sign is decided apart (decide()).
    if (std::isfinite(f) && f != 0) CHECK(ref::detail::round_to_T<S>(Num(f)) == v);
  }
}

TEMPLATE_TEST_CASE("element types: rounding to a 16-bit format is to nearest, ties to even, gradual underflow, "
                   "overflow to infinity",
                   "[dtype]", bf16, f16) {
  using S = TestType;
  using L = std::numeric_limits<S>;
  // Every pair of neighbouring positive finite values a < b (patterns b, b + 1).
  for (std::uint32_t bits = 0; bits < L::max().bits; ++bits) {
    const S a = from_bits<S>(bits), b = from_bits<S>(bits + 1);
    const long double la = to_float(a), lb = to_float(b), mid = (la + lb) / 2;
    const long double nudge = (lb - la) * 0x1p-40L;
    check_rounds_to<S>(mid, (bits & 1) ? b : a);  // the tie goes to the even significand
    check_rounds_to<S>(mid - nudge, a);
    check_rounds_to<S>(mid + nudge, b);
    check_rounds_to<S>(-(mid + nudge), from_bits<S>((bits + 1) | 0x8000));  // the sign is kept
  }
  // Above max: half an ulp of max and beyond is infinity, just below it max.
  const long double max = to_float(L::max()), half_ulp = std::ldexp(1.0L, L::max_exponent - L::digits - 1);
  check_rounds_to<S>(max + half_ulp, L::infinity());
  check_rounds_to<S>(max + half_ulp * (1 - 0x1p-30L), L::max());
  check_rounds_to<S>(1e30L * max, L::infinity());
  // Below half the smallest subnormal: zero, with the sign.
  const long double tiny = to_float(L::denorm_min());
  check_rounds_to<S>(tiny / 2, S{0});                             // a tie: to the even zero
  check_rounds_to<S>(tiny / 2 * (1 + 0x1p-30L), L::denorm_min());
  check_rounds_to<S>(-tiny / 4, S{0x8000});
}
