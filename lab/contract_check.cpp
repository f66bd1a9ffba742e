#include "lab/contract_check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "lab/io/float_text.hpp"
#include "reference/reference.hpp"

namespace smx {
namespace {

// Largest x with exp(x) finite, smallest with exp(x) normal.
template <class T> long double exp_max() { return std::log(static_cast<long double>(std::numeric_limits<T>::max())); }
template <class T> long double exp_min_normal() { return std::log(static_cast<long double>(std::numeric_limits<T>::min())); }

template <class T>
std::string element(std::span<const T> x, std::span<const T> y, const Expected<T>& ref, std::size_t i) {
  std::ostringstream s;
  s << "at [" << i << "]: x=" << shortest(x[i]) << " y=" << shortest(y[i]);
  if (i < ref.rounded.size()) s << " ref=" << shortest(ref.rounded[i]);
  return s.str();
}

template <class T>
std::string first_where(std::span<const T> x, std::span<const T> y, const Expected<T>& ref, std::string_view what,
                        bool (*bad)(T, T)) {
  for (std::size_t i = 0; i < y.size(); ++i)
    if (bad(x[i], y[i])) return std::string(what) + " " + element(x, y, ref, i);
  return {};
}

std::string over_budget(std::string_view kind, double got, double budget) {
  std::ostringstream s;
  s << "ulp error (" << kind << ") " << got << " > budget " << budget << " ";
  return s.str();
}

}  // namespace

template <class T> Expected<T> expected_softmax(std::span<const T> x) {
  // The order first: its sort's buffers are freed before the reference's
  // outputs are made (at 2^24 elements, 256 MiB less at the peak).
  std::vector<std::uint32_t> order = metrics::x_order(x);
  Expected<T> e{std::vector<T>(x.size()), std::vector<long double>(x.size()), std::move(order)};
  ref::softmax<T>(x, e.rounded, e.exact);
  return e;
}

template <class T> RowClass classify(std::span<const T> x) {
  if (x.empty()) return RowClass::empty;
  bool pos_inf = false, all_neg_inf = true;
  for (T v : x) {
    if (std::isnan(v)) return RowClass::nan;
    pos_inf |= (v == std::numeric_limits<T>::infinity());
    all_neg_inf &= (v == -std::numeric_limits<T>::infinity());
  }
  return pos_inf ? RowClass::pos_inf : all_neg_inf ? RowClass::all_neg_inf : RowClass::finite;
}

template <class T> bool budget_applies(const Impl& impl, std::span<const T> x, Op op) {
  const Domain domain = impl.declared(op, dtype_of<T>).behaviour.domain;
  if (domain == Domain::all_finite) return true;
  if (domain == Domain::moderate_magnitude) {
    long double hi = 0;
    for (T v : x)
      if (std::isfinite(v)) hi = std::max<long double>(hi, std::fabs(v));
    return hi * std::numeric_limits<T>::epsilon() / 2 <= 0.25L;
  }
  // exp_range: every exp(x_i) normal (or exactly 0 for -inf) and the sum finite.
  long double hi = -std::numeric_limits<long double>::infinity();
  for (T v : x) {
    if (v == -std::numeric_limits<T>::infinity()) continue;
    if (v < exp_min_normal<T>()) return false;
    hi = std::max<long double>(hi, v);
  }
  return hi + std::log(static_cast<long double>(x.size())) < exp_max<T>();
}

template <class T>
RowVerdict check_row(const Impl& impl, std::span<const T> x, std::span<const T> y, const Expected<T>& ref,
                     const metrics::RowMetrics* known) {
  RowVerdict v;
  const auto [budget, behaviour] = impl.declared(Op::softmax, dtype_of<T>);
  const SpecialValues& special = behaviour.special;
  const Consistency& consistency = behaviour.consistency;
  const double allowed = budget.at(x.size());  // special rows: no distance to speak of
  auto fail = [&](std::string why) {
    if (v.ok && !why.empty()) v.ok = false, v.failure = std::move(why);
  };
  auto fail_policy = [&](std::string why) {
    if (!why.empty()) v.policy_ok = false;
    fail(std::move(why));
  };
  constexpr T inf = std::numeric_limits<T>::infinity();
  const auto not_nan = [](T, T out) { return !std::isnan(out); };
  const auto not_neg_inf = [](T, T out) { return out != -inf; };

  switch (classify(x)) {
    case RowClass::empty:
      return v;
    case RowClass::nan:
      switch (special.nan_input) {
        case NanInput::nan_row: fail_policy(first_where<T>(x, y, ref, "NaN in the row but output not NaN", not_nan)); break;
        case NanInput::nan_at_nan:
          fail_policy(first_where<T>(x, y, ref, "NaN in the row (policy nan at nan) but", [](T in, T out) {
            return std::isnan(in) ? !std::isnan(out) : !(std::isnan(out) || out == 0);
          }));
          break;
        case NanInput::neg_inf: fail_policy(first_where<T>(x, y, ref, "NaN in the row (policy -inf) but", not_neg_inf)); break;
      }
      return v;
    case RowClass::all_neg_inf:
      switch (special.all_neg_inf) {
        case AllNegInf::nan: fail_policy(first_where<T>(x, y, ref, "all -inf row (policy nan) but", not_nan)); break;
        case AllNegInf::zeros:
          fail_policy(first_where<T>(x, y, ref, "all -inf row (policy zeros) but", [](T, T out) { return out != 0; }));
          break;
        case AllNegInf::uniform:
          for (std::size_t i = 0; i < y.size(); ++i)
            if (!(metrics::ulp_error(y[i], 1.0L / y.size()) <= allowed))
              fail_policy("all -inf row (policy uniform) but " + element(x, y, ref, i));
          break;
        case AllNegInf::neg_inf: fail_policy(first_where<T>(x, y, ref, "all -inf row (policy -inf) but", not_neg_inf)); break;
      }
      return v;
    case RowClass::pos_inf:
      if (behaviour.domain == Domain::exp_range) {  // exp(+inf) is beyond exp's range: no claim
        v.budget_applies = false;
        return v;
      }
      switch (special.pos_inf) {
        case PosInf::nan_row: fail_policy(first_where<T>(x, y, ref, "+inf in the row (policy nan) but", not_nan)); break;
        case PosInf::nan_at_inf:
          fail_policy(first_where<T>(x, y, ref, "+inf in the row (policy nan at +inf) but",
                                     [](T in, T out) { return in == inf ? !std::isnan(out) : out != 0; }));
          break;
        case PosInf::neg_inf: fail_policy(first_where<T>(x, y, ref, "+inf in the row (policy -inf) but", not_neg_inf)); break;
        case PosInf::limit:
          for (std::size_t i = 0; i < y.size(); ++i)
            if (!(metrics::ulp_error(y[i], ref.exact[i]) <= allowed))
              fail_policy("+inf in the row (policy limit) but " + element(x, y, ref, i));
          break;
      }
      return v;
    case RowClass::finite:
      break;
  }

  if (consistency.zero_at_neg_inf)
    fail_policy(first_where<T>(x, y, ref, "-inf input must give exactly 0,",
                      [](T in, T out) { return in == -std::numeric_limits<T>::infinity() && out != 0; }));
  v.metrics = known ? *known : metrics::row_metrics<T>(x, y, ref.rounded, ref.exact, ref.x_order);
  v.budget_applies = budget_applies(impl, x);
  if (!v.budget_applies) return v;  // e.g. naive beyond exp's range: no claim
  const metrics::RowMetrics& m = v.metrics;
  if (m.nonfinite || m.negative_or_above_one)
    fail(first_where<T>(x, y, ref, "finite input gave NaN, Inf, < 0 or > 1",
                        [](T, T out) { return !(out >= 0 && out <= 1); }));
  // Every allowance is at least at(n) (the terms added are not negative), so a
  // row whose worst error is within at(n) cannot break the budget anywhere.
  const bool within_least_allowance = budget.per_distance >= 0 && budget.per_magnitude >= 0 &&
                                      std::max(m.max_ulp_normal, m.max_ulp_subnormal) <= allowed;
  if (budget.declared() && !within_least_allowance) {
    // Each output against its own allowance (it depends on |x_i - max|).
    T mx = -std::numeric_limits<T>::infinity();
    for (T xi : x) mx = std::max(mx, xi);
    double worst_excess = 0;
    std::size_t worst = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      if (!std::isfinite(ref.exact[i]) || !std::isfinite(y[i]) || ref.exact[i] < budget.floor) continue;
      if (metrics::subnormal_class<T>(ref.exact[i]) &&
          (behaviour.subnormals == Subnormals::unclaimed || (behaviour.subnormals == Subnormals::flushed && y[i] == 0)))
        continue;
      const double e = metrics::ulp_error(y[i], ref.exact[i]);
      const double limit = budget.at(x.size(), std::fabs(double(x[i]) - double(mx)), std::fabs(double(mx)));
      if (e - limit > worst_excess) worst_excess = e - limit, worst = i;
    }
    if (worst_excess > 0) {
      const double e = metrics::ulp_error(y[worst], ref.exact[worst]);
      fail(over_budget(metrics::subnormal_class<T>(ref.exact[worst]) ? "subnormal" : "normal", e, e - worst_excess) +
           element(x, y, ref, worst));
    }
  }
  if (m.order_violations && consistency.preserves_order) fail(std::to_string(m.order_violations) + " order violations (x_i < x_j but y_i > y_j)");
  if (m.tie_mismatches && consistency.consistent_ties) fail(std::to_string(m.tie_mismatches) + " tie mismatches (x_i == x_j but y_i != y_j)");
  return v;
}

#define SMX_INSTANTIATE(T)                                                                          \
  template Expected<T> expected_softmax<T>(std::span<const T>);                                    \
  template RowClass classify<T>(std::span<const T>);                                               \
  template bool budget_applies<T>(const Impl&, std::span<const T>, Op);                            \
  template RowVerdict check_row<T>(const Impl&, std::span<const T>, std::span<const T>, const Expected<T>&, \
                                   const metrics::RowMetrics*);
SMX_INSTANTIATE(float)
SMX_INSTANTIATE(double)
#undef SMX_INSTANTIATE

}  // namespace smx
