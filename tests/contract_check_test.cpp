// The special-value declarations: for each kind of special row, which
// outputs each declared policy accepts (lab/contract_check, behind the
// conformance tests and the accuracy report).
#include <catch2/catch.hpp>

#include <limits>
#include <set>
#include <vector>

#include "lab/contract_check.hpp"
#include "tests/support.hpp"

using namespace smx;

namespace {

constexpr float inf = std::numeric_limits<float>::infinity();
constexpr float qnan = std::numeric_limits<float>::quiet_NaN();

template <class Policy>
struct Case {
  const char* output;
  std::vector<float> y;
  std::set<Policy> accepted_by;
};

// The policy check of one row, declared policy set on a copy of "stable".
template <class Policy>
bool accepted(Policy Impl::*field, Policy policy, const std::vector<float>& x, const std::vector<float>& y) {
  Impl impl = *find("stable");
  impl.*field = policy;
  return check_row<float>(impl, x, y, expected_softmax<float>(x)).policy_ok;
}

}  // namespace

TEST_CASE("contract check: an all -inf row is held to the declared policy", "[contract]") {
  using P = AllNegInf;
  const std::vector<float> x = {-inf, -inf, -inf};
  const Case<P> cases[] = {
      {"NaN row", {qnan, qnan, qnan}, {P::nan}},
      {"zeros", {0, 0, 0}, {P::zeros}},
      {"uniform", {1.f / 3, 1.f / 3, 1.f / 3}, {P::uniform}},
      {"-inf row", {-inf, -inf, -inf}, {P::neg_inf}},
      {"mixed", {qnan, 0, -inf}, {}},
  };
  for (const auto& c : cases)
    for (const P p : {P::nan, P::zeros, P::uniform, P::neg_inf}) {
      INFO(c.output << " declared " << to_string(p));
      CHECK(accepted(&Impl::all_neg_inf, p, x, c.y) == c.accepted_by.contains(p));
    }
}

TEST_CASE("contract check: a row with +inf is held to the declared policy", "[contract]") {
  using P = PosInf;
  const std::vector<float> x = {1, inf, -inf, inf};
  const Case<P> cases[] = {
      {"NaN row", {qnan, qnan, qnan, qnan}, {P::nan_row}},
      {"limit", {0, 0.5f, 0, 0.5f}, {P::limit}},
      {"NaN at +inf, 0 elsewhere", {0, qnan, 0, qnan}, {P::nan_at_inf}},
      {"NaN at one +inf only", {0, qnan, 0, 0.5f}, {}},
      {"-inf row", {-inf, -inf, -inf, -inf}, {P::neg_inf}},
  };
  for (const auto& c : cases)
    for (const P p : {P::nan_row, P::limit, P::nan_at_inf, P::neg_inf}) {
      INFO(c.output << " declared " << to_string(p));
      CHECK(accepted(&Impl::pos_inf, p, x, c.y) == c.accepted_by.contains(p));
    }
}

TEST_CASE("contract check: a row with a NaN is held to the declared policy", "[contract]") {
  using P = NanInput;
  const std::vector<float> x = {1, qnan, 2, 3};
  const Case<P> cases[] = {
      {"NaN row", {qnan, qnan, qnan, qnan}, {P::nan_row, P::nan_at_nan}},  // NaN or 0 elsewhere: NaN is allowed
      {"NaN at the NaN, 0 elsewhere", {0, qnan, 0, 0}, {P::nan_at_nan}},
      {"NaN at the NaN, 0 or NaN elsewhere", {0, qnan, qnan, 0}, {P::nan_at_nan}},
      {"a probability beside the NaN", {0.5f, qnan, 0, 0}, {}},
      {"0 at the NaN", {qnan, 0, qnan, qnan}, {}},
      {"-inf row", {-inf, -inf, -inf, -inf}, {P::neg_inf}},
  };
  for (const auto& c : cases)
    for (const P p : {P::nan_row, P::nan_at_nan, P::neg_inf}) {
      INFO(c.output << " declared " << to_string(p));
      CHECK(accepted(&Impl::nan_input, p, x, c.y) == c.accepted_by.contains(p));
    }
}
