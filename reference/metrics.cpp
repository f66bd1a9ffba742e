#include "reference/metrics.hpp"

#include "reference/exact_sum.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <type_traits>
#include <utility>
#include <cstring>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace smx::metrics {
namespace {

template <class T> constexpr int precision = std::numeric_limits<T>::digits;            // p
template <class T> constexpr int emin = std::numeric_limits<T>::min_exponent - 1;       // -126, -1022
template <class T> constexpr long double unit_roundoff = std::numeric_limits<T>::epsilon() / 2;

// Inversions y_a > y_b (a before b) counted while merge-sorting y.
std::uint64_t count_inversions(std::vector<long double>& y, std::vector<long double>& scratch,
                               std::size_t lo, std::size_t hi) {
  if (hi - lo < 2) return 0;
  const std::size_t mid = lo + (hi - lo) / 2;
  std::uint64_t count = count_inversions(y, scratch, lo, mid) + count_inversions(y, scratch, mid, hi);
  std::size_t a = lo, b = mid, out = lo;
  while (a < mid && b < hi) {
    if (y[b] < y[a]) {  // strictly greater earlier element: every remaining left one is an inversion
      count += mid - a;
      scratch[out++] = y[b++];
    } else {
      scratch[out++] = y[a++];
    }
  }
  while (a < mid) scratch[out++] = y[a++];
  while (b < hi) scratch[out++] = y[b++];
  std::copy(scratch.begin() + static_cast<std::ptrdiff_t>(lo), scratch.begin() + static_cast<std::ptrdiff_t>(hi),
            y.begin() + static_cast<std::ptrdiff_t>(lo));
  return count;
}

// Indices of the entries with x and y both not NaN, sorted by (x, y).
template <class T>
std::vector<std::size_t> sorted_pairs(std::span<const T> x, std::span<const T> y) {
  std::vector<std::size_t> idx;
  idx.reserve(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i]) && !std::isnan(y[i])) idx.push_back(i);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    return x[a] < x[b] || (x[a] == x[b] && y[a] < y[b]);
  });
  return idx;
}

// The exponent and powers of two of x87 long double read and made from its
// bits: ulp() runs for every output of every report, and ilogbl + ldexpl
// were most of its cost.
static_assert(std::numeric_limits<long double>::digits == 64, "x87 80-bit long double expected");
struct LongDoubleBits {
  std::uint64_t mantissa;
  std::uint16_t sign_exponent;
};
int exponent_of(long double r) {  // floor(log2 |r|) for finite nonzero r (never subnormal here)
  LongDoubleBits b;
  std::memcpy(&b, &r, 10);
  return (b.sign_exponent & 0x7fff) - 16383;
}
long double power_of_two(int e) {
  const LongDoubleBits b{0x8000000000000000ull, static_cast<std::uint16_t>(e + 16383)};
  long double r = 0;
  std::memcpy(&r, &b, 10);
  return r;
}

}  // namespace

namespace {
// log2 ulp(r): ulp(r) = 2^ulp_exponent<T>(r).
template <class T> int ulp_exponent(long double r) {
  const int e = (r == 0 || !std::isfinite(r)) ? emin<T> : std::max(exponent_of(r), emin<T>);
  return e - precision<T> + 1;
}
}  // namespace

template <class T> long double ulp(long double r) { return power_of_two(ulp_exponent<T>(r)); }

template <class T> long double widen(T v) {
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  constexpr int stored = precision<T> - 1;
  constexpr U exponent_mask = U(~U{0} << stored) & U(~U{0} >> 1);
  const U bits = std::bit_cast<U>(v);
  if (bits & exponent_mask) return static_cast<long double>(v);  // normal, infinite or NaN
  const U significand = bits & ((U{1} << stored) - 1);
  const long double magnitude = static_cast<long double>(significand) * power_of_two(emin<T> - stored);
  return (bits >> (8 * sizeof(U) - 1)) ? -magnitude : magnitude;
}

