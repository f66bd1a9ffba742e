// The reference for the operations beyond softmax, as a specification: the
// cross-entropy loss and gradient (the target element 1 - p_t decided on its
// own) and the softmax backward pass, against values computed independently
// with MPFR at high precision, across the two backends and the two tiers,
// and on special inputs.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <catch2/catch.hpp>
#include <mpfr.h>

#include "reference/reference.hpp"
#include "reference/rounding.hpp"

namespace {

using smx::ref::Backend;
using smx::ref::Options;

template <class T>
bool same(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::bit_cast<smx::ref::detail::bits_of<T>>(a) == std::bit_cast<smx::ref::detail::bits_of<T>>(b);
}

// An MPFR number; by default wide enough for every exact dot product of
// doubles (products span 2^-2148 .. 2^2048).
struct Mp {
  mpfr_t v;
  explicit Mp(mpfr_prec_t bits = 4600) { mpfr_init2(v, bits); mpfr_set_zero(v, 1); }
  ~Mp() { mpfr_clear(v); }
  Mp(const Mp&) = delete;
  Mp& operator=(const Mp&) = delete;
};

// MPFR's conversions round once, correctly, into the subnormal range too.
template <class T>
T round_mp(const Mp& a) {
  if constexpr (sizeof(T) == 4) return mpfr_get_flt(a.v, MPFR_RNDN);
  else return mpfr_get_d(a.v, MPFR_RNDN);
}

// loss = log(sum exp(x_j - x_t)); 1 - p_t = sum_{j != t} exp(x_j - m) / sum_j exp(x_j - m).
// 320 bits: these rows' values are nowhere near that close to a rounding boundary.
template <class T>
void mp_cross_entropy(const std::vector<T>& x, std::size_t t, T& loss, T& complement) {
  constexpr mpfr_prec_t bits = 320;
  Mp s(bits), rest(bits), e(bits), d(bits);
  T m = x[0];
  for (T v : x) m = std::max(m, v);
  for (std::size_t j = 0; j < x.size(); ++j) {
    mpfr_set_d(d.v, static_cast<double>(x[j]), MPFR_RNDN);
    mpfr_sub_d(d.v, d.v, static_cast<double>(m), MPFR_RNDN);
    mpfr_exp(e.v, d.v, MPFR_RNDN);
    mpfr_add(s.v, s.v, e.v, MPFR_RNDN);
    if (j != t) mpfr_add(rest.v, rest.v, e.v, MPFR_RNDN);
  }
  Mp l(bits), c(bits);
  mpfr_log(l.v, s.v, MPFR_RNDN);
  mpfr_set_d(d.v, static_cast<double>(x[t]), MPFR_RNDN);
  mpfr_sub_d(d.v, d.v, static_cast<double>(m), MPFR_RNDN);
  mpfr_sub(l.v, l.v, d.v, MPFR_RNDN);
  loss = round_mp<T>(l);
  mpfr_div(c.v, rest.v, s.v, MPFR_RNDN);
  complement = round_mp<T>(c);
}

// Exact at 4600 bits: every product and sum of these doubles is representable.
template <class T>
std::vector<T> mp_backward(const std::vector<T>& y, const std::vector<T>& dy) {
  Mp s, p, t;
  for (std::size_t j = 0; j < y.size(); ++j) {
    mpfr_set_d(p.v, static_cast<double>(y[j]), MPFR_RNDN);
    mpfr_mul_d(p.v, p.v, static_cast<double>(dy[j]), MPFR_RNDN);
    mpfr_add(s.v, s.v, p.v, MPFR_RNDN);
  }
  std::vector<T> dx(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) {
    mpfr_set_d(t.v, static_cast<double>(dy[i]), MPFR_RNDN);
    mpfr_sub(t.v, t.v, s.v, MPFR_RNDN);
    mpfr_mul_d(t.v, t.v, static_cast<double>(y[i]), MPFR_RNDN);
    dx[i] = round_mp<T>(t);
  }
  return dx;
}

// Rows where the target's probability is anything from ~1 (tiny loss, the
// complement far below u) to ~0, and spreads from ties to exp's whole range.
template <class T>
std::vector<std::vector<T>> logit_rows() {
  std::mt19937_64 g(7);
  std::vector<std::vector<T>> rows;
  for (const double scale : {0.01, 1.0, 10.0, 100.0})
    for (const std::size_t n : {std::size_t{2}, std::size_t{3}, std::size_t{10}, std::size_t{100}, std::size_t{1000}}) {
      std::normal_distribution<double> N(0, scale);
      std::vector<T> x(n);
      for (auto& v : x) v = static_cast<T>(N(g));
      rows.push_back(x);
      x[n / 2] = static_cast<T>(x[n / 2] + 40);  // a dominant logit: p ~ 1 - e^-40
      rows.push_back(x);
    }
  rows.push_back({T(0), T(-30)});
  rows.push_back({T(1e4), T(1e4 + 1), T(1e4 - 3)});
  rows.push_back({T(0), T(-100), T(-100), T(-90)});
  return rows;
}

template <class T>
std::vector<std::size_t> targets(const std::vector<T>& x) {
  std::size_t hi = 0, lo = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i] > x[hi]) hi = i;
    if (x[i] < x[lo]) lo = i;
  }
  return {hi, lo, x.size() / 3};
}

