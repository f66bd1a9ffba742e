// The cross-entropy reference: the loss from the correctly rounded
// log-softmax, the gradient from the correctly rounded softmax, and its
// target element p_t - 1 = -(1 - p_t) from the complement, decided on its
// own (RN is symmetric, so RN(p_t - 1) = -RN(1 - p_t)).
#include <algorithm>
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
std::vector<Loss<T>> cross_entropy(std::span<const T> x, std::span<const std::size_t> targets, std::span<T> grads,
                                   std::span<long double> grad_values, const Options& options) {
  const std::size_t n = x.size();
  for (const std::size_t t : targets)
    if (t >= n) throw std::invalid_argument("smx::ref::cross_entropy: target out of range");
  if (!grads.empty() && grads.size() != targets.size() * n)
    throw std::invalid_argument("smx::ref::cross_entropy: grad must be empty or have the size of x per target");
  if (!grad_values.empty() && grad_values.size() != grads.size())
    throw std::invalid_argument("smx::ref::cross_entropy: grad_value must be empty or have the size of grad");
  constexpr T inf = std::numeric_limits<T>::infinity();
  const std::vector<T> row(x.begin(), x.end());  // grad may alias x
  const detail::RowScan<T> scan = detail::scan_row<T>(row);

  // Shared by every target: the log-softmax (the losses) and the softmax
  // (the gradients off the target).
  std::vector<T> logp(n), p(grads.empty() ? 0 : n);
  std::vector<long double> logp_value(n), p_value(grad_values.empty() ? 0 : n);
  Stats shared = log_softmax<T>(row, logp, logp_value, options);
  if (!grads.empty()) add(shared, softmax<T>(row, p, p_value, options));

  std::vector<Loss<T>> out;
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const std::size_t target = targets[k];
    Loss<T> loss{};
    loss.stats = k == 0 ? shared : Stats{};
    loss.rounded = T(0) - logp[target];  // a certain prediction's loss is +0
    loss.value = 0.0L - logp_value[target];
    if (!grads.empty()) {
      const std::span<T> grad = grads.subspan(k * n, n);
      std::copy(p.begin(), p.end(), grad.begin());
      if (!grad_values.empty()) std::copy(p_value.begin(), p_value.end(), grad_values.begin() + k * n);
      if (!std::isnan(loss.rounded)) {  // a NaN row's gradient is NaN too
        // The target element -(1 - p_t).
        const T xt = row[target];
        long double c_value = 0;
        T c;
        const bool pos_inf_row = scan.n_posinf > 0;
        if (pos_inf_row || scan.uniform()) {
          const std::size_t m = pos_inf_row ? scan.n_posinf : scan.n_finite;
          const bool in_limit = pos_inf_row ? xt == inf : std::isfinite(xt);
          c = in_limit ? complement_of_reciprocal<T>(m) : T(1);
          c_value = in_limit ? 1.0L - 1.0L / static_cast<long double>(m) : 1.0L;
          ++loss.stats.special;
        } else if (xt == -inf) {
          c = 1;
          c_value = 1;
          ++loss.stats.special;
        } else {
          c = detail::fast_complement<T>(row, scan, target, options, loss.stats, &c_value);
        }
        grad[target] = c == 0 ? T(0) : -c;  // p_t = 1: +0, as p_t - 1 gives
        if (!grad_values.empty()) grad_values[k * n + target] = c == 0 ? 0.0L : -c_value;
      }
    }
    out.push_back(loss);
  }
  return out;
}

template <class T>
Loss<T> cross_entropy(std::span<const T> x, std::size_t target, std::span<T> grad, std::span<long double> grad_value,
                      const Options& options) {
  if (!grad.empty() && grad.size() != x.size())
    throw std::invalid_argument("smx::ref::cross_entropy: grad must be empty or have the size of x");
  const std::size_t targets[1] = {target};
  return cross_entropy<T>(x, targets, grad, grad_value, options).front();
}

template std::vector<Loss<float>> cross_entropy<float>(std::span<const float>, std::span<const std::size_t>,
                                                       std::span<float>, std::span<long double>, const Options&);
template std::vector<Loss<double>> cross_entropy<double>(std::span<const double>, std::span<const std::size_t>,
                                                         std::span<double>, std::span<long double>, const Options&);
template Loss<float> cross_entropy<float>(std::span<const float>, std::size_t, std::span<float>,
                                          std::span<long double>, const Options&);
template Loss<double> cross_entropy<double>(std::span<const double>, std::size_t, std::span<double>,
                                            std::span<long double>, const Options&);

}  // namespace smx::ref
