// The correctly rounded reference (reference/reference.hpp), as a
// specification: published values, values computed independently with
// mpmath, exact edge cases, the two multiprecision backends against each
// other, the fast tier against the multiprecision tier, special inputs.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/multiprecision/cpp_bin_float.hpp>
#include <catch2/catch.hpp>
#include <mpfr.h>

#include "reference/ld_arith.hpp"
#include "reference/reference.hpp"
#include "reference/rounding.hpp"

namespace {

using smx::ref::Backend;
using smx::ref::Options;
using smx::ref::Stats;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
constexpr int size_divisor = 4;  // the sanitizers slow multiprecision down several times
#else
constexpr int size_divisor = 1;
#endif

constexpr double pinf = std::numeric_limits<double>::infinity();
constexpr double qnan = std::numeric_limits<double>::quiet_NaN();

// Equal as bit patterns (so +0 and -0 differ), or both NaN.
template <class T>
bool same(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::bit_cast<smx::ref::detail::bits_of<T>>(a) == std::bit_cast<smx::ref::detail::bits_of<T>>(b);
}

template <class T>
std::vector<T> to(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

template <class T>
std::vector<T> softmax_of(const std::vector<T>& x, const Options& o = {}, Stats* st = nullptr) {
  std::vector<T> y(x.size());
  const Stats s = smx::ref::softmax<T>(x, y, {}, o);
  if (st) *st = s;
  return y;
}

template <class T>
std::vector<T> log_softmax_of(const std::vector<T>& x, const Options& o = {}, Stats* st = nullptr) {
  std::vector<T> y(x.size());
  const Stats s = smx::ref::log_softmax<T>(x, y, {}, o);
  if (st) *st = s;
  return y;
}

// Every way of running the reference: the result must not depend on it.
const Options all_modes[] = {
    {Backend::mpfr, false},
    {Backend::cpp_bin_float, false},
    {Backend::mpfr, true},
    {Backend::cpp_bin_float, true},
};

std::string mode_name(const Options& o) {
  return std::string(o.backend == Backend::mpfr ? "mpfr" : "cpp_bin_float") +
         (o.force_multiprecision ? ", forced multiprecision" : ", fast tier first");
}

}  // namespace

TEST_CASE("reference: published softmax values, to their 8 printed digits") {
  struct Row {
    std::vector<double> x, y;
  };
  // The first four are published examples; the last two were computed with
  // mpmath at 300 bits from the decimal inputs.
  const Row rows[] = {
      {{4.8, 1.21, 2.385}, {0.89528266, 0.02470831, 0.08000903}},
      {{1, 2, 3}, {0.09003057, 0.24472847, 0.66524096}},
      {{0.5, 1, 1.5}, {0.18632372, 0.30719589, 0.50648039}},
      {{1.3, 5.1, 2.2, 0.7, 1.1}, {0.02019046, 0.90253769, 0.04966053, 0.01108076, 0.01653055}},
      {{8.9, -1.81, 0.2}, {0.99981113, 0.00002232, 0.00016655}},
      {{1.41, 1.051, 0.026}, {0.51309716, 0.35833390, 0.12856894}},
  };
  for (const Row& r : rows) {
    CAPTURE(r.x);
    const auto yd = softmax_of(to<double>(r.x));
    const auto yf = softmax_of(to<float>(r.x));
    for (std::size_t i = 0; i < r.x.size(); ++i) {
      CAPTURE(i);
      CHECK(std::abs(yd[i] - r.y[i]) <= 5e-9);
      // The float inputs differ from the decimal ones by up to 2^-24
      // relative, which moves these outputs by up to ~1e-6 relative.
      CHECK(std::abs(yf[i] - r.y[i]) <= 5e-9 + 1.5e-6 * r.y[i]);
    }
  }
}

namespace {

// RN of softmax, log_softmax and logsumexp of the exact input values,
// computed with mpmath 1.3 at 2000 bits (round half even by hand, with
// gradual underflow), outside this code base.
struct Exact {
  std::vector<double> x, softmax, log_softmax;
  double logsumexp;
};

const Exact exact_float[] = {
    {{0x1.333334p+2, 0x1.35c29p+0, 0x1.3147aep+1},
     {0x1.ca627ep-1, 0x1.94d222p-6, 0x1.47b788p-4},
     {-0x1.c5150ap-4, -0x1.d9adc8p+1, -0x1.434762p+1},
     0x1.3a4788p+2},
    {{1, 2, 3}, {0x1.70c3e6p-4, 0x1.f53434p-3, 0x1.549a76p-1}, {-0x1.342c6ep+1, -0x1.6858dep+0, -0x1.a16376p-2},
     0x1.b42c6ep+1},
    {{0x1.4ccccc0p+0, 0x1.466666p+2, 0x1.19999ap+1, 0x1.666666p-1, 0x1.19999ap+0},
     {0x1.4accf4p-6, 0x1.ce196cp-1, 0x1.96d1b2p-5, 0x1.6b182cp-7, 0x1.0ed62ep-6},
     {-0x1.f38696p+1, -0x1.a4060ep-4, -0x1.805362p+1, -0x1.2029b2p+2, -0x1.069018p+2},
     0x1.4cf67ep+2},
    {{0x1.1ccccc0p+3, -0x1.cf5c28p+0, 0x1.99999ap-3},
     {0x1.ffe73ep-1, 0x1.76683cp-16, 0x1.5d4a38p-13},
     {-0x1.8c20d4p-13, -0x1.56b9dep+3, -0x1.1667f2p+3},
     0x1.1cce58p+3},
    {{0x1.68f5c2p+0, 0x1.0d0e56p+0, 0x1.a9fbe8p-6},
     {0x1.06b4acp-1, 0x1.6eef16p-2, 0x1.074f26p-3},
     {-0x1.55a70cp-1, -0x1.06baf2p+0, -0x1.0690acp+1},
     0x1.09e4a4p+1},
    {{0, -87.5}, {1, 0x1.b2cafp-127}, {-0x1.b2cafp-127, -87.5}, 0x1.b2cafp-127},
    {{0, -103}, {1, 0x1p-149}, {-0x1p-149, -103}, 0x1p-149},
    {{-1, -1}, {0.5, 0.5}, {-0x1.62e43p-1, -0x1.62e43p-1}, -0x1.3a37ap-2},
    {{10000.5, 10000, 9996.75},
     {0x1.3a19e2p-1, 0x1.7d061ep-2, 0x1.d8c3cap-7},
     {-0x1.f4561ap-2, -0x1.fa2b0ep-1, -0x1.0f4562p+2},
     0x1.3887e8p+13},
    {{-745, 0, -0x1.74999ap+9, -0x1.623334p+9}, {0, 1, 0, 0}, {-745, -0.0, -0x1.74999ap+9, -0x1.623334p+9}, 0.0},
    {{3, 3, -20}, {0.5, 0.5, 0x1.c3527ep-35}, {-0x1.62e43p-1, -0x1.62e43p-1, -0x1.7b1722p+4}, 0x1.d8b90cp+1},
};

const Exact exact_double[] = {
    {{4.8, 1.21, 2.385},
     {0x1.ca627d44be90cp-1, 0x1.94d2266464ca8p-6, 0x1.47b78c40f2478p-4},
     {-0x1.c5150eaa627aap-4, -0x1.d9adc72da4ff5p+1, -0x1.434760c73e98fp+1},
     0x1.3a47876ddcbd2p+2},
    {{1, 2, 3},
     {0x1.70c3e5f682bdap-4, 0x1.f534335ca4bcfp-3, 0x1.549a766a06791p-1},
     {-0x1.342c6ea778b93p+1, -0x1.6858dd4ef1727p+0, -0x1.a163753bc5c9bp-2},
     0x1.b42c6ea778b93p+1},
    {{0.5, 1, 1.5},
     {0x1.7d974acdcab15p-3, 0x1.3a918eea81bebp-2, 0x1.035165d74c745p-1},
     {-0x1.ae262733ddefep+0, -0x1.2e262733ddefep+0, -0x1.5c4c4e67bbdfcp-1},
     0x1.17131399eef7fp+1},
    {{1.3, 5.1, 2.2, 0.7, 1.1},
     {0x1.4accf26deb1e2p-6, 0x1.ce196b83779a2p-1, 0x1.96d1adf6779a2p-5, 0x1.6b182b2aacff4p-7,
      0x1.0ed62ba0dbea1p-6},
     {-0x1.f38696c5c9704p+1, -0x1.a4060bec613d7p-4, -0x1.80536392963d1p+1, -0x1.2029b1c94b1e9p+2,
      -0x1.0690182fb184fp+2},
     0x1.4cf67e9617eb5p+2},
    {{8.9, -1.81, 0.2},
     {0x1.ffe73e8ca960ep-1, 0x1.7668313f12b5bp-16, 0x1.5d4a2f4210021p-13},
     {-0x1.8c20c91837131p-13, -0x1.56b9de0c4e36fp+3, -0x1.1667f2872f7eap+3},
     0x1.1cce58ed95e50p+3},
    {{1.41, 1.051, 0.026},
     {0x1.06b4abe83ab5fp-1, 0x1.6eef14e983105p-2, 0x1.074f268c0f079p-3},
     {-0x1.55a70a8819eb8p-1, -0x1.06baf1cf508b4p+0, -0x1.0690ac1adb78dp+1},
     0x1.09e4a3e9b48f6p+1},
    {{0, -87.5}, {1, 0x1.b2caeeaab824ap-127}, {-0x1.b2caeeaab824ap-127, -87.5}, 0x1.b2caeeaab824ap-127},
    {{-1, -1}, {0.5, 0.5}, {-0x1.62e42fefa39efp-1, -0x1.62e42fefa39efp-1}, -0x1.3a37a020b8c22p-2},
    {{10000.5, 10000, 9996.75},
     {0x1.3a19e1cceba8fp-1, 0x1.7d061e1aa2158p-2, 0x1.d8c3c970d3142p-7},
     {-0x1.f4561aa5cbb09p-2, -0x1.fa2b0d52e5d84p-1, -0x1.0f4561aa5cbb1p+2},
     0x1.3887e8ac354b9p+13},
    // Subnormal outputs, one of them the smallest subnormal.
    {{-745, 0, -745.2, -708.4},
     {0x0.0000000000001p-1022, 1, 0, 0x0.ff15b469edf89p-1022},
     {-745, -0x0.ff15b469edf8ap-1022, -745.2, -708.4},
     0x0.ff15b469edf8ap-1022},
    {{3, 3, -20},
     {0x1.ffffffff8f2b6p-2, 0x1.ffffffff8f2b6p-2, 0x1.c3527e42dc35ap-35},
     {-0x1.62e42ff014739p-1, -0x1.62e42ff014739p-1, -0x1.7b17217f80a3ap+4},
     0x1.d8b90bfc051cep+1},
    // softmax_0 = 1/(1 + 2^-54 (1 + ~2^-48)): 2^-102 above the midpoint
    // 1 - 2^-54, beyond the fast tier's resolution (see the stats test).
    {{0, -0x1.2b708872320e2p+5},
     {1, 0x1.ffffffffffff5p-55},
     {-0x1.ffffffffffff5p-55, -0x1.2b708872320e2p+5},
     0x1.ffffffffffff5p-55},
};

template <class T>
void check_exact(const Exact* table, std::size_t count) {
  for (const Options& o : all_modes) {
    CAPTURE(mode_name(o));
    for (std::size_t r = 0; r < count; ++r) {
      const Exact& e = table[r];
      CAPTURE(e.x);
      const auto x = to<T>(e.x);
      const auto sm = softmax_of(x, o);
      const auto ls = log_softmax_of(x, o);
      for (std::size_t i = 0; i < x.size(); ++i) {
        CAPTURE(i, sm[i], ls[i]);
        CHECK(same(sm[i], static_cast<T>(e.softmax[i])));
        CHECK(same(ls[i], static_cast<T>(e.log_softmax[i])));
      }
      CHECK(same(smx::ref::logsumexp<T>(x, o), static_cast<T>(e.logsumexp)));
    }
  }
}

}  // namespace

TEST_CASE("reference: equals RN of the exact value, computed independently with mpmath") {
  SECTION("float") { check_exact<float>(exact_float, std::size(exact_float)); }
  SECTION("double") { check_exact<double>(exact_double, std::size(exact_double)); }
}

TEST_CASE("reference: float outputs at the edge of underflow") {
  for (const Options& o : all_modes) {
    CAPTURE(mode_name(o));
    // exp(-87.5) is subnormal in float: rounded once, on the 2^-149 grid.
    const auto a = softmax_of<float>({0, -87.5f}, o);
    CHECK(same(a[1], 9.9823509e-39f));
    CHECK(same(a[1], 0x1.b2cafp-127f));
    // exp(-103) = 1.32 * 2^-149 rounds to the smallest subnormal.
    CHECK(same(softmax_of<float>({0, -103}, o)[1], 0x1p-149f));
    // exp(-104) = 0.49 * 2^-149 rounds to +0.
    CHECK(same(softmax_of<float>({0, -104}, o)[1], 0.0f));
  }
}

TEMPLATE_TEST_CASE("reference: a row of n equal values gives RN(1/n) and RN(-log n)", "", float, double) {
  using T = TestType;
  for (std::size_t n = 1; n <= 100; ++n) {
    CAPTURE(n);
    const std::vector<T> x(n, T(0.75));
    Stats st;
    const T r = softmax_of(x, {}, &st)[n - 1];
    CHECK(st.special == n);
    // |r - 1/n| < ulp(r)/2 <=> |r n - 1| < n ulp(r)/2: exact in long double
    // (r has at most 53 bits, n at most 7). Never a tie: 1/n has no finite
    // binary expansion unless n is a power of two, and then it is exact.
    const long double ulp = std::nextafter(r, T(2)) - r;
    CHECK(std::abs(static_cast<long double>(r) * n - 1) < n * ulp / 2);
    const T l = log_softmax_of(x)[0];
    if (n == 1) {
      CHECK(same(l, T(0)));
    } else {
      // logl is within an ulp of long double: far below ulp(l)/2 of T.
      const long double d = std::abs(static_cast<long double>(l) + std::log(static_cast<long double>(n)));
      CHECK(d < (std::nextafter(l, T(0)) - l) / 2 * (1 + 0x1p-8L));
    }
  }
}

namespace {

// Rows covering the regimes the reference has to get right, deterministic.
template <class T>
std::vector<std::vector<T>> agreement_rows(int divisor) {
  std::mt19937_64 g(20240611);
  std::vector<std::vector<T>> rows;
  auto normal = [&](int count, std::size_t n, double scale, double offset) {
    std::normal_distribution<double> N(0, scale);
    for (int r = 0; r < count / divisor; ++r) {
      std::vector<T> x(n);
      for (auto& v : x) v = static_cast<T>(offset + N(g));
      rows.push_back(std::move(x));
    }
  };
  normal(150, 100, 0.1, 0);
  normal(150, 100, 1, 0);
  normal(150, 100, 10, 0);
  normal(150, 100, 100, 0);
  normal(2, 5000, 3, 0);   // deeper summation trees
  normal(100, 100, 0.01, 1e4);  // huge offset, small spread
  // Over exp's whole range and past it: normal, subnormal and zero outputs
  // (float: d in [-104, -87] is subnormal).
  const double span = sizeof(T) == 4 ? 110 : 760;
  std::uniform_real_distribution<double> U(-span, 0);
  for (int r = 0; r < 100 / divisor; ++r) {
    std::vector<T> x(100);
    for (auto& v : x) v = static_cast<T>(U(g));
    x[0] = 0;
    rows.push_back(std::move(x));
  }
  // Adjacent representable values.
  for (int r = 0; r < 100 / divisor; ++r) {
    std::vector<T> x(64);
    T v = static_cast<T>(U(g) / 10);
    for (auto& e : x) {
      e = v;
      v = std::nextafter(v, T(1e9));
    }
    rows.push_back(std::move(x));
  }
  // Ties: few distinct values, many repeats.
  std::uniform_int_distribution<int> pick(-3, 3);
  for (int r = 0; r < 100 / divisor; ++r) {
    std::vector<T> x(100);
    for (auto& v : x) v = static_cast<T>(pick(g) * 0.5);
    rows.push_back(std::move(x));
  }
  // Differences at the thresholds of exp (overflow, smallest normal,
  // smallest subnormal, half of it), give or take a few ulps.
  const std::vector<double> th = sizeof(T) == 4 ? std::vector<double>{-88.7228, -87.3365, -103.2789, -103.9721}
                                                 : std::vector<double>{-709.7827, -708.3964, -744.4401, -745.1332};
  std::uniform_int_distribution<int> jitter(-40, 40);
  for (int r = 0; r < 1000 / divisor; ++r) {
    std::vector<T> x{0};
    for (const double t : th) {
      T v = static_cast<T>(t);
      for (int k = jitter(g); k != 0; k += k > 0 ? -1 : 1) v = std::nextafter(v, k > 0 ? T(0) : T(-1e9));
      x.push_back(v);
      x.push_back(static_cast<T>(v - 1));
    }
    rows.push_back(std::move(x));
  }
  return rows;
}

template <class T>
std::size_t total(const std::vector<std::vector<T>>& rows) {
  std::size_t n = 0;
  for (const auto& r : rows) n += r.size();
  return n;
}

}  // namespace

TEMPLATE_TEST_CASE("reference: the mpfr and cpp_bin_float backends agree bit for bit", "", float, double) {
  using T = TestType;
  const auto rows = agreement_rows<T>(size_divisor);
  REQUIRE(total(rows) >= 100000u / size_divisor);
  const Options mpfr{Backend::mpfr, true}, bin{Backend::cpp_bin_float, true};
  std::size_t mismatches = 0, fallback = 0;
  for (const auto& x : rows) {
    Stats sa, sb;
    const auto a = softmax_of(x, mpfr, &sa);
    const auto b = softmax_of(x, bin, &sb);
    fallback += sa.fallback;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!same(a[i], b[i])) {
        ++mismatches;
        UNSCOPED_INFO("softmax row of " << x.size() << ", i = " << i << ": " << a[i] << " vs " << b[i]);
      }
  }
  // Most outputs really went through multiprecision (the rest are exact 0s).
  CHECK(fallback > total(rows) / 2);
  // log_softmax on a subset (every fourth row).
  for (std::size_t r = 0; r < rows.size(); r += 4) {
    const auto a = log_softmax_of(rows[r], mpfr);
    const auto b = log_softmax_of(rows[r], bin);
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i])) {
        ++mismatches;
        UNSCOPED_INFO("log_softmax row " << r << ", i = " << i << ": " << a[i] << " vs " << b[i]);
      }
    CHECK(same(smx::ref::logsumexp<T>(rows[r], mpfr), smx::ref::logsumexp<T>(rows[r], bin)));
  }
  CHECK(mismatches == 0);
}