template <class T>
smx::ref::Loss<T> ce(const std::vector<T>& x, std::size_t t, std::vector<T>& grad, const Options& o = {}) {
  grad.assign(x.size(), T(0));
  return smx::ref::cross_entropy<T>(x, t, grad, {}, o);
}

}  // namespace

TEMPLATE_TEST_CASE("reference: cross-entropy loss and gradient equal RN of the exact values (MPFR)", "", float, double) {
  using T = TestType;
  std::size_t checked = 0;
  for (const auto& x : logit_rows<T>())
    for (const std::size_t t : targets(x)) {
      std::vector<T> grad;
      const auto got = ce(x, t, grad);
      T loss, complement;
      mp_cross_entropy(x, t, loss, complement);
      INFO("n = " << x.size() << ", target " << t);
      CHECK(same(got.rounded, loss));
      CHECK(same(grad[t], complement == 0 ? T(0) : T(-complement)));
      std::vector<T> p(x.size());
      smx::ref::softmax<T>(x, p);
      for (std::size_t i = 0; i < x.size(); ++i)
        if (i != t) CHECK(same(grad[i], p[i]));
      ++checked;
    }
  CHECK(checked >= 80);
}

TEMPLATE_TEST_CASE("reference: a confident prediction's tiny loss and gradient keep every digit", "", float, double) {
  using T = TestType;
  const std::vector<T> x{T(0), T(-30)};
  std::vector<T> grad;
  const auto got = ce(x, 0, grad);
  const long double tail = std::exp(-30.0L);  // 1 - p_0 = e^-30 / (1 + e^-30)
  CHECK(got.rounded == static_cast<T>(std::log1p(tail)));
  CHECK(grad[0] == static_cast<T>(-tail / (1 + tail)));
  CHECK(grad[0] != T(0));  // RN(p_0) - 1 would give 0 in float
}

TEMPLATE_TEST_CASE("reference: cross-entropy agrees across backends and tiers bit for bit", "", float, double) {
  using T = TestType;
  const Options fast{Backend::mpfr, false}, mpfr{Backend::mpfr, true}, bin{Backend::cpp_bin_float, true};
  std::size_t mismatches = 0;
  for (const auto& x : logit_rows<T>())
    for (const std::size_t t : targets(x)) {
      std::vector<T> a, b, c;
      const T la = ce(x, t, a, fast).rounded, lb = ce(x, t, b, mpfr).rounded, lc = ce(x, t, c, bin).rounded;
      mismatches += !same(la, lb) + !same(lb, lc);
      for (std::size_t i = 0; i < x.size(); ++i) mismatches += !same(a[i], b[i]) + !same(b[i], c[i]);
    }
  CHECK(mismatches == 0);
}

