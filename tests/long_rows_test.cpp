// Rows long enough that the hand-vectorized kernels recompute the exponential
// instead of storing and reloading it (impls/simd/kernels.hpp,
// kRecomputeBytes): the conformance sizes stop far below, so this path is
// held to the same declared contract here, in place and out of place.
#include <catch2/catch.hpp>

#include <cstring>

#include "impls/simd/kernels.hpp"
#include "lab/contract_check.hpp"
#include "lab/families.hpp"
#include "tests/support.hpp"

using namespace smx;

TEMPLATE_TEST_CASE("long rows: the recompute path keeps every declared contract, in place too", "[conformance][long]",
                   float, double) {
  using T = TestType;
  const std::size_t n = simd::kRecomputeBytes / sizeof(T) + 37;  // just past the switch, ragged tail
  for (const char* fam : {"normal-10", "masked", "ties", "offset"}) {
    const std::vector<T> x = family<T>(fam, n, 3);
    const Expected<T> ref = expected_softmax<T>(x);
    for (const Impl* impl : testable_impls<T>()) {
      INFO(impl->name << " " << dtype_name<T>() << " family=" << fam << " n=" << n);
      std::vector<T> y(n), in_place = x;
      impl->template kernel<Op::softmax, T>()(x.data(), y.data(), n);
      CHECK(check_row<T>(*impl, x, y, ref).failure == "");
      impl->template kernel<Op::softmax, T>()(in_place.data(), in_place.data(), n);
      if (impl->declared(Op::softmax, dtype_of<T>).behaviour.consistency.address_invariant) CHECK(std::memcmp(y.data(), in_place.data(), n * sizeof(T)) == 0);
    }
  }
}
