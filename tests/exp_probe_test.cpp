// The exp-only roofline probe (impls/simd/algorithms.hpp, IsaKernels::exp)
// computes what pass 2 of the softmax computes, exp(x) 2^64, on every ISA
// target this CPU can run.
#include <catch2/catch.hpp>

#include <cmath>
#include <string_view>
#include <vector>

#include "impls/simd/algorithms.hpp"
#include "impls/simd/isa_targets.hpp"

TEMPLATE_TEST_CASE("exp-only probe: exp(x) 2^64 within 2 ulp, every length and path", "[simd]", float, double) {
  for (const smx::simd::IsaTarget& t : smx::simd::isa_targets()) {
    if (!t.supported()) continue;
    const smx::simd::kernel_fn<TestType> exp = t.kernels->exp.of<TestType>();
    for (std::size_t n : {0, 1, 7, 16, 33, 100}) {
      std::vector<TestType> x(n + 1), y(n + 1, TestType(-1));  // y[n] must stay untouched
      for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<TestType>(-40.0 + 80.0 * double(i) / double(n));
      exp(x.data(), y.data(), n);
      for (std::size_t i = 0; i < n; ++i) {
        const long double want = std::exp(static_cast<long double>(x[i])) * 0x1p64L;
        const long double ulp = std::ldexp(1.0L, std::ilogb(static_cast<TestType>(want)) - (sizeof(TestType) == 4 ? 23 : 52));
        INFO(t.name << " n=" << n << " x=" << x[i]);
        CHECK(std::abs(static_cast<long double>(y[i]) - want) <= 2 * ulp);
      }
      CHECK(y[n] == TestType(-1));
    }
  }
}
