// The choices a softmax pass is compiled for, shared by the intrinsics paths
// and the portable one. Types only, so any translation unit may include it.
#pragma once

namespace smx::simd {

// How a row's exponentials are taken, chosen from its max m (row_reference.hpp)
// so that the argument of the polynomial is always exact and e a monotone
// function of x:
// - none: e = exp(x) 2^(64 - k0), k0 = round(m log2 e): no subtraction at
//   all. For m in (scaled_lo, scaled_hi) of exp_constants.hpp, where every
//   x that matters (x >= m - tail) still has an exact reduction x - k ln 2.
// - sub: e = exp(x - m) 2^64 for m outside that range: there x - m is exact
//   (Sterbenz) for every x >= m - tail, and the rest round to 0 anyway.
// These replaced a shift by every max with x - m made exact by TwoSum
// (s + t), which was not monotone where x - m is inexact and the x finer
// than r: r = rh + rl is rounded, and a change of t far below ulp(r) moved
// it by a whole ulp (tests/exact_shift_order_test.cpp). They are also five
// operations cheaper.
enum class Shift { none, sub };

// What the error term err beside each e holds, and so how y is rounded:
// compensated (vectorized): the final rounding of e only; faithful
// (accurate): also the rounding of inner, so that e + err is exp to the
// polynomial's accuracy, and every e summed on its own (no float pair sums).
enum class Accuracy { compensated, faithful };

// Where the scaling pass gets each e: reloaded from y (and err from the
// scratch), where the sum pass stored them, or recomputed from x (rows
// beyond kRecomputeBytes, and online).
enum class Reuse { reload, recompute };

// Whether the sum pass also finds the row's max (the fused pass of float
// rows, which guesses the reference before the max is known).
enum class RowMax { known, tracked };

// What the scaling pass scales: e + err (each output rounded once from it),
// or e alone (online, whose sum has no err terms).
enum class Scaled { e_and_err, e };

}  // namespace smx::simd