TEMPLATE_TEST_CASE("reference: the fast tier agrees with the multiprecision tier bit for bit", "", float, double) {
  // The fast tier's error bound is what makes this hold: a bound that is
  // too small would let it round some output the other way.
  using T = TestType;
  const auto rows = agreement_rows<T>(size_divisor);
  const Options fast{Backend::mpfr, false}, mp{Backend::mpfr, true};
  std::size_t mismatches = 0;
  for (const auto& x : rows) {
    const auto a = softmax_of(x, fast);
    const auto b = softmax_of(x, mp);
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!same(a[i], b[i])) {
        ++mismatches;
        UNSCOPED_INFO("softmax row of " << x.size() << ", i = " << i << ": " << a[i] << " vs " << b[i]);
      }
  }
  for (std::size_t r = 0; r < rows.size(); r += 4) {
    const auto a = log_softmax_of(rows[r], fast);
    const auto b = log_softmax_of(rows[r], mp);
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i])) {
        ++mismatches;
        UNSCOPED_INFO("log_softmax row " << r << ", i = " << i << ": " << a[i] << " vs " << b[i]);
      }
    CHECK(same(smx::ref::logsumexp<T>(rows[r], fast), smx::ref::logsumexp<T>(rows[r], mp)));
  }
  CHECK(mismatches == 0);
}

