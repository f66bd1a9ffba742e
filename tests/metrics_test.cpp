// Error metrics on hand-made cases whose answers are known (DESIGN.md definitions).
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "reference/exact_sum.hpp"
#include "reference/metrics.hpp"

using namespace smx::metrics;

TEST_CASE("metrics: ulp follows the exponent, and the subnormal rule near zero", "[metrics]") {
  struct Row { long double r; long double f32, f64; };
  const Row table[] = {
      {1.0L, 0x1p-23L, 0x1p-52L},
      {0.75L, 0x1p-24L, 0x1p-53L},
      {-3.0L, 0x1p-22L, 0x1p-51L},
      {0x1p-126L, 0x1p-149L, 0x1p-178L},   // smallest normal float
      {0x1p-130L, 0x1p-149L, 0x1p-182L},   // subnormal in float
      {1e-40L, 0x1p-149L, 0x1p-185L},
      {0.0L, 0x1p-149L, 0x1p-1074L},
      {0x1p-1040L, 0x1p-149L, 0x1p-1074L},  // subnormal in double
  };
  for (const Row& t : table) {
    INFO("r = " << static_cast<double>(t.r));
    CHECK(ulp<float>(t.r) == t.f32);
    CHECK(ulp<double>(t.r) == t.f64);
  }
}

TEST_CASE("metrics: ulp error against the exact value", "[metrics]") {
  CHECK(ulp_error<float>(1.0f, 1.0L) == 0.0);
  CHECK(ulp_error<float>(std::nextafter(1.0f, 2.0f), 1.0L) == 1.0);
  CHECK(ulp_error<float>(1.0f, 1.0L + 0x1p-25L) == Approx(0.25));  // correctly rounded: <= 0.5
  CHECK(ulp_error<double>(0.5, 0.5L + 0x1p-54L) == Approx(0.5));
  CHECK(ulp_error<float>(0.0f, 3 * 0x1p-149L) == 3.0);  // a flushed subnormal counts in 2^-149 units
  CHECK(ulp_error<float>(std::numeric_limits<float>::quiet_NaN(), 0.5L) == INFINITY);
  CHECK(ulp_error<float>(INFINITY, 0.5L) == INFINITY);
  CHECK(subnormal_class<float>(1e-39L));
  CHECK_FALSE(subnormal_class<float>(0x1p-126L));
  CHECK(subnormal_class<double>(1e-310L));
  CHECK_FALSE(subnormal_class<double>(1e-39L));
}

TEST_CASE("metrics: the sum error is taken exactly", "[metrics]") {
  CHECK(sum_error<float>(std::vector<float>{0.5f, 0.5f}) == 0.0);
  CHECK(sum_error<float>(std::vector<float>{0.5f, 0.25f}) == 0.25 * 0x1p24);
  // 1 + 2^16 terms of 2^-40: a float (or double) running sum would drop every one.
  std::vector<float> y(1 + (1 << 16), 0x1p-40f);
  y[0] = 1.0f;
  CHECK(sum_error<float>(y) == 1.0);  // |2^-24| / 2^-24
  std::vector<double> yd(1 + (1 << 16), 0x1p-80);
  yd[0] = 1.0;
  CHECK(sum_error<double>(yd) == 0x1p-64 / 0x1p-53);
  CHECK(sum_error<float>(std::vector<float>{0.5f, NAN}) == INFINITY);
}

TEST_CASE("metrics: order violations and tie mismatches count pairs", "[metrics]") {
  struct Row { std::vector<float> x, y; std::uint64_t order, ties; };
  const Row table[] = {
      {{1, 2, 3}, {0.1f, 0.3f, 0.2f}, 1, 0},
      {{3, 2, 1}, {0.1f, 0.2f, 0.3f}, 3, 0},                  // fully reversed
      {{1, 1, 1, 2}, {0.2f, 0.2f, 0.3f, 0.5f}, 0, 2},         // ties broken: not an order violation
      {{1, 1, 2, 2}, {0.3f, 0.1f, 0.2f, 0.2f}, 2, 1},         // 0.3 at x=1 above both 0.2 at x=2
      {{-INFINITY, -INFINITY, 0}, {0, 0, 1}, 0, 0},
      {{0, NAN, 1}, {0.2f, 0.5f, 0.1f}, 1, 0},                // NaN entries left out
      {{1, 1}, {NAN, NAN}, 0, 1},                              // NaN equals nothing
  };
  for (const Row& t : table) {
    CHECK(order_violations<float>(t.x, t.y) == t.order);
    CHECK(tie_mismatches<float>(t.x, t.y) == t.ties);
  }
}

// x_order's specification: the indices of the non-NaN entries in
// std::stable_sort order of x (equal values, -0 and +0 among them, in index order).
template <class T> std::vector<std::uint32_t> stable_sorted(const std::vector<T>& x) {
  std::vector<std::uint32_t> idx;
  for (std::uint32_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i])) idx.push_back(i);
  std::stable_sort(idx.begin(), idx.end(), [&](std::uint32_t a, std::uint32_t b) { return x[a] < x[b]; });
  return idx;
}