TEMPLATE_TEST_CASE("reference: cross-entropy on special rows", "", float, double) {
  using T = TestType;
  constexpr T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  struct Case {
    std::vector<T> x;
    std::size_t target;
    T loss, grad_target, grad_other;  // grad_other: the gradient at index other
    std::size_t other;
  };
  const T third = static_cast<T>(1.0L / 3);
  const Case cases[] = {
      {{T(1), nan, T(2)}, 0, nan, nan, nan, 2},                              // NaN anywhere: NaN everything
      {{-inf, -inf}, 0, nan, nan, nan, 1},                                   // all -inf: undefined
      {{T(2), -inf, T(2)}, 1, inf, T(-1), T(0.5), 0},                        // -inf target: p = 0
      {{T(1), -inf, T(1)}, 0, static_cast<T>(std::log(2.0L)), T(-0.5), T(0), 1},  // equal entries, -inf gives 0
      {{inf, T(3), inf, inf}, 2, static_cast<T>(std::log(3.0L)), static_cast<T>(-2.0L / 3), third, 0},
      {{inf, T(3)}, 1, inf, T(-1), T(1), 0},                                 // finite target beside +inf
      {{T(5)}, 0, T(0), T(0), T(0), 0},                                      // one class: p = 1, +0
  };
  for (const Case& c : cases) {
    std::vector<T> grad;
    const auto got = ce(c.x, c.target, grad);
    INFO("row of " << c.x.size() << ", target " << c.target);
    CHECK(same(got.rounded, c.loss));
    CHECK(same(grad[c.target], c.grad_target));
    CHECK(same(grad[c.other], c.grad_other));
  }
  std::vector<T> grad;
  CHECK_THROWS_AS(ce(std::vector<T>{T(1)}, 1, grad), std::invalid_argument);
}

TEMPLATE_TEST_CASE("reference: softmax backward equals RN of the exact value, in both tiers", "", float, double) {
  using T = TestType;
  std::mt19937_64 g(11);
  std::vector<std::pair<std::vector<T>, std::vector<T>>> cases;
  for (const std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{5}, std::size_t{100}, std::size_t{3000}})
    for (const double scale : {1.0, 1e-30, 1e30}) {
      std::normal_distribution<double> N(0, 1);
      std::vector<T> x(n), y(n), dy(n);
      for (auto& v : x) v = static_cast<T>(3 * N(g));
      smx::ref::softmax<T>(x, y);
      for (auto& v : dy) v = static_cast<T>(scale * N(g));
      cases.push_back({y, dy});
      cases.push_back({y, std::vector<T>(n, T(0.75))});  // constant dy: dx ~ 0, a cancellation in every element
      cases.push_back({y, y});
    }
  // Subnormal and exactly cancelling inputs.
  const T tiny = std::numeric_limits<T>::denorm_min();
  cases.push_back({{T(0.5), T(0.5)}, {T(1), T(1)}});
  cases.push_back({{tiny, T(1)}, {T(1), tiny}});
  cases.push_back({{T(0.25), T(0.75)}, {std::numeric_limits<T>::max() / 4, -std::numeric_limits<T>::max() / 4}});
  std::size_t checked = 0, fallback = 0;
  for (const auto& [y, dy] : cases) {
    const std::vector<T> want = mp_backward(y, dy);
    for (const bool force : {false, true}) {
      std::vector<T> dx(y.size());
      const auto st = smx::ref::softmax_backward<T>(y, dy, dx, {}, {Backend::mpfr, force});
      if (!force) fallback += st.fallback;
      for (std::size_t i = 0; i < y.size(); ++i) {
        INFO("n = " << y.size() << ", i = " << i << (force ? ", exact tier" : ""));
        CHECK(same(dx[i], want[i]));
        ++checked;
      }
    }
  }
  CHECK(checked > 10000);
  CHECK(fallback > 0);  // the cancelling cases did need the exact tier
}

TEMPLATE_TEST_CASE("reference: softmax backward on special and aliased inputs", "", float, double) {
  using T = TestType;
  constexpr T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  for (const auto& [y, dy] : {std::pair{std::vector<T>{T(0.5), nan}, std::vector<T>{T(1), T(2)}},
                              std::pair{std::vector<T>{T(0.5), T(0.5)}, std::vector<T>{inf, T(2)}}}) {
    std::vector<T> dx(2);
    smx::ref::softmax_backward<T>(y, dy, dx);
    CHECK(std::isnan(dx[0]));
    CHECK(std::isnan(dx[1]));
  }
  const std::vector<T> y{T(0.25), T(0.75)};
  std::vector<T> dy{T(1), T(3)}, dx(2);
  smx::ref::softmax_backward<T>(y, dy, dx);  // s = 2.5: dx = {-0.375, 0.375}
  CHECK(dx == std::vector<T>{T(-0.375), T(0.375)});
  smx::ref::softmax_backward<T>(y, dy, dy);  // in place over dy
  CHECK(dy == dx);
  std::vector<T> wrong(3);
  CHECK_THROWS_AS(smx::ref::softmax_backward<T>(y, dx, wrong), std::invalid_argument);
}

