// Rounding to T (float or double) of a value known only up to an error bound:
// decides RN(y) (ties to even, subnormals, overflow) or says it cannot.
// Written once over the arithmetic type R: long double in the fast tier, a
// Boost.Multiprecision number in the fallback.
//
// Internal to reference/.
#pragma once

#include <bit>
#include <cmath>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "impls/convert.hpp"

namespace smx::ref::detail {

template <class T>
using bits_of = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

// The neighbours of a finite c in T (+-inf beyond +-max); -0 and +0 both
// have +-denorm_min as neighbours.
template <class T>
T next_up(T c) {
  if (c == 0) return std::numeric_limits<T>::denorm_min();
  auto b = std::bit_cast<bits_of<T>>(c);
  b = c > 0 ? b + 1 : b - 1;
  return std::bit_cast<T>(b);
}
template <class T>
T next_down(T c) {
  return -next_up<T>(-c);
}

// RN of an R value to T (float, double, bf16 or f16), ties to even, gradual
// underflow, overflow to inf. long double: the x87 store rounds once,
// correctly, subnormals included (the 16-bit formats by impls/convert.hpp,
// exact in long double). Multiprecision: by hand (frexp, integer
// significand), because Boost's conversions to float/double are not
// guaranteed to round once correctly in the subnormal range.
template <class T, class R>
T round_to_T(const R& s) {
  if constexpr (std::is_same_v<R, long double>) {
    return narrow<T>(s);
  } else {
    using L = std::numeric_limits<T>;
    // A double already representable in T (or beyond T's max: inf) as T.
    const auto exact = [](double v) { return narrow<T>(v); };
    if (s == 0) return exact(0.0);
    const bool neg = s < 0;
    const R a = neg ? R(-s) : s;
    int e = 0;
    const R f = frexp(a, &e);  // a = f 2^e, f in [1/2, 1)
    (void)f;
    if (e > L::max_exponent) return exact(neg ? -HUGE_VAL : HUGE_VAL);
    if (e < L::min_exponent - L::digits - 1) return exact(neg ? -0.0 : 0.0);  // below half denorm_min
    const int q = (e > L::min_exponent ? e : L::min_exponent) - L::digits;  // quantum 2^q
    const R scaled = ldexp(a, -q);                                          // < 2^digits
    const R whole = floor(scaled);
    const R frac = scaled - whole;
    auto n = static_cast<std::uint64_t>(whole);
    if (frac > 0.5 || (frac == 0.5 && (n & 1))) ++n;
    // exact in double (n < 2^53, q within double's range for every T), or inf on overflow
    const double r = std::ldexp(static_cast<double>(n), q);
    return exact(neg ? -r : r);
  }
}

template <class R>
R abs_of(const R& v) {
  return v < 0 ? R(-v) : v;
}

template <class T>
struct Decision {
  bool decided = false;
  T value{};
};

// a + b = hi + lo exactly (Knuth's TwoSum; valid for any correctly rounded
// binary arithmetic, so for long double and the multiprecision types alike).
template <class R>
struct SumR {
  R hi, lo;
};
template <class R>
SumR<R> two_sum_r(const R& a, const R& b) {
  const R s = a + b;
  const R bb = s - a;
  return {s, R(R(a - R(s - bb)) + R(b - bb))};
}

// A bound on the rounding error of r = fl(a + b): at most half an ulp of r,
// and at most |b| (a itself is a representable candidate) and |a|.
template <class R>
R add_err(const R& a, const R& b, const R& r, const R& ur) {
  return std::min({R(ur * abs_of(r)), abs_of(b), abs_of(a)});
}

// t ~ (A + B + Ch + Cl) - m, the distance from the value to a point m, and
// in rnd a bound (doubled) on the rounding error of t. The leading parts are
// combined with error-free transformations: when A + B - m is exactly zero
// (A + B is m itself) t is C, so a tiny C still decides the side.
template <class R>
R distance(const R& A, const R& B, const R& Ch, const R& Cl, const R& m, const R& ur, R& rnd) {
  const SumR<R> s1 = two_sum_r(A, R(-m));
  const SumR<R> s2 = two_sum_r(s1.hi, B);
  const SumR<R> s3 = two_sum_r(s2.hi, Ch);
  const R l1 = s1.lo + s2.lo;
  const R l2 = l1 + s3.lo;
  const R l3 = l2 + Cl;
  const R t = s3.hi + l3;
  rnd = (add_err(s1.lo, s2.lo, l1, ur) + add_err(l1, s3.lo, l2, ur) + add_err(l2, Cl, l3, ur) +
         add_err(s3.hi, l3, t, ur)) *
        2;
  return t;
}

// Decides RN_T(y) for y = A + B + (Ch + Cl) + delta with |delta| <= err,
// where A and B are exact R values (A the bulk, B a small exact correction,
// e.g. the two halves of x_i - m) and Ch + Cl an approximate term (a pair,
// e.g. -log S) whose error err includes.
//   ur:       unit roundoff of R (to bound the rounding of the distances);
//   sign:     +1 / -1 if the sign of y is known (for the sign of a zero
//             result), 0 if it has to be decided too;
//   tie_dir:  only with err == 0 and C == 0: y lies infinitesimally above
//             (+1) or below (-1) A + B (e.g. x - log(1 + s) with
//             0 < s < 2^-15000).
// Decided iff the interval [y - err, y + err] contains no midpoint between
// two neighbours of T (and, for a zero result of unknown sign, not 0).
template <class T, class R>
Decision<T> decide(const R& A, const R& B, const R& Ch, const R& Cl, const R& err, int sign, int tie_dir,
                   const R& ur) {
  using L = std::numeric_limits<T>;
  const R s = (A + B) + (Ch + Cl);
  T c = round_to_T<T>(s);
  if constexpr (std::is_same_v<R, long double>) {
    // Cheapest test first: widen the interval by the rounding of s (at most
    // 2^-64 (|A| + |B| + |Ch| + |Cl| + |s|)) and of its ends (2^-64 |s|),
    // with a margin of 2, and round both ends: RN is monotonic. Passes
    // unless y is within ~2^-61 relative of a boundary.
    const R w = err + 0x1p-62L * (abs_of(A) + abs_of(B) + abs_of(Ch) + abs_of(Cl) + abs_of(s));
    if (c != 0 && !std::isinf(c) && static_cast<T>(s - w) == c && static_cast<T>(s + w) == c) return {true, c};
  }
  if (c != 0 && !std::isinf(c)) {
    // Common case first: y within err of c, well inside c's rounding
    // interval (half the smaller gap on either side). Cheaper (still
    // rigorous) rounding bounds here: a failure only means the careful path.
    const T cu = next_up(c), cd = next_down(c);
    if (!std::isinf(cu) && !std::isinf(cd)) {
      const R cr = R(c);
      const R a0 = A - cr;  // exact by Sterbenz when A and c are within 2x
      const R a1 = a0 + B;
      const R a2 = a1 + Ch;
      const R t0 = a2 + Cl;  // y - c up to rounding
      const bool a0_exact = A == 0 || (A / 2 <= cr && cr <= A * 2) || (A / 2 >= cr && cr >= A * 2);
      const R rnd = (a0_exact ? R(0) : R(ur * abs_of(a0))) + add_err(a0, B, a1, ur) + add_err(a1, Ch, a2, ur) +
                    add_err(a2, Cl, t0, ur);
      const R half = std::min(R(R(cu) - cr), R(cr - R(cd))) / 2;
      if (abs_of(t0) + err + rnd * 2 < half) return {true, c};
    }
  }
  if (std::isinf(c)) c = std::copysign(L::max(), c);
  const T up = next_up(c), dn = next_down(c);
  const R cr = R(c);
  // Gaps to the neighbours (inf has no gap: mirror the one below max).
  const R gap_up = (c == L::max()) ? R(cr - R(dn)) : R(R(up) - cr);
  const R gap_dn = (c == -L::max()) ? R(R(up) - cr) : R(cr - R(dn));
  if (!(err * 8 < gap_up && err * 8 < gap_dn)) return {};
  const R mu = cr + gap_up / 2, md = cr - gap_dn / 2;  // exact in R
  R ru, rd;
  const R tu = distance(A, B, Ch, Cl, mu, ur, ru);  // y - mu
  const R td = distance(A, B, Ch, Cl, md, ur, rd);  // y - md
  const R eu = err + ru, ed = err + rd;
  // With err == 0 and C == 0 the distances are exact.
  const bool tie_ok = err == 0 && Ch == 0 && Cl == 0 && tie_dir != 0;
  const bool above_mu = tu > eu || (tie_ok && tu == 0 && tie_dir > 0);
  const bool below_mu = tu < -eu || (tie_ok && tu == 0 && tie_dir < 0);
  const bool above_md = td > ed || (tie_ok && td == 0 && tie_dir > 0);
  const bool below_md = td < -ed || (tie_ok && td == 0 && tie_dir < 0);
  T r;
  if (above_mu) {
    r = (c == L::max()) ? L::infinity() : up;
  } else if (below_md) {
    r = (c == -L::max()) ? -L::infinity() : dn;
  } else if (below_mu && above_md) {
    r = c;
  } else {
    return {};
  }
  if (r == 0) {
    R rz;
    const R tz = distance(A, B, Ch, Cl, R(0), ur, rz);  // y itself
    if (sign != 0) {
      r = std::copysign(T(0), T(sign));
    } else if (abs_of(tz) > err + rz) {
      r = tz < 0 ? -T(0) : T(0);
    } else if (tie_ok && tz == 0) {
      r = tie_dir < 0 ? -T(0) : T(0);
    } else {
      return {};
    }
  }
  return {true, r};
}

}  // namespace smx::ref::detail
