// Shared internals of the reference: the row scan that classifies special
// inputs, and the interface between the fast tier and the multiprecision
// fallback. Internal to reference/.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "reference/reference.hpp"

namespace smx::ref::detail {

// complement: 1 - softmax_i (the cross-entropy gradient's target element,
// negated), which must not be formed as 1 - p_i: it cancels when p_i ~ 1.
enum class Op { softmax, log_softmax, logsumexp, complement };

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

// What one pass over a row finds.
template <class T>
struct RowScan {
  std::size_t n = 0;
  bool has_nan = false;
  std::size_t n_posinf = 0;
  std::size_t n_finite = 0;
  T m = -std::numeric_limits<T>::infinity();   // max finite entry
  std::size_t jmax = npos;                      // its first index
  T m2 = -std::numeric_limits<T>::infinity();  // largest finite entry other than x[jmax]
  T lo = std::numeric_limits<T>::infinity();   // min finite entry
  bool uniform() const { return n_finite >= 1 && lo == m; }
};

template <class T>
RowScan<T> scan_row(std::span<const T> x) {
  RowScan<T> s;
  s.n = x.size();
  for (std::size_t i = 0; i < x.size(); ++i) {
    const T v = x[i];
    if (std::isnan(v)) {
      s.has_nan = true;
    } else if (std::isinf(v)) {
      if (v > 0) ++s.n_posinf;
    } else {
      ++s.n_finite;
      if (v < s.lo) s.lo = v;
      if (s.jmax == npos || v > s.m) {
        s.m2 = s.m;
        s.m = v;
        s.jmax = i;
      } else if (v > s.m2) {
        s.m2 = v;
      }
    }
  }
  return s;
}

// A row as the multiprecision tier sees it: either real entries x, or a
// "uniform" virtual row of k equal entries m (all-equal rows and the k +inf
// entries of a row, which share their limit with k equal finite values).
template <class T>
struct MpRow {
  std::span<const T> x;  // empty for a virtual uniform row
  T m{};
  std::size_t jmax = npos;
  long double d2 = 0;  // m2 - m (approximately), -inf if no second finite entry
  std::size_t n_finite = 0;
  bool uniform = false;
  long double temperature = 1;  // the exponents are (x_i - m) / temperature
};

// Decides outputs the fast tier could not, at increasing precision.
// idx[j]: index into row.x of the j-th wanted output, or npos for an entry
// equal to the max (the d = 0 entry of a uniform row); for logsumexp one
// entry, ignored. Results go to out[j]. Returns the largest precision used
// (bits). Throws std::runtime_error if the precision cap is reached.
template <class T>
unsigned mp_resolve_mpfr(Op op, const MpRow<T>& row, std::span<const std::size_t> idx, std::span<T> out);
template <class T>
unsigned mp_resolve_cpp_bin_float(Op op, const MpRow<T>& row, std::span<const std::size_t> idx,
                                  std::span<T> out);

template <class T>
unsigned mp_resolve(Backend b, Op op, const MpRow<T>& row, std::span<const std::size_t> idx,
                    std::span<T> out) {
  return b == Backend::mpfr ? mp_resolve_mpfr<T>(op, row, idx, out)
                            : mp_resolve_cpp_bin_float<T>(op, row, idx, out);
}

// A short description of a row for error messages (exact values in hex).
template <class T>
std::string describe_row(Op op, std::span<const T> x, std::size_t index);

// RN(1/k) in T, exactly (integer arithmetic); k >= 1.
template <class T>
T round_reciprocal(std::size_t k);
// RN(a/b) in T, exactly; 0 < a, 0 < b < 2^32.
template <class T>
T round_ratio(std::uint64_t a, std::uint64_t b);

// The fast tier for a general row (n_finite >= 2, not uniform, no NaN or
// +inf); see fast_tier.cpp.
template <class T>
Stats fast_softmax(std::span<const T> x, const RowScan<T>& scan, std::span<T> out,
                   std::span<long double> value, const Options& opt);
template <class T>
Stats fast_log_softmax(std::span<const T> x, const RowScan<T>& scan, std::span<T> out,
                       std::span<long double> value, const Options& opt);
// RN(1 - softmax_t) of a general row; ulp-accurate value in *value.
template <class T>
T fast_complement(std::span<const T> x, const RowScan<T>& scan, std::size_t t, const Options& opt, Stats& st,
                  long double* value);
// RN(m + log k) (logsumexp of k equal entries m) and RN(-log k), k >= 2.
template <class T>
T uniform_logsumexp(T m, std::size_t k, const Options& opt, unsigned* bits = nullptr);
// logsumexp of a general row.
template <class T>
T fast_logsumexp(std::span<const T> x, const RowScan<T>& scan, const Options& opt);

}  // namespace smx::ref::detail
