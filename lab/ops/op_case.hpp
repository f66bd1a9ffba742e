// One input of any operation, the one place a kernel of any operation is
// called on it, and the correctly rounded reference for it. Outputs of every
// operation are one flat row: softmax, log_softmax, softmax_backward give n
// values; cross_entropy the loss, then the n gradient values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "impls/registry.hpp"

namespace smx {

// Where a cross-entropy target sits: on the largest logit (a correct,
// confident prediction: the loss is tiny and p_t - 1 cancels), on a seeded
// random entry, or on the smallest logit.
enum class TargetRule : std::uint8_t { argmax, random, argmin };
struct TargetRuleInfo {
  TargetRule rule;
  std::string_view name;
};
inline constexpr std::array<TargetRuleInfo, 3> target_rule_table{{
    {TargetRule::argmax, "argmax"}, {TargetRule::random, "random"}, {TargetRule::argmin, "argmin"}}};
constexpr std::string_view to_string(TargetRule r) { return row_of(target_rule_table, r).name; }
constexpr std::optional<TargetRule> target_rule_named(std::string_view n) {
  return key_named(target_rule_table, &TargetRuleInfo::rule, n);
}

template <class T>
struct OpCase {
  Op op = Op::softmax;
  std::vector<T> x;        // logits; softmax_backward: y, the forward output it is given
  std::vector<T> dy;       // softmax_backward only
  std::size_t target = 0;  // cross_entropy only
  // softmax, log_softmax: of x / temperature. A cell with a temperature-
  // folding kernel gets beta = RN(1 / temperature); any other is given
  // RN(x_i / temperature), divided by the harness, as frameworks do.
  double temperature = 1;
};

// The case of op on a family row x (softmax_backward: y = RN softmax(x) and
// dy from the normal-1 family on its own seed; cross_entropy: the target by rule, the random
// one from seed).
template <class T>
OpCase<T> make_case(Op op, std::vector<T> x, std::uint64_t seed, TargetRule rule = TargetRule::random,
                    double temperature = 1);

// How impl takes a temperature for op: folded into its kernel, or divided first.
std::string_view temperature_mode(const Impl& impl, Op op, Dtype d);

// How many outputs the case has (n, or n + 1 for cross_entropy).
template <class T> std::size_t output_size(const OpCase<T>& c);

// Runs impl's kernel for c.op on c (which impl must provide), out-of-place
// into out (output_size values).
template <class T> void run_op(const Impl& impl, const OpCase<T>& c, std::span<T> out);

// The reference in the same layout: RN(r) and r to about 60 bits.
template <class T>
struct OpExpected {
  std::vector<T> rounded;
  std::vector<long double> exact;
  long double lse = 0;  // log sum exp x for the log-domain ops (0 when not finite)
  std::vector<std::uint32_t> x_order;  // log_softmax: metrics::x_order(x), shared by every implementation
  std::vector<long double> per_ulp;     // 1 / ulp(exact[i]) (0 where not finite), shared the same way
};
template <class T> OpExpected<T> expected_op(const OpCase<T>& c);
// The references of cases of one operation on one row that differ only in
// their target (cross-entropy's target rules): the shared work done once.
template <class T> std::vector<OpExpected<T>> expected_ops(std::span<const OpCase<T>> cases);

}  // namespace smx