namespace {
// ulp_error for finite y and r. Times 1/ulp, a power of two in long double's
// range: the quotient exactly, without a division.
template <class T> double finite_ulp_error(T y, long double r) {
  return static_cast<double>(std::fabs(widen(y) - r) * power_of_two(-ulp_exponent<T>(r)));
}
}  // namespace

template <class T> double ulp_error(T y, long double r) {
  if (!std::isfinite(y) && std::isfinite(r)) return std::numeric_limits<double>::infinity();
  if (std::isnan(r)) return std::isnan(y) ? 0.0 : std::numeric_limits<double>::infinity();
  if (std::isinf(r)) return static_cast<long double>(y) == r ? 0.0 : std::numeric_limits<double>::infinity();
  return finite_ulp_error(y, r);
}

template <class T> bool subnormal_class(long double r) {
  return std::fabs(r) < static_cast<long double>(std::numeric_limits<T>::min());
}

template <class T> double sum_error(std::span<const T> y) {
  for (T v : y)
    if (!std::isfinite(v)) return std::numeric_limits<double>::infinity();
  // -1 goes into the exact sum so that the small difference is what gets rounded.
  ExactSum total;
  for (T v : y) total.add(static_cast<double>(v));
  total.add(-1.0);
  return static_cast<double>(std::fabs(total.value()) / unit_roundoff<T>);
}

template <class T> std::uint64_t order_violations(std::span<const T> x, std::span<const T> y) {
  // Sorted by (x, y), pairs with equal x are in y order and never counted,
  // so the inversions of y are exactly the pairs x_i < x_j with y_i > y_j.
  const std::vector<std::size_t> idx = sorted_pairs(x, y);
  std::vector<long double> ys(idx.size()), scratch(idx.size());
  for (std::size_t k = 0; k < idx.size(); ++k) ys[k] = y[idx[k]];
  return count_inversions(ys, scratch, 0, ys.size());
}

template <class T> std::uint64_t tie_mismatches(std::span<const T> x, std::span<const T> y) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i])) idx.push_back(i);
  // NaN outputs sort last within their x group and equal nothing.
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    if (x[a] != x[b]) return x[a] < x[b];
    if (std::isnan(y[a]) != std::isnan(y[b])) return std::isnan(y[b]);
    return y[a] < y[b];
  });
  std::uint64_t mismatches = 0;
  for (std::size_t g = 0; g < idx.size();) {
    std::size_t end = g;
    while (end < idx.size() && x[idx[end]] == x[idx[g]]) ++end;
    const std::uint64_t size = end - g;
    std::uint64_t matching = 0;
    for (std::size_t run = g; run < end;) {
      std::size_t stop = run + 1;
      if (!std::isnan(y[idx[run]]))
        while (stop < end && y[idx[stop]] == y[idx[run]]) ++stop;
      const std::uint64_t c = stop - run;
      matching += c * (c - 1) / 2;
      run = stop;
    }
    mismatches += size * (size - 1) / 2 - matching;
    g = end;
  }
  return mismatches;
}

namespace {

// x's bits as an unsigned integer that orders as x does: negative values
// with every bit flipped, the others with the sign bit set; -0 as +0, so that
// equal values have equal keys.
template <class T> auto order_key(T v) {
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  constexpr U sign = U{1} << (8 * sizeof(U) - 1);
  const U bits = std::bit_cast<U>(v == 0 ? T(0) : v);
  return (bits & sign) ? U(~bits) : U(bits | sign);
}

}  // namespace

