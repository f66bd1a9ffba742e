// The cross-entropy reference: the loss from the correctly rounded
// log-softmax, the gradient from the correctly rounded softmax, and its
// target element p_t - 1 = -(1 - p_t) from the complement, decided on its
// own (RN is symmetric, so RN(p_t - 1) = -RN(1 - p_t)).
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "reference/detail.hpp"
#include "reference/reference.hpp"

namespace smx::ref {
namespace {

// RN(1 - 1/k), k >= 1.
template <class T>
T complement_of_reciprocal(std::size_t k) {
  return k == 1 ? T(0) : detail::round_ratio<T>(k - 1, k);
}

void add(Stats& into, const Stats& s) {
  into.fast += s.fast;
  into.fallback += s.fallback;
  into.special += s.special;
  into.max_precision_bits = std::max(into.max_precision_bits, s.max_precision_bits);
}

}  // namespace

template <class T>
Loss<T> cross_entropy(std::span<const T> x, std::size_t target, std::span<T> grad, std::span<long double> grad_value,
                      const Options& options) {
  if (target >= x.size()) throw std::invalid_argument("smx::ref::cross_entropy: target out of range");
  if (!grad.empty() && grad.size() != x.size())
    throw std::invalid_argument("smx::ref::cross_entropy: grad must be empty or have the size of x");
  if (!grad_value.empty() && grad_value.size() != x.size())
    throw std::invalid_argument("smx::ref::cross_entropy: grad_value must be empty or have the size of x");
  constexpr T inf = std::numeric_limits<T>::infinity();
  const T xt = x[target];
  const std::vector<T> row(x.begin(), x.end());  // grad may alias x
  const detail::RowScan<T> scan = detail::scan_row<T>(row);
  Loss<T> out{};

  // The loss: -log softmax_t.
  std::vector<T> logp(row.size());
  std::vector<long double> logp_value(row.size());
  out.stats = log_softmax<T>(row, logp, logp_value, options);
  out.rounded = T(0) - logp[target];  // a certain prediction's loss is +0
  out.value = 0.0L - logp_value[target];
  if (grad.empty()) return out;

  add(out.stats, softmax<T>(row, grad, grad_value, options));
  if (std::isnan(out.rounded)) return out;  // NaN row: the gradient is NaN too

  // The target element -(1 - p_t).
  long double c_value = 0;
  T c;
  const bool pos_inf_row = scan.n_posinf > 0;
  if (pos_inf_row || scan.uniform()) {
    const std::size_t k = pos_inf_row ? scan.n_posinf : scan.n_finite;
    const bool in_limit = pos_inf_row ? xt == inf : std::isfinite(xt);
    c = in_limit ? complement_of_reciprocal<T>(k) : T(1);
    c_value = in_limit ? 1.0L - 1.0L / static_cast<long double>(k) : 1.0L;
    ++out.stats.special;
  } else if (xt == -inf) {
    c = 1;
    c_value = 1;
    ++out.stats.special;
  } else {
    c = detail::fast_complement<T>(row, scan, target, options, out.stats, &c_value);
  }
  grad[target] = c == 0 ? T(0) : -c;  // p_t = 1: +0, as p_t - 1 gives
  if (!grad_value.empty()) grad_value[target] = c == 0 ? 0.0L : -c_value;
  return out;
}

template Loss<float> cross_entropy<float>(std::span<const float>, std::size_t, std::span<float>,
                                          std::span<long double>, const Options&);
template Loss<double> cross_entropy<double>(std::span<const double>, std::size_t, std::span<double>,
                                            std::span<long double>, const Options&);

}  // namespace smx::ref