namespace {

// RN(softmax(x / T)) and RN(log_softmax(x / T)) computed independently with
// MPFR at 320 bits; the sum of the terms other than the (first) max apart,
// so that log1p keeps a tiny one.
template <class T>
void mp_tempered(const std::vector<T>& x, double temperature, std::vector<T>& p, std::vector<T>& logp) {
  constexpr mpfr_prec_t bits = 320;
  Mp s1(bits), s(bits), e(bits), d(bits), l(bits), t(bits), q(bits);
  std::size_t jmax = 0;
  for (std::size_t j = 0; j < x.size(); ++j)
    if (x[j] > x[jmax]) jmax = j;
  const T m = x[jmax];
  mpfr_set_d(t.v, temperature, MPFR_RNDN);
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (j == jmax) continue;
    mpfr_set_d(d.v, static_cast<double>(x[j]), MPFR_RNDN);
    mpfr_sub_d(d.v, d.v, static_cast<double>(m), MPFR_RNDN);
    mpfr_div(d.v, d.v, t.v, MPFR_RNDN);
    mpfr_exp(e.v, d.v, MPFR_RNDN);
    mpfr_add(s1.v, s1.v, e.v, MPFR_RNDN);
  }
  mpfr_log1p(l.v, s1.v, MPFR_RNDN);
  mpfr_add_ui(s.v, s1.v, 1, MPFR_RNDN);
  p.resize(x.size());
  logp.resize(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    mpfr_set_d(d.v, static_cast<double>(x[i]), MPFR_RNDN);
    mpfr_sub_d(d.v, d.v, static_cast<double>(m), MPFR_RNDN);
    mpfr_div(d.v, d.v, t.v, MPFR_RNDN);
    mpfr_exp(e.v, d.v, MPFR_RNDN);
    mpfr_div(q.v, e.v, s.v, MPFR_RNDN);
    p[i] = round_mp<T>(q);
    mpfr_sub(q.v, d.v, l.v, MPFR_RNDN);
    logp[i] = round_mp<T>(q);
  }
}

}  // namespace

TEMPLATE_TEST_CASE("reference: softmax and log_softmax of x / T, T exact, equal RN of the exact values", "", float,
                   double) {
  using T = TestType;
  std::size_t mismatches = 0, checked = 0;
  for (const double temperature : {0.7, 2.0, 3.0, 0.1}) {
    const Options fast{.temperature = temperature}, mpfr{Backend::mpfr, true, temperature},
        bin{Backend::cpp_bin_float, true, temperature};
    for (const auto& x : logit_rows<T>()) {
      std::vector<T> want_p, want_l;
      mp_tempered(x, temperature, want_p, want_l);
      for (const Options* o : {&fast, &mpfr, &bin}) {
        std::vector<T> p(x.size()), l(x.size());
        smx::ref::softmax<T>(x, p, {}, *o);
        smx::ref::log_softmax<T>(x, l, {}, *o);
        for (std::size_t i = 0; i < x.size(); ++i) {
          mismatches += !same(p[i], want_p[i]) + !same(l[i], want_l[i]);
          if (!same(l[i], want_l[i]) || !same(p[i], want_p[i]))
            UNSCOPED_INFO("T = " << temperature << ", n = " << x.size() << ", i = " << i << ": " << p[i] << " / "
                                 << want_p[i] << ", " << l[i] << " / " << want_l[i]);
          checked += 2;
        }
      }
    }
  }
  CHECK(mismatches == 0);
  CHECK(checked > 10000);
}

TEMPLATE_TEST_CASE("reference: temperature 2 gives exactly the reference of x / 2", "", float, double) {
  using T = TestType;
  for (const auto& x : logit_rows<T>()) {
    std::vector<T> half(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) half[i] = x[i] / 2;  // exact: no value near the subnormal range
    std::vector<T> a(x.size()), b(x.size());
    smx::ref::log_softmax<T>(x, a, {}, {.temperature = 2});
    smx::ref::log_softmax<T>(half, b);
    CHECK(a == b);
    smx::ref::softmax<T>(x, a, {}, {.temperature = 2});
    smx::ref::softmax<T>(half, b);
    CHECK(a == b);
  }
}
