// A row's reference for its exponentials, from its max m: the same scalar
// arithmetic for the intrinsics paths (exp.hpp, RowExp) and the portable one.
// Opens an anonymous namespace: ISA translation units get their own copy,
// compiled with their flags, never a shared weak symbol (see avx512.cpp).
#pragma once

#include <cstdint>

#include "impls/simd/exp_constants.hpp"
#include "impls/simd/pass_options.hpp"

namespace {

template <class T>
struct RowReference {
  using C = smx::simd::exp_constants::For<T>;
  smx::simd::Shift shift;
  T c;     // subtracted from x: 0 (Shift::none) or m (Shift::sub)
  T low;   // the argument (x - c) is clamped here: outputs below it round to 0
  int k0;  // e carries 2^(64 - k0): round(m log2 e) for Shift::none, else 0
  int top; // the largest exponent of exp(m - c) 2^-k0

  // Each quantity is its own function: RowExp (exp.hpp) composes them in
  // place, in the form GCC compiled the kernels best from.
  // Rows whose max is in (scaled_lo, scaled_hi) take Shift::none (false for NaN and +-inf).
  static bool scaled_range(T mx) { return mx > C::scaled_lo && mx < C::scaled_hi; }
  static double log2e_times(T mx) { return static_cast<double>(mx) * 1.4426950408889634; }
  // k0 = round(m log2 e) from l2 = m log2 e, for scaled rows.
  static int k0_of(double l2, bool scaled) { return scaled ? static_cast<int>(__builtin_floor(l2 + 0.5)) : 0; }
  // floor(m log2 e): the top exponent before k0 comes off.
  static int floor_of(double l2, bool scaled) { return scaled ? static_cast<int>(__builtin_floor(l2)) : 0; }
  // The clamp of the argument: tail below the max, whichever the shift.
  static T lower_bound(T mx, bool scaled) { return scaled ? mx - C::tail : -C::tail; }

  explicit RowReference(T mx) {
    const bool scaled = scaled_range(mx);
    shift = scaled ? smx::simd::Shift::none : smx::simd::Shift::sub;
    const double l2 = log2e_times(mx);
    k0 = k0_of(l2, scaled);
    top = floor_of(l2, scaled) - k0;
    c = scaled ? T(0) : mx;
    low = lower_bound(mx, scaled);
  }
  // A power of two above every e, for the double sums (Fast2Sum exact):
  // e <= 2^(64 + top) (1 + 2^-50) < 2^(64 + top + 2); built in the bits of a
  // double (ldexp is a library call).
  static double seed_above(int top) {
    return __builtin_bit_cast(double, static_cast<std::uint64_t>(1023 + C::scale_log2 + top + 2) << 52);
  }
};

}  // namespace
