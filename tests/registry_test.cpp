// The registry: names, lookup, the vectorized family of entries, declarations.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "impls/registry.hpp"

using namespace smx;

TEST_CASE("registry: names are unique and find() returns each entry", "[registry]") {
  std::set<std::string_view> names;
  for (const Impl& impl : all_impls()) {
    INFO(impl.name);
    CHECK(names.insert(impl.name).second);
    CHECK(find(impl.name) == &impl);
    CHECK(!impl.summary.empty());
    CHECK((impl.provides(Op::softmax, Dtype::f32) || impl.provides(Op::softmax, Dtype::f64)));
  }
  CHECK(find("no-such-softmax") == nullptr);
}

TEST_CASE("registry: the textbook implementations and every vectorized path are listed", "[registry]") {
  for (std::string_view name : {"naive", "stable", "logsumexp", "xtensor", "eigen", "vectorized", "vectorized.avx512",
                                "vectorized.avx2", "vectorized.portable"}) {
    INFO(name);
    const Impl* impl = find(name);
    REQUIRE(impl != nullptr);
    CHECK(impl->kernel<Op::softmax, float>() != nullptr);
    CHECK(impl->kernel<Op::softmax, double>() != nullptr);
  }
  // The portable path and the dispatcher run everywhere.
  CHECK(find("vectorized")->available());
  CHECK(find("vectorized.portable")->available());
  CHECK(find("vectorized.avx512")->available() == static_cast<bool>(__builtin_cpu_supports("avx512f") &&
                                                                     __builtin_cpu_supports("avx512dq") &&
                                                                     __builtin_cpu_supports("avx512bw") &&
                                                                     __builtin_cpu_supports("avx512vl")));
}

TEST_CASE("registry: every implementation states a budget for each dtype it provides", "[registry]") {
  for (const Impl& impl : all_impls()) {
    INFO(impl.name);
    for (const Kernel& k : impl.kernels) {
      INFO(to_string(k.op) << " " << to_string(k.dtype));
      CHECK(k.budget.declared());
    }
  }
}

TEST_CASE("registry: a budget reads as its formula, floor first", "[registry]") {
  const struct {
    UlpBudget budget;
    const char* text;
  } cases[] = {
      {{}, "none"},
      {{2.5}, "2.5"},
      {{1, 1, 1}, "1 + 1·n + 1·|x−max|"},
      {{1, 0, 0, 2}, "1 + 2·|max|"},
      {{4, 0.036, 1, 0, 0x1p-111}, "outputs ≥ 2^-111: 4 + 0.036·n + 1·|x−max|"},
      {{1, 0, 0, 0, 1e-30}, "outputs ≥ 1e-30: 1"},
  };
  for (const auto& c : cases) CHECK(describe(c.budget) == c.text);
}
