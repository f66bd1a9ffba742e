// Error metrics, with the definitions of DESIGN.md, used by every test and report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace smx::metrics {

// ulp(r) = 2^(max(floor(log2|r|), emin) - p + 1): 2^-149 at and near zero for float.
template <class T> long double ulp(long double r);

// v as a long double (exactly), without the x87 microcode assist that loading
// a subnormal float or double costs (a hundred cycles or so): subnormals are
// made from their integer significand instead.
template <class T> long double widen(T v);

// |y - r| / ulp(r), r the exact value. +inf when y is NaN or infinite and r
// is finite (count those apart: they are not an ulp number).
template <class T> double ulp_error(T y, long double r);

// True when r lies below the normal range of T (its ulp is the subnormal one).
template <class T> bool subnormal_class(long double r);

// |sum(y) - 1| / u with the sum of the T values taken exactly (u = 2^-p).
template <class T> double sum_error(std::span<const T> y);

// Pairs with x_i < x_j but y_i > y_j (NaN entries are left out). O(n log n).
template <class T> std::uint64_t order_violations(std::span<const T> x, std::span<const T> y);
// The same, given x_order(x): a linear pass unless that pass finds a suspect.
template <class T>
std::uint64_t order_violations(std::span<const T> x, std::span<const T> y, std::span<const std::uint32_t> order);
// Pairs with x_i == x_j but y_i != y_j. O(n log n).
template <class T> std::uint64_t tie_mismatches(std::span<const T> x, std::span<const T> y);

// Indices of the non-NaN entries of x, sorted by x: computed once per input
// and shared by every implementation measured on it, so that the order and
// tie counts cost a linear pass in the usual case of none.
template <class T> std::vector<std::uint32_t> x_order(std::span<const T> x);

// Every metric of one row of softmax output y against the reference.
struct RowMetrics {
  double max_ulp_normal = 0;     // over outputs whose exact value is normal
  double max_ulp_subnormal = 0;  // over outputs whose exact value is below the normal range
  std::size_t worst_normal = 0, worst_subnormal = 0;  // indices of those maxima
  std::uint64_t count_normal = 0, count_subnormal = 0;
  std::uint64_t not_cr = 0;      // y != RN(r)
  std::uint64_t nonfinite = 0;   // y NaN/Inf where r is finite
  std::uint64_t negative_or_above_one = 0;
  double max_rel = 0;            // max |y - r| / r over r > 0
  double normwise = 0;           // max|y - r| / (u * max r)
  double sum_error = 0;          // |sum y - 1| / u, exact sum
  std::uint64_t order_violations = 0;
  std::uint64_t tie_mismatches = 0;
};

// x: input; y: output under test; rn: RN(r); r: exact values (long double);
// order: x_order(x), or empty to have it computed here; errors: empty, or
// y.size() slots that receive ulp_error(y[i], r[i]) for every i (the report's
// histogram and mean use them: each error is computed once).
// Rows whose reference is not finite (special rows) give only nonfinite and
// order/tie counts; use the special-value checks for them.
template <class T>
RowMetrics row_metrics(std::span<const T> x, std::span<const T> y, std::span<const T> rn,
                       std::span<const long double> r, std::span<const std::uint32_t> order = {},
                       std::span<double> errors = {});

// Blanchard-Higham-Higham forward error bounds, in units of u, for softmax
// computed by the basic ((n+3)u) and the max-shifted ((n + 2 + 2(xmax - xmin))u)
// algorithms, over finite entries.
template <class T> double bound_basic(std::span<const T> x);
template <class T> double bound_shifted(std::span<const T> x);

}  // namespace smx::metrics