// A least-significant-digit radix sort of (key, index) by key, 11 bits a
// pass: stable, so equal values keep their index order, as std::stable_sort
// would, in a few linear passes instead of n log n comparisons that each
// read x at random (seconds at 2^24 elements).
template <class T> std::vector<std::uint32_t> x_order(std::span<const T> x) {
  using U = decltype(order_key(T{}));
  constexpr int digit_bits = 11;
  constexpr std::size_t buckets = std::size_t{1} << digit_bits;
  constexpr int passes = (8 * sizeof(U) + digit_bits - 1) / digit_bits;
  std::vector<U> key, key_tmp;
  std::vector<std::uint32_t> idx, idx_tmp;
  key.reserve(x.size());
  idx.reserve(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i])) {
      key.push_back(order_key(x[i]));
      idx.push_back(static_cast<std::uint32_t>(i));
    }
  const std::size_t n = key.size();
  std::vector<std::array<std::size_t, buckets>> count(passes);  // every pass's histogram, in one read of the keys
  for (std::array<std::size_t, buckets>& c : count) c.fill(0);
  for (const U k : key)
    for (int p = 0; p < passes; ++p) ++count[static_cast<std::size_t>(p)][(k >> (p * digit_bits)) & (buckets - 1)];
  key_tmp.resize(n);
  idx_tmp.resize(n);
  for (int p = 0; p < passes; ++p) {
    std::array<std::size_t, buckets>& c = count[static_cast<std::size_t>(p)];
    if (std::find(c.begin(), c.end(), n) != c.end()) continue;  // every key has the same digit: nothing moves
    std::size_t start = 0;
    for (std::size_t& b : c) start += std::exchange(b, start);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t to = c[(key[i] >> (p * digit_bits)) & (buckets - 1)]++;
      key_tmp[to] = key[i];
      idx_tmp[to] = idx[i];
    }
    key.swap(key_tmp);
    idx.swap(idx_tmp);
  }
  return idx;
}

namespace {

// One pass along x's order: could there be an order violation (y falls
// between groups of distinct x) or a tie mismatch (y differs inside a group)?
// Exact "at least one" tests: the counts are taken only when they say yes.
template <class T>
std::pair<bool, bool> suspects(std::span<const T> x, std::span<const T> y, std::span<const std::uint32_t> order) {
  bool order_suspect = false, tie_suspect = false;
  T prev_max = -std::numeric_limits<T>::infinity();
  // The group of equal x being read: its value, y's range in it, NaN seen, size.
  T group_x = 0, lo = 0, hi = 0;
  bool nan = false;
  std::size_t size = 0;
  const auto close_group = [&] {
    if (size == 0) return;
    if (lo < prev_max) order_suspect = true;
    if ((hi > lo || nan) && size > 1) tie_suspect = true;
    prev_max = std::max(prev_max, hi);
  };
  // x and y in x's order, gathered a block at a time first: the gathers'
  // loads do not wait on each other, so their cache misses overlap (read one
  // by one inside the group logic, a big row's misses were most of the time).
  constexpr std::size_t block = 2048;
  T xs[block], ys[block];
  for (std::size_t start = 0; start < order.size(); start += block) {
    const std::size_t count = std::min(block, order.size() - start);
    for (std::size_t k = 0; k < count; ++k) {
      xs[k] = x[order[start + k]];
      ys[k] = y[order[start + k]];
    }
    for (std::size_t k = 0; k < count; ++k) {
      if (size == 0 || xs[k] != group_x) {
        close_group();
        group_x = xs[k];
        lo = std::numeric_limits<T>::infinity();
        hi = -lo;
        nan = false;
        size = 0;
      }
      ++size;
      if (std::isnan(ys[k])) {
        nan = true;
        continue;
      }
      lo = std::min(lo, ys[k]);
      hi = std::max(hi, ys[k]);
    }
  }
  close_group();
  return {order_suspect, tie_suspect};
}

}  // namespace

