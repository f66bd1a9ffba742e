// Does one output row of any operation beyond softmax keep its kernel cell's
// declaration? Metrics per part of the output (cross-entropy's loss, the
// target element of its gradient and the rest are measured apart: each has
// its own way of losing digits), then the verdict, as check_row
// (lab/contract_check.hpp) gives it for softmax.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "impls/registry.hpp"
#include "lab/ops/op_case.hpp"

namespace smx {

enum class OpPart : std::uint8_t { value, loss, grad_target, grad_rest };
struct OpPartInfo {
  OpPart part;
  std::string_view name;  // as in reports and JSON
};
inline constexpr std::array<OpPartInfo, 4> op_part_table{{
    {OpPart::value, "y"}, {OpPart::loss, "loss"}, {OpPart::grad_target, "grad_target"}, {OpPart::grad_rest, "grad"}}};
constexpr std::string_view to_string(OpPart p) { return row_of(op_part_table, p).name; }

// The parts an operation's output has, and which one output i belongs to.
std::span<const OpPart> parts_of(Op op);
OpPart part_of(Op op, std::size_t i, std::size_t target);

struct PartMetrics {
  std::uint64_t count = 0;   // outputs whose reference is finite
  double max_ulp = 0;        // the strict one: DESIGN.md ulp of the exact value
  std::size_t worst = 0;     // output index of max_ulp
  // |y - r| / max(u scale, smallest subnormal): scale = max(1, |lse|) for
  // log-probabilities and the loss, max |r| over the whole gradient (or the
  // backward pass's output) for the others.
  double max_abs = 0;
  std::uint64_t not_cr = 0;     // y != RN(r)
  std::uint64_t nonfinite = 0;  // y NaN or Inf where r is finite, or y != r where r is infinite
};

struct OpMetrics {
  std::array<PartMetrics, op_part_table.size()> parts{};
  std::uint64_t order_violations = 0;  // log_softmax: x_i < x_j but y_i > y_j
  const PartMetrics& operator[](OpPart p) const { return parts[static_cast<std::size_t>(p)]; }
  PartMetrics& operator[](OpPart p) { return parts[static_cast<std::size_t>(p)]; }
};

// Finite rows only (special rows have no metrics to speak of).
template <class T>
OpMetrics op_metrics(const OpCase<T>& c, std::span<const T> y, const OpExpected<T>& ref);

struct OpVerdict {
  bool ok = true;
  bool budget_applies = true;
  bool policy_ok = true;
  bool special = false;  // a NaN, +inf or all -inf input row (backward: any non-finite input)
  std::string failure;   // the first broken clause, with its part and worst element
  OpMetrics metrics;
};

// known: op_metrics of this output, when the caller has them already (they
// depend on the output only, not on the implementation's declaration).
template <class T>
OpVerdict check_op(const Impl& impl, const OpCase<T>& c, std::span<const T> y, const OpExpected<T>& ref,
                   const OpMetrics* known = nullptr);

}  // namespace smx
