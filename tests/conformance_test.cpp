// The conformance specification: every available implementation, in every
// dtype it provides, on every input family and size below, keeps the
// contract it declares (DESIGN.md): its ulp budget, no NaN/Inf/negative/>1
// from finite input, no order violations, no tie mismatches, and its
// special-value policies.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <numeric>
#include <sstream>

#include "impls/batched.hpp"
#include "lab/contract_check.hpp"
#include "lab/families.hpp"
#include "tests/support.hpp"

using namespace smx;

namespace {

// n = 0 to 70 covers every tail length of 4-, 8- and 16-lane bodies; the rest
// straddle larger blocks.
std::vector<std::size_t> conformance_sizes() {
  std::vector<std::size_t> n(71);
  std::iota(n.begin(), n.end(), 0);
  for (std::size_t extra : {100, 127, 128, 129, 255, 256, 257, 1000, 1024, 4096}) n.push_back(extra);
  return n;
}
constexpr std::uint64_t seeds[] = {1, 2};

// Same bits, NaN equal to NaN.
template <class T>
std::string first_difference(const std::vector<T>& a, const std::vector<T>& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(T)) != 0)
      return "differs at [" + std::to_string(i) + "]: " + shortest(a[i]) + " vs " + shortest(b[i]);
  return {};
}

}  // namespace

TEMPLATE_TEST_CASE("conformance: every implementation keeps its declared contract on every family and size",
                   "[conformance]", float, double) {
  using T = TestType;
  const auto impls = testable_impls<T>();
  REQUIRE(!impls.empty());
  std::map<std::string_view, int> failures;
  for (const FamilyInfo& fam : all_families()) {
    for (std::size_t n : conformance_sizes()) {
      for (std::uint64_t seed : seeds) {
        if (!fam.random && seed != seeds[0]) continue;
        const std::vector<T> x = family<T>(fam.name, n, seed);
        const Expected<T> ref = expected_softmax<T>(x);
        for (const Impl* impl : impls) {
          std::vector<T> y(n);
          impl->template kernel<Op::softmax, T>()(x.data(), y.data(), n);
          const RowVerdict v = check_row<T>(*impl, x, y, ref);
          if (!v.ok && ++failures[impl->name] <= 3)  // a few examples each, not a flood
            FAIL_CHECK(impl->name << " " << dtype_name<T>() << " family=" << fam.name << " n=" << n
                                  << " seed=" << seed << ": " << v.failure);
        }
      }
    }
  }
  for (const auto& [name, count] : failures) FAIL_CHECK(name << ": " << count << " failing rows in all");
}

TEMPLATE_TEST_CASE("conformance: in place, misaligned by one element and batched give the same bits as row by row",
                   "[conformance]", float, double) {
  using T = TestType;
  for (const Impl* impl : testable_impls<T>()) {
    const row_fn<T> kernel = impl->template kernel<Op::softmax, T>();
    for (const char* fam : {"normal-1", "ties", "masked", "wide"}) {
      for (std::size_t n = 0; n <= 70; ++n) {
        INFO(impl->name << " " << dtype_name<T>() << " family=" << fam << " n=" << n);
        const std::vector<T> x = family<T>(fam, n, 7);
        std::vector<T> y(n);
        kernel(x.data(), y.data(), n);

        std::vector<T> in_place = x;
        kernel(in_place.data(), in_place.data(), n);
        std::vector<T> xs(n + 1), ys(n + 1);  // element-aligned, not vector-aligned
        std::copy(x.begin(), x.end(), xs.begin() + 1);
        kernel(xs.data() + 1, ys.data() + 1, n);
        const std::vector<T> shifted(ys.begin() + 1, ys.end());
        if (impl->declared(Op::softmax, dtype_of<T>).behaviour.consistency.address_invariant) {
          CHECK(first_difference(y, in_place) == "");
          CHECK(first_difference(y, shifted) == "");
        } else {  // declared address-dependent: each result must still keep the contract
          const Expected<T> ref = expected_softmax<T>(x);
          CHECK(check_row<T>(*impl, x, in_place, ref).failure == "");
          CHECK(check_row<T>(*impl, x, shifted, ref).failure == "");
        }

        // 3 rows, dense and with padded leading dimensions, on 1 and 2
        // threads, against the same rows one by one.
        for (const auto& [pad_x, pad_y] : {std::pair<std::size_t, std::size_t>{0, 0}, {3, 1}})
          for (const int threads : {1, 2}) {
            INFO("ldx = n + " << pad_x << ", ldy = n + " << pad_y << ", threads " << threads);
            const std::size_t rows = 3, ldx = n + pad_x, ldy = n + pad_y;
            std::vector<T> bx(rows * ldx, T(-1)), by(rows * ldy, T(-7)), expect(rows * ldy, T(-7));
            for (std::size_t r = 0; r < rows; ++r) {
              const std::vector<T> row = family<T>(fam, n, 100 + r);
              std::copy(row.begin(), row.end(), bx.begin() + static_cast<std::ptrdiff_t>(r * ldx));
              kernel(row.data(), expect.data() + r * ldy, n);
            }
            softmax_batched<T>(*impl, bx.data(), ldx, by.data(), ldy, rows, n, threads);
            CHECK(first_difference(by, expect) == "");  // padding untouched too
          }
      }
    }
  }
}

TEMPLATE_TEST_CASE("conformance: a batch large enough to split over threads gives the same bits as row by row",
                   "[conformance]", float, double) {
  using T = TestType;
  const std::size_t rows = 64, cols = 1000;  // enough work for every peer's threading to split it
  std::vector<T> x(rows * cols), expect(rows * cols);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::vector<T> row = family<T>("normal-10", cols, 200 + r);
    std::copy(row.begin(), row.end(), x.begin() + static_cast<std::ptrdiff_t>(r * cols));
  }
  for (const Impl* impl : testable_impls<T>()) {
    for (std::size_t r = 0; r < rows; ++r) impl->template kernel<Op::softmax, T>()(x.data() + r * cols, expect.data() + r * cols, cols);
    for (const int threads : {2, 0}) {  // 0: the implementation's own choice
      INFO(impl->name << " " << dtype_name<T>() << " threads " << threads);
      std::vector<T> y(rows * cols);
      softmax_batched<T>(*impl, x.data(), cols, y.data(), cols, rows, cols, threads);
      CHECK(first_difference(y, expect) == "");
    }
  }
}

TEMPLATE_TEST_CASE("conformance: n = 0 writes nothing", "[conformance]", float, double) {
  using T = TestType;
  for (const Impl* impl : testable_impls<T>()) {
    INFO(impl->name);
    T x[1] = {T(0.5)}, y[1] = {T(42)};
    impl->template kernel<Op::softmax, T>()(x, y, 0);
    CHECK(y[0] == T(42));
    CHECK(x[0] == T(0.5));
  }
}
