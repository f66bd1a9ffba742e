// Does one output row keep its implementation's declared contract? The one
// check behind the conformance tests, the accuracy report's verdicts and the
// benchmarks' verify-before-timing.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "impls/registry.hpp"
#include "reference/metrics.hpp"

namespace smx {

// The reference for one input row: RN(r) and r itself.
template <class T>
struct Expected {
  std::vector<T> rounded;
  std::vector<long double> exact;
  std::vector<std::uint32_t> x_order;  // metrics::x_order(x), shared by every implementation
};
template <class T> Expected<T> expected_softmax(std::span<const T> x);

enum class RowClass { empty, finite, nan, pos_inf, all_neg_inf };  // "finite" may hold some -inf
template <class T> RowClass classify(std::span<const T> x);

// Whether the implementation's ulp budget for op covers this (finite) row:
// always, except outside the exponential's range for Domain::exp_range.
template <class T> bool budget_applies(const Impl& impl, std::span<const T> x, Op op = Op::softmax);

struct RowVerdict {
  bool ok = true;
  bool budget_applies = true;
  bool policy_ok = true;  // special values (NaN, +-inf rows, exact 0 at -inf) as declared
  std::string failure;  // first broken clause, with the worst element: "max ulp 5.2 > 2 at [3]: x=..."
  metrics::RowMetrics metrics;  // filled for finite rows (claimed or not)
};

// known: the row's metrics::row_metrics, when the caller has them already
// (they depend on the output only, not on the implementation's declaration).
template <class T>
RowVerdict check_row(const Impl& impl, std::span<const T> x, std::span<const T> y, const Expected<T>& ref,
                     const metrics::RowMetrics* known = nullptr);

}  // namespace smx
