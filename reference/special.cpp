// Exact results that need no error bound, and the row description used in
// error messages.
#include <bit>
#include <cstdio>
#include <limits>
#include <string>

#include "reference/detail.hpp"

namespace smx::ref::detail {

// RN(1/k) by integer division: for k not a power of two, 2^(e-1) < k < 2^e
// with e = bit_width(k), so q = floor(2^(p-1+e) / k) lies in [2^(p-1), 2^p)
// and is rounded by its remainder. 1/k is then never a midpoint (a midpoint
// has a power-of-two denominator), so there is no tie to break; powers of
// two are exact.
template <class T>
T round_reciprocal(std::size_t k) {
  constexpr int p = std::numeric_limits<T>::digits;
  if (std::has_single_bit(k)) return std::ldexp(T(1), -static_cast<int>(std::countr_zero(k)));
  const int e = std::bit_width(k);  // 2^(e-1) < k < 2^e
  using u128 = unsigned __int128;
  const u128 num = u128{1} << (p - 1 + e);
  u128 q = num / k;
  const u128 r = num % k;
  if (2 * r > k) ++q;  // 2r == k impossible (see above)
  return std::ldexp(static_cast<T>(static_cast<std::uint64_t>(q)), -(p - 1 + e));
}

template <class T>
T round_ratio(std::uint64_t a, std::uint64_t b) {
  constexpr int p = std::numeric_limits<T>::digits;
  using u128 = unsigned __int128;
  // q = floor(a 2^s / b) has p + 1 or p + 2 bits; the remainder is the sticky part.
  const int s = p + 1 + std::bit_width(b) - std::bit_width(a);
  const u128 num = s >= 0 ? u128{a} << s : u128{a} >> -s;
  u128 q = num / b;
  const bool sticky = num % b != 0 || (s < 0 && (a & ((std::uint64_t{1} << -s) - 1)) != 0);
  const int drop = std::bit_width(static_cast<std::uint64_t>(q)) - p;
  const u128 low = q & ((u128{1} << drop) - 1), half = u128{1} << (drop - 1);
  q >>= drop;
  if (low > half || (low == half && (sticky || (q & 1)))) ++q;
  return std::ldexp(static_cast<T>(static_cast<std::uint64_t>(q)), drop - s);
}

template float round_reciprocal<float>(std::size_t);
template double round_reciprocal<double>(std::size_t);
template float round_ratio<float>(std::uint64_t, std::uint64_t);
template double round_ratio<double>(std::uint64_t, std::uint64_t);

template <class T>
std::string describe_row(Op op, std::span<const T> x, std::size_t index) {
  const char* name = op == Op::softmax       ? "softmax"
                     : op == Op::log_softmax ? "log_softmax"
                     : op == Op::complement  ? "1 - softmax"
                                             : "logsumexp";
  std::string s = std::string(name) + (sizeof(T) == 4 ? "<float>" : "<double>");
  char buf[64];
  std::snprintf(buf, sizeof buf, " row of n=%zu, output %zd; x =", x.size(),
                index == npos ? static_cast<std::ptrdiff_t>(-1) : static_cast<std::ptrdiff_t>(index));
  s += buf;
  const std::size_t shown = x.size() < 16 ? x.size() : 16;
  for (std::size_t i = 0; i < shown; ++i) {
    std::snprintf(buf, sizeof buf, " %a", static_cast<double>(x[i]));
    s += buf;
  }
  if (shown < x.size()) s += " ...";
  if (index != npos && index < x.size()) {
    std::snprintf(buf, sizeof buf, "; x[%zu] = %a", index, static_cast<double>(x[index]));
    s += buf;
  }
  return s;
}

template std::string describe_row<float>(Op, std::span<const float>, std::size_t);
template std::string describe_row<double>(Op, std::span<const double>, std::size_t);

}  // namespace smx::ref::detail