template <class T>
RowMetrics row_metrics(std::span<const T> x, std::span<const T> y, std::span<const T> rn,
                       std::span<const long double> r, std::span<const std::uint32_t> order,
                       std::span<double> errors) {
  RowMetrics m;
  long double max_abs = 0, max_r = 0;
  bool all_finite = true;
  const bool keep_errors = !errors.empty();
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(r[i])) {  // special row: its policy is checked elsewhere
      if (keep_errors) errors[i] = ulp_error(y[i], r[i]);
      continue;
    }
    if (!std::isfinite(y[i])) {
      if (keep_errors) errors[i] = std::numeric_limits<double>::infinity();  // ulp_error's value here
      ++m.nonfinite;
      all_finite = false;
      continue;
    }
    const double e = finite_ulp_error(y[i], r[i]);
    if (keep_errors) errors[i] = e;
    if (subnormal_class<T>(r[i])) {
      ++m.count_subnormal;
      if (e > m.max_ulp_subnormal || m.count_subnormal == 1) m.max_ulp_subnormal = e, m.worst_subnormal = i;
    } else {
      ++m.count_normal;
      if (e > m.max_ulp_normal || m.count_normal == 1) m.max_ulp_normal = e, m.worst_normal = i;
    }
    if (y[i] != rn[i]) ++m.not_cr;
    if (y[i] < 0 || y[i] > 1) ++m.negative_or_above_one;
    const long double abs_err = std::fabs(widen(y[i]) - r[i]);
    // The division only where the quotient may exceed max_rel: below
    // max_rel * r (shrunk by 2^-60, more than both roundings) it cannot.
    if (r[i] > 0 && !(abs_err < static_cast<long double>(m.max_rel) * r[i] * (1 - 0x1p-60L)))
      m.max_rel = std::max(m.max_rel, static_cast<double>(abs_err / r[i]));
    max_abs = std::max(max_abs, abs_err);
    max_r = std::max(max_r, r[i]);
  }
  if (max_r > 0) m.normwise = static_cast<double>(max_abs / (unit_roundoff<T> * max_r));
  m.sum_error = all_finite ? sum_error(y) : std::numeric_limits<double>::infinity();
  std::vector<std::uint32_t> own;
  if (order.empty() && !x.empty()) order = own = x_order(x);
  const auto [order_suspect, tie_suspect] = suspects(x, y, order);
  m.order_violations = order_suspect ? order_violations(x, y) : 0;
  m.tie_mismatches = tie_suspect ? tie_mismatches(x, y) : 0;
  return m;
}

template <class T>
std::uint64_t order_violations(std::span<const T> x, std::span<const T> y, std::span<const std::uint32_t> order) {
  return suspects(x, y, order).first ? order_violations(x, y) : 0;
}

template <class T> double bound_basic(std::span<const T> x) {
  const auto n = std::count_if(x.begin(), x.end(), [](T v) { return std::isfinite(v); });
  return static_cast<double>(n) + 3;
}

template <class T> double bound_shifted(std::span<const T> x) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, n = 0;
  for (T v : x)
    if (std::isfinite(v)) lo = std::min(lo, double(v)), hi = std::max(hi, double(v)), ++n;
  return n == 0 ? 2 : n + 2 + 2 * (hi - lo);
}

#define SMX_INSTANTIATE(T)                                                                            \
  template long double ulp<T>(long double);                                                          \
  template long double widen<T>(T);                                                                  \
  template double ulp_error<T>(T, long double);                                                      \
  template bool subnormal_class<T>(long double);                                                     \
  template double sum_error<T>(std::span<const T>);                                                  \
  template std::uint64_t order_violations<T>(std::span<const T>, std::span<const T>);                \
  template std::uint64_t order_violations<T>(std::span<const T>, std::span<const T>,                 \
                                             std::span<const std::uint32_t>);                        \
  template std::uint64_t tie_mismatches<T>(std::span<const T>, std::span<const T>);                  \
  template RowMetrics row_metrics<T>(std::span<const T>, std::span<const T>, std::span<const T>,     \
                                     std::span<const long double>, std::span<const std::uint32_t>,   \
                                     std::span<double>);                                             \
  template std::vector<std::uint32_t> x_order<T>(std::span<const T>);                               \
  template double bound_basic<T>(std::span<const T>);                                                \
  template double bound_shifted<T>(std::span<const T>);
SMX_INSTANTIATE(float)
SMX_INSTANTIATE(double)
#undef SMX_INSTANTIATE

}  // namespace smx::metrics
