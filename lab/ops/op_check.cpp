#include "lab/ops/op_check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "lab/contract_check.hpp"
#include "lab/io/float_text.hpp"
#include "reference/metrics.hpp"

namespace smx {
namespace {

constexpr OpPart kValue[] = {OpPart::value};
constexpr OpPart kCrossEntropy[] = {OpPart::loss, OpPart::grad_target, OpPart::grad_rest};

// The input element output i depends on most (its x_i; the loss: x_t).
std::size_t input_of(Op op, std::size_t i, std::size_t target) {
  if (op != Op::cross_entropy) return i;
  return i == 0 ? target : i - 1;
}

// |<dy, y>| / |dy_i - <dy, y>| (inf where they are equal), to a few digits.
template <class T>
double backward_condition(const OpCase<T>& c, std::size_t i, long double dot) {
  const long double d = std::fabs(static_cast<long double>(c.dy[i]) - dot);
  return d > 0 ? static_cast<double>(std::fabs(dot) / d) : std::numeric_limits<double>::infinity();
}

bool log_domain(Op op, OpPart p) { return op == Op::log_softmax || p == OpPart::loss; }

template <class T>
bool special_row(const OpCase<T>& c) {
  if (c.op != Op::softmax_backward) return classify<T>(c.x) != RowClass::finite && !c.x.empty();
  for (std::size_t i = 0; i < c.x.size(); ++i)
    if (!std::isfinite(c.x[i]) || !std::isfinite(c.dy[i])) return true;
  return false;
}

template <class T>
std::string element(const OpCase<T>& c, std::span<const T> y, const OpExpected<T>& ref, std::size_t i) {
  std::ostringstream s;
  s << to_string(part_of(c.op, i, c.target)) << " at [" << input_of(c.op, i, c.target) << "]: x="
    << shortest(c.x[input_of(c.op, i, c.target)]);
  if (c.op == Op::softmax_backward) s << " dy=" << shortest(c.dy[i]);
  s << " y=" << shortest(y[i]) << " ref=" << shortest(ref.rounded[i]);
  return s.str();
}

}  // namespace

std::span<const OpPart> parts_of(Op op) {
  if (op == Op::cross_entropy) return kCrossEntropy;
  return kValue;
}

OpPart part_of(Op op, std::size_t i, std::size_t target) {
  if (op != Op::cross_entropy) return OpPart::value;
  return i == 0 ? OpPart::loss : i - 1 == target ? OpPart::grad_target : OpPart::grad_rest;
}

namespace {

// The output index ranges of each part, in order: one range for most
// operations; cross-entropy's loss, the gradient before the target, the
// target, the gradient after it.
struct Segment {
  OpPart part;
  std::size_t begin, end;
};

std::vector<Segment> segments(Op op, std::size_t outputs, std::size_t target) {
  if (op != Op::cross_entropy) return {{OpPart::value, 0, outputs}};
  if (outputs == 0) return {};
  return {{OpPart::loss, 0, 1},
          {OpPart::grad_rest, 1, 1 + target},
          {OpPart::grad_target, 1 + target, 2 + target},
          {OpPart::grad_rest, 2 + target, outputs}};
}

}  // namespace

template <class T>
OpMetrics op_metrics(const OpCase<T>& c, std::span<const T> y, const OpExpected<T>& ref) {
  OpMetrics m;
  constexpr long double u = std::numeric_limits<T>::epsilon() / 2;
  const std::vector<Segment> segs = segments(c.op, y.size(), c.target);
  // The absolute error's unit per part: u max(1, |lse|) in the log domain,
  // else u max |r| over the gradient (both of cross-entropy's gradient parts:
  // one row) or the backward pass's output; never below the smallest
  // subnormal, the finest error T can show.
  long double value_scale = 0;
  for (const Segment& g : segs)
    if (!log_domain(c.op, g.part))
      for (std::size_t i = g.begin; i < g.end; ++i)
        if (std::isfinite(ref.exact[i])) value_scale = std::max(value_scale, std::fabs(ref.exact[i]));
  constexpr long double finest = std::numeric_limits<T>::denorm_min();
  for (const Segment& g : segs) {
    PartMetrics& pm = m[g.part];
    const long double sc = log_domain(c.op, g.part) ? std::max(1.0L, std::fabs(ref.lse)) : value_scale;
    const long double per_unit = 1 / std::max(u * sc, finest);
    long double max_abs = 0;
    for (std::size_t i = g.begin; i < g.end; ++i) {
      const long double r = ref.exact[i];
      if (!std::isfinite(r)) {
        if (!(std::isnan(r) && std::isnan(y[i])) && static_cast<long double>(y[i]) != r) ++pm.nonfinite;
        continue;
      }
      ++pm.count;
      if (!std::isfinite(y[i])) {
        ++pm.nonfinite;
        continue;
      }
      const bool rounded = y[i] == ref.rounded[i];
      // A correctly rounded output is within half an ulp: it can only be
      // the worst while the worst is below that.
      if (!rounded || pm.max_ulp < 0.5 || pm.count == 1) {
        const double e = ref.per_ulp.empty() ? metrics::ulp_error(y[i], r)
                                              : static_cast<double>(std::fabs(metrics::widen(y[i]) - r) * ref.per_ulp[i]);
        if (e > pm.max_ulp || pm.count == 1) pm.max_ulp = std::max(pm.max_ulp, e), pm.worst = i;
      }
      max_abs = std::max(max_abs, std::fabs(metrics::widen(y[i]) - r));
      if (!rounded) ++pm.not_cr;
    }
    pm.max_abs = std::max(pm.max_abs, static_cast<double>(max_abs * per_unit));
  }
  if (c.op == Op::log_softmax)
    m.order_violations = ref.x_order.empty() ? metrics::order_violations<T>(c.x, y)
                                             : metrics::order_violations<T>(c.x, y, ref.x_order);
  return m;
}

template <class T>
OpVerdict check_op(const Impl& impl, const OpCase<T>& c, std::span<const T> y, const OpExpected<T>& ref,
                   const OpMetrics* known) {
  OpVerdict v;
  const auto [cell_budget, behaviour] = impl.declared(c.op, dtype_of<T>);
  // A folded temperature: the folding kernel's own budget, against x / T.
  const Kernel* k = impl.find(c.op, dtype_of<T>);
  const UlpBudget& budget = c.temperature != 1 && k && k->scaled ? k->scaled_budget : cell_budget;
  auto fail = [&](std::string why, bool policy = false) {
    if (policy) v.policy_ok = false;
    if (v.ok) v.ok = false, v.failure = std::move(why);
  };
  const auto every_nan = [&](std::string_view what) {
    for (std::size_t i = 0; i < y.size(); ++i)
      if (!std::isnan(y[i])) return fail(std::string(what) + " (policy NaN) but " + element(c, y, ref, i), true);
  };
  if (c.x.empty()) return v;
  if (special_row(c)) {
    v.special = true;
    const RowClass rc = c.op == Op::softmax_backward ? RowClass::nan : classify<T>(c.x);
    const SpecialValues& sv = behaviour.special;
    if (rc == RowClass::pos_inf && behaviour.domain == Domain::exp_range) {  // exp(+inf) is beyond exp's range
      v.budget_applies = false;
      return v;
    }
    if (rc == RowClass::nan && sv.nan_input == NanInput::nan_row) every_nan(c.op == Op::softmax_backward ? "non-finite y or dy" : "NaN in the row");
    else if (rc == RowClass::all_neg_inf && sv.all_neg_inf == AllNegInf::nan) every_nan("all -inf row");
    else if (rc == RowClass::pos_inf && sv.pos_inf == PosInf::nan_row) every_nan("+inf in the row");
    else if (rc == RowClass::pos_inf && sv.pos_inf == PosInf::limit) {
      for (std::size_t i = 0; i < y.size(); ++i)
        if (!(metrics::ulp_error(y[i], ref.exact[i]) <= budget.at(c.x.size())))
          return fail("+inf in the row (policy limit) but " + element(c, y, ref, i), true), v;
    } else {
      v.budget_applies = false;  // a policy outside what these operations define: no claim
    }
    return v;
  }
  v.metrics = known ? *known : op_metrics<T>(c, y, ref);
  v.budget_applies = c.op == Op::softmax_backward || budget_applies<T>(impl, c.x, c.op);
  // Divided first, the kernel was given RN(x_i / T), not x / T: its budget
  // is for its own input, and the quotients' rounding is the harness's.
  if (c.temperature != 1 && !k->scaled) v.budget_applies = false;
  if (!v.budget_applies) return v;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const long double r = ref.exact[i];
    const bool bad = std::isfinite(r) ? !std::isfinite(y[i]) : !(std::isnan(r) ? std::isnan(y[i]) : static_cast<long double>(y[i]) == r);
    if (bad) return fail("non-finite or wrong infinite output " + element(c, y, ref, i), !std::isfinite(r)), v;
  }
  if (!budget.declared()) return v;
  T mx = -std::numeric_limits<T>::infinity();
  for (T xi : c.x) mx = std::max(mx, xi);
  // The backward pass: outputs below u max|dx| are cancellations, held to
  // the budget in units of u max|dx| instead.
  const double backward_scale = c.op == Op::softmax_backward ? [&] {
    long double s = 0;
    for (long double r : ref.exact) s = std::max(s, std::fabs(r));
    return static_cast<double>(s);
  }() : 0.0;
  constexpr double u = std::numeric_limits<T>::epsilon() / 2;
  long double dot = 0;
  if (c.op == Op::softmax_backward)
    for (std::size_t j = 0; j < c.x.size(); ++j) dot += static_cast<long double>(c.x[j]) * c.dy[j];
  for (std::size_t i = 0; i < y.size(); ++i) {
    const long double r = ref.exact[i];
    if (!std::isfinite(r) || (r == 0 && y[i] == 0) || std::fabs(r) < budget.floor) continue;
    if (metrics::subnormal_class<T>(r) && (behaviour.subnormals == Subnormals::unclaimed ||
                                           (behaviour.subnormals == Subnormals::flushed && y[i] == 0)))
      continue;
    const std::size_t k = input_of(c.op, i, c.target);
    // With a temperature the exponent is (x_k - max) / T: that is the
    // distance. The backward pass's distance is the condition number of
    // dy_i - <dy, y>: |<dy, y>| / |dy_i - <dy, y>|, which scales the dot
    // product's relative error into dx_i's.
    const double allowed = c.op == Op::softmax_backward
                               ? budget.at(c.x.size(), backward_condition(c, k, dot))
                               : budget.at(c.x.size(), std::fabs(double(c.x[k]) - double(mx)) / c.temperature,
                                           std::fabs(double(mx)) / c.temperature);
    if (c.op == Op::softmax_backward && std::fabs(r) < u * backward_scale) {
      const double abs_u = static_cast<double>(std::fabs(metrics::widen(y[i]) - r)) / (u * backward_scale);
      if (abs_u > allowed) {
        std::ostringstream s;
        s << "error " << abs_u << " u max|dx| > budget " << allowed << " (a cancellation) " << element(c, y, ref, i);
        return fail(s.str()), v;
      }
      continue;
    }
    if (y[i] == ref.rounded[i] && allowed >= 0.5) continue;  // within half an ulp
    const double e = metrics::ulp_error(y[i], r);
    if (e > allowed) {
      std::ostringstream s;
      s << "ulp error " << e << " > budget " << allowed << " " << element(c, y, ref, i);
      return fail(s.str()), v;
    }
  }
  if (v.metrics.order_violations && behaviour.consistency.preserves_order)
    fail(std::to_string(v.metrics.order_violations) + " order violations (x_i < x_j but y_i > y_j)");
  return v;
}

#define SMX_INSTANTIATE(T)                                                                                  \
  template OpMetrics op_metrics<T>(const OpCase<T>&, std::span<const T>, const OpExpected<T>&);             \
  template OpVerdict check_op<T>(const Impl&, const OpCase<T>&, std::span<const T>, const OpExpected<T>&,    \
                                 const OpMetrics*);
SMX_INSTANTIATE(float)
SMX_INSTANTIATE(double)
#undef SMX_INSTANTIATE

}  // namespace smx
