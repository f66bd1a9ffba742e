// The memory traffic the benchmarks' bytes/s counters and the roofline charge
// each operation, per element of a row: the least its passes can move out of
// cache (a row that stays in cache moves less; the counters then read high).
#pragma once

#include <array>
#include <string_view>

#include "impls/named_table.hpp"
#include "impls/op.hpp"

namespace smx {

struct OpTraffic {
  Op op;
  int reads, writes;           // of a row's length, per element
  std::string_view why;        // for the JSON's context and the report
};

inline constexpr std::array<OpTraffic, op_table.size()> traffic_table{{
    {Op::softmax, 2, 1, "x read twice (max and sum, or one online pass; then the outputs), y written"},
    {Op::log_softmax, 2, 1, "x read twice (log-sum-exp, then x - lse), y written"},
    {Op::cross_entropy, 2, 1, "the logits read twice (log-sum-exp, then the gradient), the gradient written"},
    {Op::softmax_backward, 4, 1, "y and dy read twice each (<dy, y>, then dx), dx written"},
}};
static_assert([] {
  for (std::size_t i = 0; i < traffic_table.size(); ++i)
    if (traffic_table[i].op != op_table[i].op) return false;
  return true;
}(), "traffic_table lists the operations in op_table's order");

constexpr const OpTraffic& traffic(Op op) { return row_of(traffic_table, op); }
constexpr double accesses_per_element(Op op) { return traffic(op).reads + traffic(op).writes; }

}  // namespace smx