TEMPLATE_TEST_CASE("reference: a long row (exponentials computed again, not stored) gives what a short one does",
                   "", float, double) {
  // Past 2^20 entries the fast tier recomputes each exponential for its
  // quotient instead of storing it. -inf entries add exactly 0 to the sum,
  // so the finite entries of a long row spread among -inf ones must come out
  // bit for bit as the same entries alone in a short row (stored path).
  using T = TestType;
  const std::vector<T> finite = {T(0.5), T(-3), T(2.25), T(2.25), T(-40), T(1) / 3, T(-0.0)};
  const std::size_t n = (std::size_t{1} << 20) + 3;
  std::vector<T> x(n, -std::numeric_limits<T>::infinity());
  std::vector<std::size_t> at;
  for (std::size_t k = 0; k < finite.size(); ++k) at.push_back(k * (n / finite.size()) + 1);
  for (std::size_t k = 0; k < finite.size(); ++k) x[at[k]] = finite[k];
  std::vector<T> y(n), y_short(finite.size());
  std::vector<long double> v(n), v_short(finite.size());
  smx::ref::softmax<T>(x, y, v);
  smx::ref::softmax<T>(finite, y_short, v_short);
  for (std::size_t k = 0; k < finite.size(); ++k) {
    CAPTURE(k);
    CHECK(same(y[at[k]], y_short[k]));
    CHECK(v[at[k]] == v_short[k]);
  }
  CHECK(std::count(y.begin(), y.end(), T(0)) == static_cast<std::ptrdiff_t>(n - finite.size()));
}

