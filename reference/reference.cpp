// The public entry points: special inputs (exact by construction) are
// settled here; general rows go to the fast tier, which hands what it cannot
// decide to the multiprecision tier.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "reference/detail.hpp"
#include "reference/reference.hpp"

namespace smx::ref {
namespace {

using detail::npos;

template <class T>
void check_sizes(std::span<const T> x, std::span<T> rounded, std::span<long double> value) {
  if (rounded.size() != x.size())
    throw std::invalid_argument("smx::ref: rounded must have the size of x");
  if (!value.empty() && value.size() != x.size())
    throw std::invalid_argument("smx::ref: value must be empty or have the size of x");
}

// The fallback re-reads x after outputs are written: work on a copy if the
// output overlaps the input (in-place use).
template <class T>
bool overlaps(std::span<const T> x, std::span<T> y) {
  const auto* xb = reinterpret_cast<const unsigned char*>(x.data());
  const auto* yb = reinterpret_cast<const unsigned char*>(y.data());
  return !x.empty() && !y.empty() && std::less<>{}(xb, yb + y.size_bytes()) &&
         std::less<>{}(yb, xb + x.size_bytes());
}

template <class T>
void fill_nan(std::span<T> y, std::span<long double> value, Stats& st) {
  std::fill(y.begin(), y.end(), std::numeric_limits<T>::quiet_NaN());
  std::fill(value.begin(), value.end(), std::numeric_limits<long double>::quiet_NaN());
  st.special += y.size();
}

template <class T>
Stats softmax_impl(std::span<const T> x, std::span<T> y, std::span<long double> value, const Options& opt) {
  Stats st;
  const std::size_t n = x.size();
  if (n == 0) return st;
  const detail::RowScan<T> s = detail::scan_row(x);
  if (s.has_nan || (s.n_posinf == 0 && s.n_finite == 0)) {  // NaN, or all -inf (undefined)
    fill_nan(y, value, st);
    return st;
  }
  const bool want = !value.empty();
  if (s.n_posinf > 0 || s.uniform()) {
    // The limit (1/k on the k +inf entries) or k equal finite entries: 1/k
    // exactly, 0 elsewhere.
    const bool inf_row = s.n_posinf > 0;
    const std::size_t k = inf_row ? s.n_posinf : s.n_finite;
    const T r = detail::round_reciprocal<T>(k);
    for (std::size_t i = 0; i < n; ++i) {
      const bool hit = inf_row ? (std::isinf(x[i]) && x[i] > 0) : std::isfinite(x[i]);
      y[i] = hit ? r : T(0);
      if (want) value[i] = hit ? 1.0L / static_cast<long double>(k) : 0.0L;
    }
    st.special += n;
    return st;
  }
  return detail::fast_softmax<T>(x, s, y, value, opt);
}

template <class T>
Stats log_softmax_impl(std::span<const T> x, std::span<T> y, std::span<long double> value,
                       const Options& opt) {
  Stats st;
  const std::size_t n = x.size();
  if (n == 0) return st;
  const detail::RowScan<T> s = detail::scan_row(x);
  if (s.has_nan || (s.n_posinf == 0 && s.n_finite == 0)) {
    fill_nan(y, value, st);
    return st;
  }
  const bool want = !value.empty();
  if (s.n_posinf > 0 || s.uniform()) {
    // log(1/k) on the k +inf (or equal finite) entries, -inf elsewhere;
    // RN(-log k) = -RN(log k), and log 1 = 0 exactly.
    const bool inf_row = s.n_posinf > 0;
    const std::size_t k = inf_row ? s.n_posinf : s.n_finite;
    unsigned bits = 0;
    const T r = k == 1 ? T(0) : -detail::uniform_logsumexp<T>(T(0), k, opt, &bits);
    for (std::size_t i = 0; i < n; ++i) {
      const bool hit = inf_row ? (std::isinf(x[i]) && x[i] > 0) : std::isfinite(x[i]);
      y[i] = hit ? r : -std::numeric_limits<T>::infinity();
      if (want) value[i] = hit ? -std::log(static_cast<long double>(k)) : -HUGE_VALL;
    }
    st.special += n;
    st.max_precision_bits = bits;
    return st;
  }
  return detail::fast_log_softmax<T>(x, s, y, value, opt);
}

template <class T>
T logsumexp_impl(std::span<const T> x, const Options& opt) {
  const detail::RowScan<T> s = detail::scan_row(x);
  if (s.has_nan) return std::numeric_limits<T>::quiet_NaN();
  if (s.n_posinf > 0) return std::numeric_limits<T>::infinity();
  if (s.n_finite == 0) return -std::numeric_limits<T>::infinity();  // also n == 0
  if (s.n_finite == 1) return s.m;
  if (s.uniform()) return detail::uniform_logsumexp<T>(s.m, s.n_finite, opt);
  return detail::fast_logsumexp<T>(x, s, opt);
}

}  // namespace

template <class T>
Stats softmax(std::span<const T> x, std::span<T> rounded, std::span<long double> value, const Options& options) {
  check_sizes(x, rounded, value);
  if (overlaps(x, rounded)) {
    const std::vector<T> copy(x.begin(), x.end());
    return softmax_impl<T>(copy, rounded, value, options);
  }
  return softmax_impl<T>(x, rounded, value, options);
}

template <class T>
Stats log_softmax(std::span<const T> x, std::span<T> rounded, std::span<long double> value,
                  const Options& options) {
  check_sizes(x, rounded, value);
  if (overlaps(x, rounded)) {
    const std::vector<T> copy(x.begin(), x.end());
    return log_softmax_impl<T>(copy, rounded, value, options);
  }
  return log_softmax_impl<T>(x, rounded, value, options);
}

template <class T>
T logsumexp(std::span<const T> x, const Options& options) {
  return logsumexp_impl<T>(x, options);
}

template Stats softmax<float>(std::span<const float>, std::span<float>, std::span<long double>, const Options&);
template Stats softmax<double>(std::span<const double>, std::span<double>, std::span<long double>, const Options&);
template Stats log_softmax<float>(std::span<const float>, std::span<float>, std::span<long double>, const Options&);
template Stats log_softmax<double>(std::span<const double>, std::span<double>, std::span<long double>,
                                   const Options&);
template float logsumexp<float>(std::span<const float>, const Options&);
template double logsumexp<double>(std::span<const double>, const Options&);

}  // namespace smx::ref
