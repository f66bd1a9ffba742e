// naive is there to show the overflow of unshifted softmax: outside the
// exponential's range it must be wrong the way the textbook says, not
// silently fixed, and it must not claim its budget there.
#include <catch2/catch.hpp>

#include <cmath>

#include "lab/contract_check.hpp"
#include "lab/families.hpp"
#include "tests/support.hpp"

using namespace smx;

namespace {
struct Overflow {
  std::vector<double> x;
  std::size_t nan_at;  // an output that must come out NaN (inf/inf or 0/0)
  const char* why;
};
}  // namespace

TEMPLATE_TEST_CASE("naive: overflows and underflows where the textbook says", "[naive]", float, double) {
  using T = TestType;
  const bool f32 = sizeof(T) == 4;
  const Impl& naive = *find("naive");
  const Overflow cases[] = {
      {{f32 ? 89.0 : 710.0, 0.0}, 0, "exp(x) overflows: inf / inf"},
      {{1000.0, 1000.0, 1000.0}, 1, "np.exp(1000) is inf"},
      {{f32 ? -120.0 : -760.0, f32 ? -121.0 : -761.0}, 0, "every exp underflows: 0 / 0"},
  };
  for (const Overflow& c : cases) {
    INFO(dtype_name<T>() << ": " << c.why);
    const std::vector<T> x(c.x.begin(), c.x.end());
    std::vector<T> y(x.size());
    naive.template kernel<Op::softmax, T>()(x.data(), y.data(), x.size());
    CHECK(std::isnan(y[c.nan_at]));
    CHECK_FALSE(budget_applies<T>(naive, x));
    CHECK(budget_applies<T>(*find("stable"), x));
  }
  // The huge-offset family (1e4 + small spread) overflows every element.
  const std::vector<T> x = family<T>("offset", 64);
  std::vector<T> y(x.size());
  naive.template kernel<Op::softmax, T>()(x.data(), y.data(), x.size());
  for (T v : y) CHECK(std::isnan(v));
}

TEST_CASE("naive: inside exp's range it is held to its budget", "[naive]") {
  const std::vector<float> x = {4.8f, 1.21f, 2.385f};
  CHECK(budget_applies<float>(*find("naive"), x));
}
