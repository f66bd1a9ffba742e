// The declarations behind the conformance tests and the accuracy report
// (lab/contract_check): for each kind of special row, which outputs each
// declared policy accepts; and what a budget's floor leaves unclaimed.
#include <catch2/catch.hpp>

#include <initializer_list>
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

// Each output of the table against each policy (declared on a copy of
// "stable"): the policy check passes exactly for the policies listed.
template <class Policy>
void check_policies(Policy SpecialValues::*field, std::initializer_list<Policy> policies, const std::vector<float>& x,
                    std::initializer_list<Case<Policy>> cases) {
  const Expected<float> ref = expected_softmax<float>(x);
  for (const auto& c : cases)
    for (const Policy p : policies) {
      INFO(c.output << " declared " << to_string(p));
      Impl impl = *find("stable");
      impl.behaviour.special.*field = p;
      CHECK(check_row<float>(impl, x, c.y, ref).policy_ok == c.accepted_by.contains(p));
    }
}

}  // namespace

TEST_CASE("contract check: an all -inf row is held to the declared policy", "[contract]") {
  using P = AllNegInf;
  const std::vector<float> x = {-inf, -inf, -inf};
  check_policies<P>(&SpecialValues::all_neg_inf, {P::nan, P::zeros, P::uniform, P::neg_inf}, x, {
      {"NaN row", {qnan, qnan, qnan}, {P::nan}},
      {"zeros", {0, 0, 0}, {P::zeros}},
      {"uniform", {1.f / 3, 1.f / 3, 1.f / 3}, {P::uniform}},
      {"-inf row", {-inf, -inf, -inf}, {P::neg_inf}},
      {"mixed", {qnan, 0, -inf}, {}},
  });
}

TEST_CASE("contract check: a row with +inf is held to the declared policy", "[contract]") {
  using P = PosInf;
  const std::vector<float> x = {1, inf, -inf, inf};
  check_policies<P>(&SpecialValues::pos_inf, {P::nan_row, P::limit, P::nan_at_inf, P::neg_inf}, x, {
      {"NaN row", {qnan, qnan, qnan, qnan}, {P::nan_row}},
      {"limit", {0, 0.5f, 0, 0.5f}, {P::limit}},
      {"NaN at +inf, 0 elsewhere", {0, qnan, 0, qnan}, {P::nan_at_inf}},
      {"NaN at one +inf only", {0, qnan, 0, 0.5f}, {}},
      {"-inf row", {-inf, -inf, -inf, -inf}, {P::neg_inf}},
  });
}

TEST_CASE("contract check: a row with a NaN is held to the declared policy", "[contract]") {
  using P = NanInput;
  const std::vector<float> x = {1, qnan, 2, 3};
  check_policies<P>(&SpecialValues::nan_input, {P::nan_row, P::nan_at_nan, P::neg_inf}, x, {
      {"NaN row", {qnan, qnan, qnan, qnan}, {P::nan_row, P::nan_at_nan}},  // NaN or 0 elsewhere: NaN is allowed
      {"NaN at the NaN, 0 elsewhere", {0, qnan, 0, 0}, {P::nan_at_nan}},
      {"NaN at the NaN, 0 or NaN elsewhere", {0, qnan, qnan, 0}, {P::nan_at_nan}},
      {"a probability beside the NaN", {0.5f, qnan, 0, 0}, {}},
      {"0 at the NaN", {qnan, 0, qnan, qnan}, {}},
      {"-inf row", {-inf, -inf, -inf, -inf}, {P::neg_inf}},
  });
}

TEST_CASE("contract check: a budget claims nothing for outputs below its floor", "[contract]") {
  // softmax(0, -87) = (1, 1.6458e-38): the second output is normal, 1.4 binades above 2^-126.
  const std::vector<float> x = {0, -87};
  const Expected<float> ref = expected_softmax<float>(x);
  struct Row {
    const char* output;
    std::vector<float> y;
    double floor;
    bool ok;
  };
  for (const Row& r : std::initializer_list<Row>{
           {"correctly rounded", ref.rounded, 0, true},
           {"tiny output 0, no floor", {1, 0}, 0, false},
           {"tiny output 0, floor 2^-125 above it", {1, 0}, 0x1p-125, true},
           {"tiny output 0, floor 2^-126 below it", {1, 0}, 0x1p-126, false},
           {"tiny output 2^-126, floor 2^-125 above it", {1, 0x1p-126f}, 0x1p-125, true},
           {"large output wrong, floor 2^-125", {0.5f, 0}, 0x1p-125, false},
       }) {
    INFO(r.output);
    Impl impl = *find("stable");
    for (Kernel& k : impl.kernels) k.budget.floor = r.floor;
    CHECK(check_row<float>(impl, x, r.y, ref).ok == r.ok);
  }
}
