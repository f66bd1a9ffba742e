// The SIMD kernels' operations beyond softmax (impls/simd/: log_softmax,
// cross_entropy and its batch, softmax_backward, the temperature-folding
// softmax and log_softmax), on every path this CPU runs and the dispatcher:
// one table of (operation, check) run over the finite families at ragged
// lengths, each held to the budget its cell declares; then the aliasing,
// batch and special-value contracts. Until the conformance suite covers these
// operations, this is their contract test.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "impls/registry.hpp"
#include "lab/families.hpp"
#include "reference/metrics.hpp"
#include "reference/reference.hpp"
#include "tests/support.hpp"

using namespace smx;

namespace {

// Every implementation this CPU runs with a kernel for (op, T); scaled: one
// that folds the temperature in.
template <class T>
std::vector<const Impl*> providing(Op op, bool scaled = false) {
  std::vector<const Impl*> out;
  for (const Impl& impl : all_impls()) {
    const Kernel* k = impl.find(op, dtype_of<T>);
    const bool simd = impl.role == Role::kernel || impl.role == Role::isa_path;  // this file's subject
    if (simd && k && impl.available() && (!scaled || k->scaled)) out.push_back(&impl);
  }
  return out;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

// One row's check of one operation: "" or what broke.
template <class T>
using Check = std::function<std::string(const Impl&, const std::vector<T>& x, double budget)>;

template <class T>
std::string within(const char* what, std::size_t i, T y, long double r, double budget) {
  if (std::isinf(r)) return y == r ? "" : std::string(what) + ": not " + (r > 0 ? "+inf" : "-inf") + " at " + std::to_string(i);
  const double e = metrics::ulp_error<T>(y, r);
  return e <= budget ? "" : std::string(what) + ": " + std::to_string(e) + " ulp at " + std::to_string(i);
}

template <class T>
std::string log_softmax_check(const Impl& impl, const std::vector<T>& x, double budget) {
  const std::size_t n = x.size();
  std::vector<T> y(n), rn(n), in_place = x;
  std::vector<long double> r(n);
  ref::log_softmax<T>(x, rn, r);
  impl.kernel<Op::log_softmax, T>()(x.data(), y.data(), n);
  impl.kernel<Op::log_softmax, T>()(in_place.data(), in_place.data(), n);
  if (!same_bits(y, in_place)) return "in place differs";
  for (std::size_t i = 0; i < n; ++i)
    if (auto f = within<T>("log_softmax", i, y[i], r[i], budget); !f.empty()) return f;
  return "";
}

// beta = 2: beta x is exact, so the reference is the reference of 2x.
template <class T, Op op>
std::string scaled_check(const Impl& impl, const std::vector<T>& x, double budget) {
  const std::size_t n = x.size();
  std::vector<T> z(n), y(n), rn(n);
  std::vector<long double> r(n);
  for (std::size_t i = 0; i < n; ++i) z[i] = 2 * x[i];
  for (T v : z)
    if (std::isinf(v)) return "";  // 2x overflows: no exact reference this way
  if constexpr (op == Op::softmax) ref::softmax<T>(z, rn, r);
  else ref::log_softmax<T>(z, rn, r);
  impl.scaled<op, T>()(x.data(), y.data(), n, T(2));
  for (std::size_t i = 0; i < n; ++i) {
    if (op == Op::softmax && r[i] == 0) {
      if (y[i] != 0) return "softmax scaled: not 0 at " + std::to_string(i);
      continue;
    }
    if (auto f = within<T>("scaled", i, y[i], r[i], budget); !f.empty()) return f;
  }
  return "";
}

template <class T>
std::string cross_entropy_check(const Impl& impl, const std::vector<T>& x, double budget) {
  const std::size_t n = x.size();
  std::vector<T> ln(n), sn(n);
  std::vector<long double> lr(n), sr(n);
  ref::log_softmax<T>(x, ln, lr);
  ref::softmax<T>(x, sn, sr);
  std::size_t tmax = 0;
  for (std::size_t i = 1; i < n; ++i)
    if (x[i] > x[tmax]) tmax = i;
  for (std::size_t t : {tmax, n - 1, n / 2}) {
    std::vector<T> g(n), aliased = x;
    const T loss = impl.kernel<Op::cross_entropy, T>()(x.data(), n, t, g.data());
    const T alone = impl.kernel<Op::cross_entropy, T>()(x.data(), n, t, nullptr);
    const T in_place = impl.kernel<Op::cross_entropy, T>()(aliased.data(), n, t, aliased.data());
    if (!(std::memcmp(&loss, &alone, sizeof(T)) == 0 && std::memcmp(&loss, &in_place, sizeof(T)) == 0 && same_bits(g, aliased)))
      return "loss or gradient differs with grad nullptr or aliasing x";
    if (auto f = within<T>("loss", t, loss, -lr[t], budget); !f.empty()) return f;
    // The target's p_t - 1 in long double from the exact softmax: -(sum of the others).
    long double others = 0;
    for (std::size_t j = 0; j < n; ++j)
      if (j != t) others += sr[j];
    if (auto f = within<T>("target gradient", t, g[t], -others, budget); !f.empty()) return f;
    for (std::size_t i = 0; i < n; ++i) {
      if (i == t) continue;
      if (sr[i] == 0) {
        if (g[i] != 0) return "gradient not 0 at " + std::to_string(i);
        continue;
      }
      if (auto f = within<T>("gradient", i, g[i], sr[i], budget); !f.empty()) return f;
    }
  }
  return "";
}

// y = RN(softmax x), dy from another family; checked where dy_i - <dy, y> is
// no cancellation (budget's condition), the reference in long double.
template <class T>
std::string backward_check(const Impl& impl, const std::vector<T>& x, double budget) {
  const std::size_t n = x.size();
  std::vector<T> y(n), dx(n);
  ref::softmax<T>(x, y);
  std::vector<T> dy = family<T>("normal-1", n, 5), aliased = dy;
  long double c = 0;
  for (std::size_t i = 0; i < n; ++i) c += static_cast<long double>(y[i]) * dy[i];
  impl.kernel<Op::softmax_backward, T>()(y.data(), dy.data(), dx.data(), n);
  impl.kernel<Op::softmax_backward, T>()(y.data(), aliased.data(), aliased.data(), n);
  if (!same_bits(dx, aliased)) return "dx aliasing dy differs";
  for (std::size_t i = 0; i < n; ++i) {
    const long double d = dy[i] - c;
    if (std::fabs(d) < std::fabs(c) * 0x1p-8L || y[i] < std::numeric_limits<T>::min()) continue;
    if (auto f = within<T>("backward", i, dx[i], y[i] * d, budget); !f.empty()) return f;
  }
  return "";
}

template <class T>
struct OpCheck {
  Op op;
  bool scaled;  // checks the temperature-folding kernel
  const char* name;
  Check<T> check;
};

template <class T>
std::vector<OpCheck<T>> op_checks() {
  return {{Op::log_softmax, false, "log_softmax", log_softmax_check<T>},
          {Op::log_softmax, true, "log_softmax scaled", scaled_check<T, Op::log_softmax>},
          {Op::softmax, true, "softmax scaled", scaled_check<T, Op::softmax>},
          {Op::cross_entropy, false, "cross_entropy", cross_entropy_check<T>},
          {Op::softmax_backward, false, "softmax_backward", backward_check<T>}};
}

}  // namespace

TEMPLATE_TEST_CASE("simd operations: every path within its declared budget on the finite families", "[simd]", float,
                   double) {
  using T = TestType;
  for (const OpCheck<T>& c : op_checks<T>())
    for (const Impl* impl : providing<T>(c.op, c.scaled)) {
      const double budget = impl->declared(c.op, dtype_of<T>).budget.base;
      for (const FamilyInfo& f : all_families()) {
        if (f.kind == FamilyKind::special) continue;
        for (std::size_t n : {1, 2, 7, 17, 33, 100, 1000}) {
          INFO(c.name << " " << impl->name << " " << dtype_name<T>() << " family=" << f.name << " n=" << n);
          CHECK(c.check(*impl, family<T>(f.name, n, 2), budget) == "");
        }
      }
    }
}

TEMPLATE_TEST_CASE("simd operations: special rows give NaN, n = 0 writes nothing, batches match rows", "[simd]", float,
                   double) {
  using T = TestType;
  for (const Impl* impl : providing<T>(Op::cross_entropy)) {
    INFO(impl->name << " " << dtype_name<T>());
    for (const char* fam : {"masked-all", "posinf", "nan"}) {
      const std::vector<T> x = family<T>(fam, 33, 1);
      std::vector<T> y(33), g(33);
      impl->kernel<Op::log_softmax, T>()(x.data(), y.data(), 33);
      for (T v : y) CHECK(std::isnan(v));
      CHECK(std::isnan(impl->kernel<Op::cross_entropy, T>()(x.data(), 33, 3, g.data())));
      for (T v : g) CHECK(std::isnan(v));
    }
    T untouched = T(7);
    impl->kernel<Op::log_softmax, T>()(&untouched, &untouched, 0);
    CHECK(untouched == T(7));
    // Batch: threads 1, 2 and 0 give the same mean and each row's gradient.
    const std::size_t rows = 5, cols = 300, ld = 301;
    std::vector<T> x(rows * ld), g1(rows * ld), g2(rows * ld);
    std::vector<std::size_t> target(rows);
    for (std::size_t r = 0; r < rows; ++r) {
      const std::vector<T> row = family<T>("llm", cols, r + 1);
      std::copy(row.begin(), row.end(), x.begin() + r * ld);
      target[r] = (r * 97) % cols;
    }
    const auto batch = impl->batch<Op::cross_entropy, T>();
    REQUIRE(batch != nullptr);
    const T m1 = batch(x.data(), ld, target.data(), g1.data(), ld, rows, cols, 1);
    CHECK(batch(x.data(), ld, target.data(), g2.data(), ld, rows, cols, 2) == m1);
    CHECK(batch(x.data(), ld, target.data(), nullptr, ld, rows, cols, 0) == m1);
    long double sum = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      std::vector<T> g(cols);
      sum += impl->kernel<Op::cross_entropy, T>()(x.data() + r * ld, cols, target[r], g.data());
      CHECK(std::memcmp(g.data(), g1.data() + r * ld, cols * sizeof(T)) == 0);
      CHECK(std::memcmp(g.data(), g2.data() + r * ld, cols * sizeof(T)) == 0);
    }
    CHECK(metrics::ulp_error<T>(m1, sum / rows) <= 1.0);
  }
}
