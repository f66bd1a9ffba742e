#include "lab/ops/op_case.hpp"

#include <cmath>
#include <random>
#include <stdexcept>

#include "lab/families.hpp"
#include "reference/metrics.hpp"
#include "reference/reference.hpp"

namespace smx {
namespace {

template <class T>
std::size_t pick_target(const std::vector<T>& x, std::uint64_t seed, TargetRule rule) {
  if (x.empty()) return 0;
  std::size_t hi = 0, lo = 0;
  for (std::size_t i = 1; i < x.size(); ++i) {
    if (x[i] > x[hi] || std::isnan(x[hi])) hi = i;
    if (x[i] < x[lo] || std::isnan(x[lo])) lo = i;
  }
  switch (rule) {
    case TargetRule::argmax: return hi;
    case TargetRule::argmin: return lo;
    case TargetRule::random: break;
  }
  std::mt19937_64 g(seed);  // its sequence is fixed by the standard
  return static_cast<std::size_t>(g() % x.size());
}

}  // namespace

std::string_view temperature_mode(const Impl& impl, Op op, Dtype d) {
  const Kernel* k = impl.find(op, d);
  return k && k->scaled ? "folded" : "divided first";
}

template <class T>
OpCase<T> make_case(Op op, std::vector<T> x, std::uint64_t seed, TargetRule rule, double temperature) {
  OpCase<T> c;
  c.op = op;
  c.temperature = temperature;
  if (op == Op::softmax_backward) {
    std::vector<T> y(x.size());
    ref::softmax<T>(x, y);
    c.x = std::move(y);
    c.dy = family<T>("normal-1", c.x.size(), seed + 0x5eed);  // a stream apart from x's
    return c;
  }
  c.target = op == Op::cross_entropy ? pick_target(x, seed, rule) : 0;
  c.x = std::move(x);
  return c;
}

template <class T> std::size_t output_size(const OpCase<T>& c) {
  return c.x.size() + (c.op == Op::cross_entropy ? 1 : 0);
}

template <class T> void run_op(const Impl& impl, const OpCase<T>& c, std::span<T> out) {
  const std::size_t n = c.x.size();
  if (out.size() != output_size(c)) throw std::invalid_argument("run_op: output of the wrong size");
  if (c.temperature != 1 && (c.op == Op::softmax || c.op == Op::log_softmax)) {
    const auto folded = c.op == Op::softmax ? impl.scaled<Op::softmax, T>() : impl.scaled<Op::log_softmax, T>();
    if (folded) return folded(c.x.data(), out.data(), n, static_cast<T>(1 / c.temperature));
    std::vector<T> divided(c.x);
    for (T& v : divided) v = static_cast<T>(v / static_cast<T>(c.temperature));
    const auto row = c.op == Op::softmax ? impl.kernel<Op::softmax, T>() : impl.kernel<Op::log_softmax, T>();
    return row(divided.data(), out.data(), n);
  }
  switch (c.op) {
    case Op::softmax: impl.kernel<Op::softmax, T>()(c.x.data(), out.data(), n); return;
    case Op::log_softmax: impl.kernel<Op::log_softmax, T>()(c.x.data(), out.data(), n); return;
    case Op::cross_entropy:
      out[0] = n ? impl.kernel<Op::cross_entropy, T>()(c.x.data(), n, c.target, out.data() + 1) : T(0);
      return;
    case Op::softmax_backward: impl.kernel<Op::softmax_backward, T>()(c.x.data(), c.dy.data(), out.data(), n); return;
  }
}

namespace {

// log sum exp(x_i / t) in long double.
template <class T> long double tempered_lse(const std::vector<T>& x, long double t) {
  long double m = -INFINITY, s = 0;
  for (T v : x) m = std::max<long double>(m, v);
  if (!std::isfinite(m)) return m;
  for (T v : x) s += std::exp((v - m) / t);
  return m / t + std::log(s);
}

template <class T> void fill_per_ulp(OpExpected<T>& e) {
  e.per_ulp.resize(e.exact.size());
  for (std::size_t i = 0; i < e.exact.size(); ++i)
    e.per_ulp[i] = std::isfinite(e.exact[i]) ? 1 / metrics::ulp<T>(e.exact[i]) : 0.0L;
}

}  // namespace

template <class T> OpExpected<T> expected_op(const OpCase<T>& c) {
  OpExpected<T> e;
  const std::size_t n = c.x.size();
  if (c.op == Op::log_softmax) e.x_order = metrics::x_order<T>(c.x);
  e.rounded.resize(output_size(c));
  e.exact.resize(output_size(c));
  const std::span<T> rounded(e.rounded);
  const std::span<long double> exact(e.exact);
  const ref::Options tempered{.temperature = c.temperature};
  switch (c.op) {
    case Op::softmax: ref::softmax<T>(c.x, rounded, exact, tempered); break;
    case Op::log_softmax: ref::log_softmax<T>(c.x, rounded, exact, tempered); break;
    case Op::cross_entropy:
      if (n) {
        const ref::Loss<T> loss = ref::cross_entropy<T>(c.x, c.target, rounded.subspan(1), exact.subspan(1));
        e.rounded[0] = loss.rounded;
        e.exact[0] = loss.value;
      }
      break;
    case Op::softmax_backward: ref::softmax_backward<T>(c.x, c.dy, rounded, exact); break;
  }
  if ((c.op == Op::log_softmax || c.op == Op::cross_entropy) && n) {
    // To about T's precision: a scale, not a value compared.
    const long double lse = c.temperature == 1 ? ref::logsumexp<T>(c.x) : tempered_lse<T>(c.x, c.temperature);
    e.lse = std::isfinite(lse) ? lse : 0;
  }
  fill_per_ulp(e);
  return e;
}

template <class T> std::vector<OpExpected<T>> expected_ops(std::span<const OpCase<T>> cases) {
  std::vector<OpExpected<T>> out;
  if (cases.empty()) return out;
  const OpCase<T>& first = cases.front();
  if (first.op != Op::cross_entropy || first.x.empty() || cases.size() == 1) {
    for (const OpCase<T>& c : cases) out.push_back(expected_op<T>(c));
    return out;
  }
  const std::size_t n = first.x.size();
  std::vector<std::size_t> targets;
  for (const OpCase<T>& c : cases) targets.push_back(c.target);
  std::vector<T> grads(targets.size() * n);
  std::vector<long double> grad_values(grads.size());
  const std::vector<ref::Loss<T>> losses = ref::cross_entropy<T>(first.x, targets, grads, grad_values);
  const long double lse = ref::logsumexp<T>(first.x);
  for (std::size_t k = 0; k < cases.size(); ++k) {
    OpExpected<T> e;
    e.rounded.reserve(n + 1);
    e.exact.reserve(n + 1);
    e.rounded.push_back(losses[k].rounded);
    e.exact.push_back(losses[k].value);
    e.rounded.insert(e.rounded.end(), grads.begin() + k * n, grads.begin() + (k + 1) * n);
    e.exact.insert(e.exact.end(), grad_values.begin() + k * n, grad_values.begin() + (k + 1) * n);
    e.lse = std::isfinite(lse) ? lse : 0;
    fill_per_ulp(e);
    out.push_back(std::move(e));
  }
  return out;
}

#define SMX_INSTANTIATE(T)                                                                \
  template OpCase<T> make_case<T>(Op, std::vector<T>, std::uint64_t, TargetRule, double); \
  template std::size_t output_size<T>(const OpCase<T>&);                                  \
  template void run_op<T>(const Impl&, const OpCase<T>&, std::span<T>);                   \
  template OpExpected<T> expected_op<T>(const OpCase<T>&);                                \
  template std::vector<OpExpected<T>> expected_ops<T>(std::span<const OpCase<T>>);
SMX_INSTANTIATE(float)
SMX_INSTANTIATE(double)
#undef SMX_INSTANTIATE

}  // namespace smx
