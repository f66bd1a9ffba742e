// Input families: reproducible, the right size, and of the kind they say.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "lab/contract_check.hpp"
#include "lab/families.hpp"
#include "tests/support.hpp"

using namespace smx;

TEMPLATE_TEST_CASE("families: same name, n and seed give the same bits; the seed matters where it should",
                   "[families]", float, double) {
  using T = TestType;
  for (const FamilyInfo& f : all_families()) {
    INFO(f.name);
    for (std::size_t n : {0, 1, 2, 17, 1000}) {
      const auto a = family<T>(f.name, n, 3), b = family<T>(f.name, n, 3);
      REQUIRE(a.size() == n);
      CHECK(std::memcmp(a.data(), b.data(), n * sizeof(T)) == 0);
    }
    const auto a = family<T>(f.name, 1000, 1), b = family<T>(f.name, 1000, 2);
    CHECK((std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) != 0) == f.random);
  }
  CHECK_THROWS_AS(family<T>("no-such-family", 4), std::invalid_argument);
}

TEMPLATE_TEST_CASE("families: each row is of the kind its family declares", "[families]", float, double) {
  using T = TestType;
  for (const FamilyInfo& f : all_families()) {
    for (std::size_t n : {1, 2, 3, 64, 1001}) {
      INFO(f.name << " n=" << n);
      const auto x = family<T>(f.name, n);
      const RowClass c = classify<T>(x);
      std::size_t neg_inf = 0;
      for (T v : x) neg_inf += (v == -INFINITY);
      switch (f.kind) {
        case FamilyKind::finite:
          CHECK(c == RowClass::finite);
          CHECK(neg_inf == 0);
          break;
        case FamilyKind::masked:
          CHECK(c == RowClass::finite);  // at least one finite entry
          if (n >= 64) CHECK(neg_inf > n / 4);
          break;
        case FamilyKind::special:
          CHECK(c != RowClass::finite);
          break;
      }
    }
  }
}

TEST_CASE("families: the shapes the families promise", "[families]") {
  const auto inc = family<float>("increasing", 5000);
  for (std::size_t i = 1; i < inc.size(); ++i) REQUIRE(inc[i - 1] < inc[i]);
  const auto adj = family<float>("adjacent", 100);
  for (std::size_t i = 1; i < adj.size(); ++i) REQUIRE(adj[i] == std::nextafter(adj[i - 1], INFINITY));
  const auto eq = family<double>("equal", 33);
  for (double v : eq) REQUIRE(v == eq[0]);
  const auto wide = family<float>("wide", 10000);
  float lo = 0, hi = 0;
  for (float v : wide) lo = std::min(lo, v), hi = std::max(hi, v);
  CHECK(hi - lo > 2 * 88.7f);  // wider than exp's range
}
