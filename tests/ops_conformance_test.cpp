// The conformance specification of the operations beyond softmax: every
// available implementation, in every (operation, dtype) cell it provides, on
// every input family and size below (cross-entropy: with the target on the
// largest logit, a random one and the smallest), keeps what its cell
// declares (lab/ops/op_check.hpp), and gives the same bits in place.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <map>

#include "lab/families.hpp"
#include "lab/ops/op_check.hpp"
#include "tests/support.hpp"

using namespace smx;

namespace {

constexpr Op kOps[] = {Op::log_softmax, Op::cross_entropy, Op::softmax_backward};
constexpr std::size_t kSizes[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 257, 1000, 4096};
constexpr std::uint64_t kSeeds[] = {1, 2};

std::span<const TargetRuleInfo> rules_of(Op op) {
  return op == Op::cross_entropy ? std::span<const TargetRuleInfo>(target_rule_table)
                                 : std::span<const TargetRuleInfo>(target_rule_table).first(1);
}

// The same call with the output over its input (log_softmax: y over x;
// cross-entropy: the gradient over the logits; backward: dx over dy).
template <class T>
std::vector<T> in_place(const Impl& impl, const OpCase<T>& c) {
  std::vector<T> out(output_size(c));
  const std::size_t n = c.x.size();
  std::vector<T> buf = c.op == Op::softmax_backward ? c.dy : c.x;
  switch (c.op) {
    case Op::log_softmax: impl.kernel<Op::log_softmax, T>()(buf.data(), buf.data(), n); break;
    case Op::cross_entropy:
      out[0] = impl.kernel<Op::cross_entropy, T>()(buf.data(), n, c.target, buf.data());
      std::copy(buf.begin(), buf.end(), out.begin() + 1);
      return out;
    case Op::softmax_backward: impl.kernel<Op::softmax_backward, T>()(c.x.data(), buf.data(), buf.data(), n); break;
    case Op::softmax: break;
  }
  std::copy(buf.begin(), buf.end(), out.begin());
  return out;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(T)) != 0 && !(std::isnan(a[i]) && std::isnan(b[i]))) return false;
  return true;
}

}  // namespace

TEMPLATE_TEST_CASE("conformance: every operation cell keeps its declaration on every family and size",
                   "[conformance]", float, double) {
  using T = TestType;
  for (const Op op : kOps) {
    const auto impls = testable_impls<T>(op);
    std::map<std::string_view, int> failures;
    std::size_t checked = 0;
    for (const FamilyInfo& fam : all_families())
      for (const std::size_t n : kSizes)
        for (const std::uint64_t seed : kSeeds) {
          if (!fam.random && seed != kSeeds[0]) continue;
          for (const TargetRuleInfo& rule : rules_of(op)) {
            const OpCase<T> c = make_case<T>(op, family<T>(fam.name, n, seed), seed, rule.rule);
            const OpExpected<T> ref = expected_op<T>(c);
            for (const Impl* impl : impls) {
              std::vector<T> y(output_size(c));
              run_op<T>(*impl, c, y);
              const OpVerdict v = check_op<T>(*impl, c, y, ref);
              ++checked;
              if (!v.ok && ++failures[impl->name] <= 3)
                FAIL_CHECK(to_string(op) << " " << impl->name << " " << dtype_name<T>() << " family=" << fam.name
                                         << " n=" << n << " seed=" << seed << " target=" << rule.name << ": "
                                         << v.failure);
              const auto address_invariant = impl->declared(op, dtype_of<T>).behaviour.consistency.address_invariant;
              if (address_invariant && !same_bits(in_place(*impl, c), y) && ++failures[impl->name] <= 3)
                FAIL_CHECK(to_string(op) << " " << impl->name << " " << dtype_name<T>() << " family=" << fam.name
                                         << " n=" << n << ": in place differs from out of place");
            }
          }
        }
    INFO(to_string(op) << ": " << impls.size() << " implementations, " << checked << " rows checked");
    CHECK(failures.empty());
  }
}

TEMPLATE_TEST_CASE("conformance: cells that fold a temperature keep their budget on x / T", "[conformance]", float,
                   double) {
  using T = TestType;
  std::size_t checked = 0;
  for (const Op op : {Op::softmax, Op::log_softmax})
    for (const Impl* impl : testable_impls<T>(op)) {
      if (!impl->find(op, dtype_of<T>)->scaled) continue;
      int failures = 0;
      for (const FamilyInfo& fam : all_families())
        for (const std::size_t n : {std::size_t{1}, std::size_t{3}, std::size_t{17}, std::size_t{100}, std::size_t{1000}})
          for (const double t : {0.7, 2.0, 0.05}) {
            const OpCase<T> c = make_case<T>(op, family<T>(fam.name, n, 1), 1, TargetRule::random, t);
            std::vector<T> y(output_size(c));
            run_op<T>(*impl, c, y);
            const OpVerdict v = check_op<T>(*impl, c, y, expected_op<T>(c));
            ++checked;
            if (!v.ok && ++failures <= 3)
              FAIL_CHECK(to_string(op) << " " << impl->name << " " << dtype_name<T>() << " T=" << t << " family="
                                       << fam.name << " n=" << n << ": " << v.failure);
          }
    }
  CHECK(checked > 0);
}

namespace {

// Kernels that break the declarations a careful kernel makes, to show the
// check sees it: log(p) loses every digit of log-probabilities near 0, and
// p_t - 1 of the gradient's target element cancels.
template <class T>
void log_of_softmax(const T* x, T* y, std::size_t n) {
  T m = x[0], s = 0;
  for (std::size_t i = 1; i < n; ++i) m = std::max(m, x[i]);
  for (std::size_t i = 0; i < n; ++i) s += std::exp(x[i] - m);
  for (std::size_t i = 0; i < n; ++i) y[i] = std::log(std::exp(x[i] - m) / s);
}

template <class T>
T cancelling_cross_entropy(const T* x, std::size_t n, std::size_t t, T* grad) {
  std::vector<T> p(n);
  log_of_softmax(x, p.data(), n);
  const T loss = -p[t];
  for (std::size_t i = 0; i < n; ++i) grad[i] = std::exp(p[i]) - (i == t ? T(1) : T(0));
  return loss;
}

}  // namespace

TEMPLATE_TEST_CASE("conformance: the operation check fails kernels that lose the digits it measures", "[conformance]",
                   float, double) {
  using T = TestType;
  const Impl careless{.name = "careless",
                      .summary = "log(softmax) and p_t - 1, claiming 2 ulp",
                      .role = Role::test,
                      .kernels = {cell<Op::log_softmax>(log_of_softmax<T>, {.base = 2}),
                                  cell<Op::cross_entropy>(cancelling_cross_entropy<T>, {.base = 2})}};
  // A confident row: the max's log-probability and the loss are ~ -e^-12,
  // the target's gradient ~ -e^-12 too.
  const std::vector<T> x{T(12), T(0), T(-1)};
  for (const Op op : {Op::log_softmax, Op::cross_entropy}) {
    const OpCase<T> c = make_case<T>(op, x, 1, TargetRule::argmax);
    std::vector<T> y(output_size(c));
    run_op<T>(careless, c, y);
    const OpVerdict v = check_op<T>(careless, c, y, expected_op<T>(c));
    INFO(to_string(op) << ": " << v.failure);
    CHECK_FALSE(v.ok);
    CHECK(v.metrics[op == Op::log_softmax ? OpPart::value : OpPart::loss].max_ulp > 2);
  }
}