TEMPLATE_TEST_CASE("reference: the fast tier decides almost every output", "", float, double) {
  using T = TestType;
  std::mt19937_64 g(5);
  std::normal_distribution<double> N(0, 1);
  std::vector<T> x(32000 / size_divisor);
  Stats total;
  for (int r = 0; r < 4; ++r) {
    for (auto& v : x) v = static_cast<T>(N(g));
    std::vector<T> y(x.size());
    const Stats s = smx::ref::softmax<T>(x, y);
    total.fast += s.fast;
    total.fallback += s.fallback;
  }
  CHECK(total.fast + total.fallback == 4 * x.size());
  CHECK(total.fallback * 1000 <= total.fast);  // < 0.1 %
}

TEST_CASE("reference: outputs the fast tier cannot decide are decided in multiprecision") {
  // log_softmax of the max in [0, d], d in [-7.5, -6], is -log1p(e^d) ~ -0.002,
  // where the fast tier's bound is ~2^-68 relative: about one row in 2^15
  // lands that close to a rounding boundary. Search until some do.
  std::mt19937_64 g(29);
  std::uniform_real_distribution<double> U(-7.5, -6);
  std::size_t deferred = 0;
  for (int r = 0; r < 2000000 && deferred < 3; ++r) {
    const std::vector<double> x{0, U(g)};
    Stats st;
    const auto y = log_softmax_of(x, {}, &st);
    if (st.fallback == 0) continue;
    ++deferred;
    CAPTURE(x);
    CHECK(st.max_precision_bits >= 128);
    for (const Options& o : all_modes) {
      const auto z = log_softmax_of(x, o);
      CHECK(same(y[0], z[0]));
      CHECK(same(y[1], z[1]));
    }
  }
  CHECK(deferred == 3);
}