TEST_CASE("metrics: the x order is x's stable sort order", "[metrics]") {
  const float tiny = std::numeric_limits<float>::denorm_min(), big = std::numeric_limits<float>::max();
  const std::vector<std::vector<float>> table = {
      {},
      {NAN},
      {3, 1, 2},
      {0.0f, -0.0f, 0.0f, -0.0f, 1, -1},                   // -0 == +0: index order
      {INFINITY, -INFINITY, big, -big, tiny, -tiny, 0, NAN, 1e-40f, -1e-40f},
      {2, 2, 1, 1, NAN, 2, 1},
  };
  for (const std::vector<float>& x : table) {
    CAPTURE(x);
    CHECK(x_order<float>(x) == stable_sorted(x));
    const std::vector<double> xd(x.begin(), x.end());
    CHECK(x_order<double>(xd) == stable_sorted(xd));
  }
  // Many ties and every exponent, past the radix sort's digit boundaries.
  std::vector<float> f(100000);
  std::vector<double> d(f.size());
  std::uint64_t state = 1;
  for (std::size_t i = 0; i < f.size(); ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const auto bits = static_cast<std::uint32_t>(state >> 32);
    f[i] = i % 3 ? std::bit_cast<float>(bits) : static_cast<float>(bits % 50);
    d[i] = i % 3 ? std::bit_cast<double>(state) : static_cast<double>(bits % 50) - 25;
  }
  CHECK(x_order<float>(f) == stable_sorted(f));
  CHECK(x_order<double>(d) == stable_sorted(d));
}

TEST_CASE("metrics: a row's order and tie counts are the pairs counted directly", "[metrics]") {
  struct Row { std::vector<float> x, y; };
  const Row table[] = {
      {{1, 2, 3}, {0.1f, 0.3f, 0.2f}},
      {{3, 2, 1}, {0.1f, 0.2f, 0.3f}},
      {{1, 1, 1, 2}, {0.2f, 0.2f, 0.3f, 0.5f}},
      {{1, 1, 2, 2}, {0.3f, 0.1f, 0.2f, 0.2f}},
      {{0, NAN, 1}, {0.2f, 0.5f, 0.1f}},
      {{1, 1, 0}, {NAN, 0.4f, 0.2f}},
      {{1, 2, 3}, {0.1f, 0.2f, 0.7f}},  // neither
  };
  for (const Row& t : table) {
    CAPTURE(t.x, t.y);
    const std::vector<long double> r(t.x.size(), 0.25L);
    const std::vector<float> rn(t.x.size(), 0.25f);
    const RowMetrics m = row_metrics<float>(t.x, t.y, rn, r);
    CHECK(m.order_violations == order_violations<float>(t.x, t.y));
    CHECK(m.tie_mismatches == tie_mismatches<float>(t.x, t.y));
  }
  // A row longer than the gather's block, one violation at its very end.
  std::vector<float> x(5000), y(5000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 2500), y[i] = x[i];
  y[2499] = -1;  // the largest x, with the smallest y
  const std::vector<long double> r(x.size(), 0.25L);
  const std::vector<float> rn(x.size(), 0.25f);
  const RowMetrics m = row_metrics<float>(x, y, rn, r);
  CHECK(m.order_violations == order_violations<float>(x, y));
  CHECK(m.order_violations > 0);
  CHECK(m.tie_mismatches == 1);
}

TEST_CASE("metrics: a row's metrics", "[metrics]") {
  const std::vector<float> x = {0, 1, -200};
  const std::vector<long double> r = {0.25L + 0x1p-28L, 0.75L - 0x1p-28L, 0x1p-160L};
  const std::vector<float> rn = {0.25f, 0.75f, 0.0f};
  const std::vector<float> y = {0.25f + 0x1p-25f, 0.75f, 0x1p-149f};  // one ulp up, rounded, one subnormal up
  const RowMetrics m = row_metrics<float>(x, y, rn, r);
  CHECK(m.count_normal == 2);
  CHECK(m.count_subnormal == 1);
  CHECK(m.max_ulp_normal == Approx(1 - 0x1p-3));  // (2^-25 - 2^-28) / ulp(0.25) = 2^-25
  CHECK(m.worst_normal == 0);
  CHECK(m.max_ulp_subnormal == Approx(1 - 0x1p-11));  // (2^-149 - 2^-160) / 2^-149
  CHECK(m.not_cr == 2);
  CHECK(m.nonfinite == 0);
  CHECK(m.max_rel == Approx(0x1p11 - 1));  // the subnormal output, relatively
  CHECK(m.normwise == Approx((0x1p-25 - 0x1p-28) / (0x1p-24 * (0.75 - 0x1p-28))));
  CHECK(m.sum_error == Approx((0x1p-25 + 0x1p-149) / 0x1p-24));
  CHECK(m.order_violations == 0);

  const std::vector<float> bad = {NAN, 0.75f, -0.0f};
  CHECK(row_metrics<float>(x, bad, rn, r).nonfinite == 1);
}

TEST_CASE("metrics: Blanchard-Higham-Higham bounds", "[metrics]") {
  const std::vector<double> x = {-1, 0.5, 2, -INFINITY};
  CHECK(bound_basic<double>(x) == 3 + 3);
  CHECK(bound_shifted<double>(x) == 3 + 2 + 2 * 3.0);
}

TEST_CASE("metrics: the exact sum loses nothing across the whole double range", "[metrics]") {
  smx::metrics::ExactSum s;
  s.add(0x1p1000);
  s.add(0x1p-1074);  // smallest subnormal
  s.add(-0x1p1000);
  s.add(3 * 0x1p-1074);
  CHECK(s.value() == 4 * 0x1p-1074L);
  smx::metrics::ExactSum t;
  for (int i = 0; i < 1000; ++i) t.add(0.1);
  t.add(-100.0);
  CHECK(t.value() == 1000 * static_cast<long double>(0.1) - 100);  // exact in long double: 0.1 has 53 bits
  smx::metrics::ExactSum u;
  u.add(-1.5);
  u.add(0.25);
  CHECK(u.value() == -1.25L);
}
