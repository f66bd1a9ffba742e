// What an implementation's output row is, in a word, for the special-value
// matrix: "NaN row", "zeros", "uniform", "limit", "-inf", "NaN at +inf", "exact 0", ...
#pragma once

#include <algorithm>
#include <cmath>
#include <span>
#include <string>

#include "lab/contract_check.hpp"
#include "reference/metrics.hpp"

namespace smx {

template <class T>
std::string special_outcome(std::span<const T> x, std::span<const T> y, const Expected<T>& ref) {
  const auto all = [&](auto pred) { return std::all_of(y.begin(), y.end(), pred); };
  const auto is_nan = [](T v) { return std::isnan(v); };
  const auto is_neg_inf = [](T v) { return v == -INFINITY; };
  // Each output against its input: NaN where the input is special, else 0 (or NaN, when nan_else).
  const auto nan_at = [&](auto special, bool nan_else) {
    for (std::size_t i = 0; i < x.size(); ++i)
      if (special(x[i]) ? !std::isnan(y[i]) : !(y[i] == 0 || (nan_else && std::isnan(y[i])))) return false;
    return true;
  };
  switch (classify<T>(x)) {
    case RowClass::empty: return "";
    case RowClass::nan:
      if (all(is_nan)) return "NaN row";
      if (all(is_neg_inf)) return "-inf";
      return nan_at(is_nan, true) ? "NaN at NaN, else 0/NaN" : "not all NaN";
    case RowClass::all_neg_inf: {
      if (all(is_nan)) return "NaN row";
      if (all([](T v) { return v == 0; })) return "zeros";
      if (all(is_neg_inf)) return "-inf";
      const long double u = 1.0L / static_cast<long double>(y.size());
      if (all([&](T v) { return metrics::ulp_error<T>(v, u) <= 4; })) return "uniform";
      return "other";
    }
    case RowClass::pos_inf: {
      if (all(is_nan)) return "NaN row";
      if (all(is_neg_inf)) return "-inf";
      if (nan_at([](T v) { return v == INFINITY; }, false)) return "NaN at +inf";
      for (std::size_t i = 0; i < y.size(); ++i)
        if (!(metrics::ulp_error<T>(y[i], ref.exact[i]) <= 4)) return "other";
      return "limit";
    }
    case RowClass::finite:
      for (std::size_t i = 0; i < x.size(); ++i)
        if (x[i] == -INFINITY && y[i] != 0) return "not 0 at -inf";
      return std::any_of(x.begin(), x.end(), [](T v) { return v == -INFINITY; }) ? "exact 0" : "";
  }
  return "";
}

}  // namespace smx