TEMPLATE_TEST_CASE("reference: log_softmax and logsumexp", "", float, double) {
  using T = TestType;
  SECTION("logsumexp of two zeros is RN(log 2)") {
    const T ln2 = std::is_same_v<T, float> ? T(0x1.62e43p-1f) : T(0x1.62e42fefa39efp-1);
    CHECK(same(smx::ref::logsumexp<T>(std::vector<T>{0, 0}), ln2));
  }
  SECTION("logsumexp of a single value is that value") {
    for (const T v : {T(0), T(-0.0), T(1.5), T(-3e4), std::numeric_limits<T>::denorm_min(),
                      std::numeric_limits<T>::max(), std::numeric_limits<T>::lowest()})
      CHECK(same(smx::ref::logsumexp<T>(std::vector<T>{v}), v));
  }
  SECTION("logsumexp with cancellation: log 2 - RN(log 2)") {
    const T a = std::is_same_v<T, float> ? T(0x1.62e43p-1f) : T(0x1.62e42fefa39efp-1);
    const T want = std::is_same_v<T, float> ? T(-0x1.05c61p-29f) : T(0x1.abc9e3b39803fp-56);
    for (const Options& o : all_modes) {
      CAPTURE(mode_name(o));
      CHECK(same(smx::ref::logsumexp<T>(std::vector<T>{-a, -a}, o), want));
      CHECK(same(smx::ref::logsumexp<T>(std::vector<T>{-a, -a, T(-200)}, o), want));
    }
  }
  SECTION("log_softmax is log of softmax") {
    using L = std::numeric_limits<T>;
    std::mt19937_64 g(11);
    std::normal_distribution<double> N(0, 4);
    for (int r = 0; r < 50; ++r) {
      std::vector<T> x(37);
      for (auto& v : x) v = static_cast<T>(N(g));
      std::vector<T> sm(x.size()), ls(x.size());
      std::vector<long double> smv(x.size()), lsv(x.size());
      smx::ref::softmax<T>(x, sm, smv);
      smx::ref::log_softmax<T>(x, ls, lsv);
      for (std::size_t i = 0; i < x.size(); ++i) {
        // log of a long double near 1 has no relative accuracy left: skip.
        if (smv[i] > 0.999L) continue;
        const long double l = std::log(smv[i]);
        CHECK(std::abs(lsv[i] - l) <= 0x1p-58L * std::abs(l));  // the long double values agree
        const long double ulp = std::max(std::abs(static_cast<long double>(std::nextafter(ls[i], T(0)) - ls[i])),
                                         std::abs(static_cast<long double>(std::nextafter(ls[i], -L::infinity()) - ls[i])));
        CHECK(std::abs(static_cast<long double>(ls[i]) - l) <= ulp / 2 * (1 + 0x1p-20L));
      }
    }
  }
}

