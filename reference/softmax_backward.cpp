// The softmax backward reference, dx_i = y_i (dy_i - s), s = <dy, y>.
//
// Long-double tier: each product y_j dy_j is exact as a pair (two_prod), s
// is their compensated sum, with |error| <= 4 (n + 2)^2 u^2 sum |y_j dy_j|
// (u = 2^-64); t_i = dy_i - s and y_i t_i are formed with error-free
// transformations, so the bound stays absolute and decide() settles every
// output not within it of a rounding boundary. The rest (cancellation of dy_i
// against s, exact zeros, exact midpoints) is computed exactly: every value
// is an integer multiple of a power of two, so s, t_i and y_i t_i are
// integers at a fixed scale (cpp_int), rounded once.
#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

#include "reference/detail.hpp"
#include "reference/ld_arith.hpp"
#include "reference/reference.hpp"
#include "reference/rounding.hpp"

namespace smx::ref {
namespace {

using boost::multiprecision::cpp_int;
using detail::LdPair;

// v = V 2^q0 with q0 = the exponent of T's smallest subnormal: V is an integer.
template <class T>
constexpr int q0 = std::numeric_limits<T>::min_exponent - std::numeric_limits<T>::digits;

template <class T>
cpp_int scaled_integer(T v) {
  int e = 0;
  const T f = std::frexp(v, &e);  // v = f 2^e, |f| in [1/2, 1)
  constexpr int p = std::numeric_limits<T>::digits;
  const auto m = static_cast<long long>(std::ldexp(f, p));  // v = m 2^(e - p), exact
  cpp_int r = m;
  const int shift = e - p - q0<T>;
  return shift >= 0 ? cpp_int(r << shift) : cpp_int(r >> -shift);  // exact: v is a multiple of 2^q0
}

// RN(N 2^k) in R (T, or long double for the reported value), ties to even,
// gradual underflow, overflow to inf.
template <class R>
R round_scaled(const cpp_int& N, int k) {
  if (N == 0) return R(0);
  using L = std::numeric_limits<R>;
  const bool neg = N < 0;
  const cpp_int a = neg ? cpp_int(-N) : N;
  const int e = static_cast<int>(boost::multiprecision::msb(a)) + k;  // a 2^k in [2^e, 2^(e+1))
  int q = std::max(e, L::min_exponent - 1) - (L::digits - 1);  // the quantum 2^q
  const int shift = q - k;
  cpp_int m = shift <= 0 ? cpp_int(a << -shift) : cpp_int(a >> shift);
  if (shift > 0) {
    const cpp_int rem = a - (m << shift);
    const cpp_int half = cpp_int(1) << (shift - 1);
    if (rem > half || (rem == half && (m & 1) != 0)) ++m;
  }
  if (m == 0) return neg ? -R(0) : R(0);  // below half the smallest subnormal
  if (boost::multiprecision::msb(m) == static_cast<unsigned>(L::digits)) {  // rounded up to 2^digits
    m >>= 1;
    ++q;
  }
  const R r = std::ldexp(static_cast<R>(static_cast<unsigned long long>(m)), q);
  return neg ? -r : r;
}

template <class T>
class ExactBackward {
 public:
  ExactBackward(std::span<const T> y, std::span<const T> dy) : y_(y) {
    for (std::size_t j = 0; j < y.size(); ++j) s_ += scaled_integer(y[j]) * scaled_integer(dy[j]);  // scale 2^(2 q0)
    dy_ = dy;
  }
  // dx_i = Y_i (DY_i 2^-q0 - S) at scale 2^(3 q0).
  cpp_int dx(std::size_t i) const {
    const cpp_int t = (scaled_integer(dy_[i]) << -q0<T>) - s_;
    return scaled_integer(y_[i]) * t;
  }

 private:
  std::span<const T> y_, dy_;
  cpp_int s_ = 0;
};

template <class T>
Stats backward_impl(std::span<const T> y, std::span<const T> dy, std::span<T> dx, std::span<long double> value,
                    const Options& opt) {
  Stats st;
  const std::size_t n = y.size();
  const bool want = !value.empty();
  bool finite = true;
  for (std::size_t j = 0; j < n; ++j) finite = finite && std::isfinite(y[j]) && std::isfinite(dy[j]);
  if (!finite) {
    for (std::size_t i = 0; i < n; ++i) {
      dx[i] = std::numeric_limits<T>::quiet_NaN();
      if (want) value[i] = std::numeric_limits<long double>::quiet_NaN();
    }
    st.special += n;
    return st;
  }
  long double hi = 0, lo = 0, mag = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const LdPair p = detail::two_prod(y[j], dy[j]);
    const LdPair t = detail::two_sum(hi, p.hi);
    hi = t.hi;
    lo += t.lo + p.lo;
    mag += std::fabs(p.hi);
  }
  const LdPair s = detail::two_sum(hi, lo);  // lo may exceed hi after cancellation
  const auto k = static_cast<long double>(n) + 2;
  const long double err_s = 4 * k * k * detail::ld_u * detail::ld_u * mag * (1 + 0x1p-30L) + 0x1p-16300L;

  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < n; ++i) {
    const LdPair a = detail::two_sum(dy[i], -s.hi);
    const long double alo = a.lo - s.lo;
    const LdPair t = detail::two_sum(a.hi, alo);
    const long double yi = y[i];
    const LdPair p = detail::two_prod(yi, t.hi);
    const long double rest = yi * t.lo;
    const long double err = std::fabs(yi) * (err_s + 2 * detail::ld_u * (std::fabs(alo) + std::fabs(t.lo))) * (1 + 0x1p-30L) +
                            2 * detail::ld_u * std::fabs(rest) + 0x1p-16300L;
    if (want) value[i] = p.hi + (p.lo + rest);
    if (!opt.force_multiprecision) {
      const detail::Decision<T> dec = detail::decide<T, long double>(p.hi, p.lo, rest, 0.0L, err, 0, 0, detail::ld_u);
      if (dec.decided) {
        dx[i] = dec.value;
        ++st.fast;
        continue;
      }
    }
    pending.push_back(i);
  }
  if (pending.empty()) return st;
  const ExactBackward<T> exact(y, dy);
  for (const std::size_t i : pending) {
    const cpp_int v = exact.dx(i);
    dx[i] = round_scaled<T>(v, 3 * q0<T>);
    if (want) value[i] = round_scaled<long double>(v, 3 * q0<T>);
    ++st.fallback;
  }
  return st;
}

}  // namespace

template <class T>
Stats softmax_backward(std::span<const T> y, std::span<const T> dy, std::span<T> dx, std::span<long double> value,
                       const Options& options) {
  if (dy.size() != y.size() || dx.size() != y.size())
    throw std::invalid_argument("smx::ref::softmax_backward: y, dy and dx must have one size");
  if (!value.empty() && value.size() != y.size())
    throw std::invalid_argument("smx::ref::softmax_backward: value must be empty or have the size of y");
  // dx is written before the exact tier re-reads y and dy: work on copies.
  const std::vector<T> yc(y.begin(), y.end()), dyc(dy.begin(), dy.end());
  return backward_impl<T>(yc, dyc, dx, value, options);
}

template Stats softmax_backward<float>(std::span<const float>, std::span<const float>, std::span<float>,
                                       std::span<long double>, const Options&);
template Stats softmax_backward<double>(std::span<const double>, std::span<const double>, std::span<double>,
                                        std::span<long double>, const Options&);

}  // namespace smx::ref