TEST_CASE("reference: value holds the exact softmax to long double accuracy") {
  const std::vector<double> x{1, 2, 3};
  std::vector<double> y(3);
  std::vector<long double> v(3);
  smx::ref::softmax<double>(x, y, v);
  const long double exact[] = {0.0900305731703804579980221014845L, 0.244728471054797652472959618341L,
                               0.665240955774821889529018280175L};
  for (int i = 0; i < 3; ++i) CHECK(std::abs(v[i] - exact[i]) <= 0x1p-60L * exact[i]);
}

TEMPLATE_TEST_CASE("reference: special inputs get the mathematical answer", "", float, double) {
  using T = TestType;
  const T ln2 = std::is_same_v<T, float> ? T(0x1.62e43p-1f) : T(0x1.62e42fefa39efp-1);
  const T third = std::is_same_v<T, float> ? T(0x1.555556p-2f) : T(0x1.5555555555555p-2);
  const T ln3 = std::is_same_v<T, float> ? T(0x1.193ea8p+0f) : T(0x1.193ea7aad030bp+0);
  const T lse22 = std::is_same_v<T, float> ? T(0x1.58b90cp+1f) : T(0x1.58b90bfbe8e7cp+1);  // 2 + log 2
  struct Case {
    const char* what;
    std::vector<double> x, softmax, log_softmax;
    double logsumexp;
  };
  const Case cases[] = {
      {"a NaN makes the whole row NaN", {qnan, 1, 2}, {qnan, qnan, qnan}, {qnan, qnan, qnan}, qnan},
      {"+pinf and NaN: NaN", {pinf, qnan}, {qnan, qnan}, {qnan, qnan}, qnan},
      {"k +pinf entries share the mass: 1/k", {1, pinf, 2, pinf}, {0, 0.5, 0, 0.5}, {-pinf, -ln2, -pinf, -ln2}, pinf},
      {"three +pinf", {pinf, pinf, pinf}, {third, third, third}, {-ln3, -ln3, -ln3}, pinf},
      {"one +pinf takes everything", {-pinf, pinf, 1}, {0, 1, 0}, {-pinf, 0, -pinf}, pinf},
      {"all -pinf is undefined: NaN", {-pinf, -pinf}, {qnan, qnan}, {qnan, qnan}, -pinf},
      {"-pinf entries among finite ones are exactly 0", {-pinf, 3, -pinf}, {0, 1, 0}, {-pinf, 0, -pinf}, 3},
      {"-pinf with equal finite entries", {-pinf, 2, 2}, {0, 0.5, 0.5}, {-pinf, -ln2, -ln2}, lse22},
      {"a single finite entry", {5}, {1}, {0}, 5},
      {"an empty row", {}, {}, {}, -pinf},
  };
  for (const Options& o : all_modes) {
    CAPTURE(mode_name(o));
    for (const Case& c : cases) {
      CAPTURE(c.what);
      const auto x = to<T>(c.x);
      Stats s1, s2;
      const auto sm = softmax_of(x, o, &s1);
      const auto ls = log_softmax_of(x, o, &s2);
      CHECK(s1.special == x.size());
      CHECK(s2.special == x.size());
      for (std::size_t i = 0; i < x.size(); ++i) {
        CAPTURE(i);
        CHECK(same(sm[i], static_cast<T>(c.softmax[i])));
        CHECK(same(ls[i], static_cast<T>(c.log_softmax[i])));
      }
      CHECK(same(smx::ref::logsumexp<T>(x, o), static_cast<T>(c.logsumexp)));
    }
  }
  SECTION("extreme finite rows stay finite where the exact value is") {
    const T big = std::numeric_limits<T>::max();
    const auto sm = softmax_of<T>({big, -big});
    CHECK(same(sm[0], T(1)));
    CHECK(same(sm[1], T(0)));
    const auto ls = log_softmax_of<T>({big, -big});
    CHECK(same(ls[0], T(-0.0)));  // -log1p(e^-2max): negative, rounds to -0
    CHECK(same(ls[1], -std::numeric_limits<T>::infinity()));  // -2 max overflows: RN is -pinf
    CHECK(same(smx::ref::logsumexp<T>(std::vector<T>{big, big}), big));  // max + log 2 rounds to max
  }
  SECTION("in place: rounded may alias x") {
    std::vector<T> x{1, 2, 3};
    smx::ref::softmax<T>(x, x);
    const auto want = softmax_of<T>({1, 2, 3});
    for (int i = 0; i < 3; ++i) CHECK(same(x[i], want[i]));
  }
}

TEST_CASE("reference: concurrent calls from several threads agree with serial ones") {
  std::mt19937_64 g(3);
  std::normal_distribution<double> N(0, 5);
  std::vector<std::vector<double>> rows(16, std::vector<double>(200));
  for (auto& r : rows)
    for (auto& v : r) v = N(g);
  auto run = [&](const Options& o) {
    std::vector<std::vector<double>> out;
    for (const auto& r : rows) out.push_back(softmax_of(r, o));
    return out;
  };
  for (const Options& o : all_modes) {
    CAPTURE(mode_name(o));
    const auto serial = run(o);
    std::vector<std::vector<std::vector<double>>> par(4);
    std::vector<std::thread> threads;
    for (auto& p : par) threads.emplace_back([&p, &run, &o] { p = run(o); });
    for (auto& t : threads) t.join();
    for (const auto& p : par) CHECK(p == serial);
  }
}

TEST_CASE("reference: the fast tier's exp kernel is within its error bound") {
  using namespace smx::ref::detail;
  const ExpTable& tb = exp_table();
  mpfr_t a, e, v, t;
  mpfr_inits2(256, a, e, v, t, static_cast<mpfr_ptr>(nullptr));
  std::mt19937_64 g(17);
  std::uniform_real_distribution<double> U(-1, 1);
  double worst = 0, worst_m1 = 0;  // as fractions of the stated bounds
  auto rel_error = [&](LdPair r) {  // |r - e| / e
    mpfr_set_ld(v, r.hi, MPFR_RNDN);
    mpfr_set_ld(t, r.lo, MPFR_RNDN);
    mpfr_add(v, v, t, MPFR_RNDN);
    mpfr_sub(v, v, e, MPFR_RNDN);
    mpfr_div(v, v, e, MPFR_RNDN);
    return std::abs(mpfr_get_d(v, MPFR_RNDN));
  };
  for (int i = 0; i < 200000 / size_divisor; ++i) {
    const double scale[] = {static_cast<double>(exp_pair_max_arg), 750, 30, 0.002, 1e-9};
    const long double xh = scale[i % 5] * U(g);
    const long double xl = xh == 0 ? 0 : std::ldexp(static_cast<long double>(U(g)), std::ilogb(xh) - 64);
    mpfr_set_ld(a, xh, MPFR_RNDN);
    mpfr_set_ld(t, xl, MPFR_RNDN);
    mpfr_add(a, a, t, MPFR_RNDN);  // exact at 256 bits
    mpfr_exp(e, a, MPFR_RNDN);
    worst = std::max(worst, rel_error(exp_pair(xh, xl, tb)) / static_cast<double>(exp_pair_eta));
    if (std::abs(xh) < expm1_small_max_arg) {
      mpfr_expm1(e, a, MPFR_RNDN);
      worst_m1 = std::max(worst_m1, rel_error(expm1_small(xh, xl)) / static_cast<double>(expm1_small_eta(xh)));
    }
  }
  mpfr_clears(a, e, v, t, static_cast<mpfr_ptr>(nullptr));
  // The bounds claim a margin of 4x or more over the analysis; keep 2x of it.
  CHECK(worst <= 0.5);
  CHECK(worst_m1 <= 0.5);
}

TEMPLATE_TEST_CASE("reference: multiprecision rounding to T matches the hardware's on long doubles", "", float,
                   double) {
  // The x87 store rounds a long double to float/double once, correctly,
  // subnormals included: an independent check of round_to_T and decide.
  using T = TestType;
  using Num = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<128>>;
  using L = std::numeric_limits<T>;
  std::mt19937_64 g(23);
  std::uniform_int_distribution<int> ex(L::min_exponent - L::digits - 4, L::max_exponent + 1);
  std::uniform_real_distribution<long double> f(0.5L, 1);
  std::uniform_int_distribution<int> coin(0, 3);
  for (int i = 0; i < 100000 / size_divisor; ++i) {
    long double y = std::ldexp(f(g), ex(g));
    if (coin(g) == 0) {  // an exact midpoint between two neighbours in T
      const T c = static_cast<T>(y);
      if (std::isfinite(c) && std::isfinite(std::nextafter(c, L::infinity())))
        y = (static_cast<long double>(c) + std::nextafter(c, L::infinity())) / 2;
    }
    if (coin(g) == 1) y = -y;
    // (Random long doubles are double midpoints one time in 2^10 too.)
    const T c = static_cast<T>(y);
    const bool midpoint = std::isfinite(c) && c != y &&
                          (static_cast<long double>(c) + std::nextafter(c, static_cast<T>(y > c ? L::infinity() : -L::infinity()))) / 2 == y;
    CAPTURE(y);
    const T want = static_cast<T>(y);
    CHECK(same(smx::ref::detail::round_to_T<T>(Num(y)), want));
    // decide() with a zero error bound: decided unless y is exactly a
    // midpoint (an exact tie never arises from a transcendental value).
    const auto d = smx::ref::detail::decide<T, Num>(Num(y), Num(0), Num(0), Num(0), Num(0), 0, 0, Num(0x1p-128));
    CHECK(d.decided == !midpoint);
    if (d.decided) CHECK(same(d.value, want));
  }
}

TEMPLATE_TEST_CASE("reference: decide() never claims a rounding its interval does not determine", "", float,
                   double) {
  // Values placed near rounding boundaries (midpoints, zero, overflow) with
  // small corrections and error bounds; the exact interval ends are rounded
  // at 256 bits. decide() may give up, but when it decides, both ends must
  // round to its answer.
  using T = TestType;
  using Num = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<256>>;
  using L = std::numeric_limits<T>;
  using smx::ref::detail::decide;
  using smx::ref::detail::round_to_T;
  std::mt19937_64 g(31);
  std::uniform_int_distribution<int> ex(L::min_exponent - L::digits - 2, L::max_exponent);
  std::uniform_real_distribution<long double> f(0.5L, 1);
  std::uniform_int_distribution<int> k(-4, 4), scale(0, 80), coin(0, 5);
  std::size_t decided = 0, n = 50000 / size_divisor;
  for (std::size_t i = 0; i < n; ++i) {
    const T c = static_cast<T>(std::ldexp(f(g), ex(g)));
    const T nb = std::nextafter(c, L::infinity());
    long double A = coin(g) == 0 ? 0.0L : (static_cast<long double>(c) + nb) / 2;  // a midpoint (or zero)
    if (std::isinf(nb)) A = static_cast<long double>(c) + (static_cast<long double>(c) - std::nextafter(c, T(0))) / 2;
    const long double a_ulp = A == 0 ? 0x1p-16440L : std::abs(A) * 0x1p-63L;
    A += k(g) * a_ulp;
    if (coin(g) == 1) A = -A;
    const long double B = std::ldexp(static_cast<long double>(k(g)), std::ilogb(a_ulp) - scale(g));
    const long double Ch = coin(g) < 2 ? std::ldexp(static_cast<long double>(k(g)), std::ilogb(a_ulp) - scale(g)) : 0;
    const long double err = std::abs(std::ldexp(static_cast<long double>(k(g)), std::ilogb(a_ulp) - scale(g) / 10));
    const auto d = decide<T, long double>(A, B, Ch, 0.0L, err, 0, 0, smx::ref::detail::ld_u);
    if (!d.decided) continue;
    ++decided;
    const Num y = Num(A) + Num(B) + Num(Ch);
    const T lo = round_to_T<T>(Num(y - Num(err))), hi = round_to_T<T>(Num(y + Num(err)));
    CAPTURE(A, B, Ch, err, d.value, lo, hi);
    CHECK(lo == d.value);  // equal values; the sign of a zero result is checked elsewhere
    CHECK(hi == d.value);
  }
  // Both outcomes occur: the cases are close to the boundaries.
  CHECK(decided > n / 10);
  CHECK(decided < n * 9 / 10);
}
