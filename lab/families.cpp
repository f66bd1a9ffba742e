#include "lab/families.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

namespace smx {
namespace {

// std::mt19937_64's sequence is fixed by the standard; the conversions to
// uniform and normal values below are ours, so rows are the same everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1p-53; }  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal() {  // Box-Muller, one value per call
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  std::size_t index(std::size_t n) { return static_cast<std::size_t>(uniform() * static_cast<double>(n)); }

 private:
  std::mt19937_64 engine_;
};

// The exp thresholds of each type (x such that exp(x) overflows, leaves the
// normal range, rounds to the smallest subnormal, rounds to zero).
template <class T> struct Thresholds;
template <> struct Thresholds<float> {
  static constexpr double overflow = 88.7228, normal = -87.3365, min_subnormal = -103.2789, zero = -103.9721;
};
template <> struct Thresholds<double> {
  static constexpr double overflow = 709.7827, normal = -708.3964, min_subnormal = -744.4401, zero = -745.1332;
};

constexpr double inf = std::numeric_limits<double>::infinity();

template <class T> T step_ulps(T v, int k) {
  const T dir = k > 0 ? std::numeric_limits<T>::infinity() : -std::numeric_limits<T>::infinity();
  for (int i = 0; i < std::abs(k); ++i) v = std::nextafter(v, dir);
  return v;
}

template <class T, int Scale> void uniform_logits(std::span<T> x, Rng& rng) {
  for (T& v : x) v = static_cast<T>(rng.uniform(-Scale, Scale));
}
template <class T, int Scale> void normal_logits(std::span<T> x, Rng& rng) {
  for (T& v : x) v = static_cast<T>(Scale * rng.normal());
}
// Language-model-like: a broad normal body and a few tokens far above it.
template <class T> void llm(std::span<T> x, Rng& rng) {
  for (T& v : x) v = static_cast<T>(2.5 * rng.normal() - 2.0);
  const std::size_t top = 1 + x.size() / 2000;
  for (std::size_t k = 0; k < top && !x.empty(); ++k) x[rng.index(x.size())] = static_cast<T>(rng.uniform(8, 25));
}
template <class T> void offset(std::span<T> x, Rng& rng) {
  for (T& v : x) v = static_cast<T>(1e4 + rng.uniform(-1, 1));
}
// The trackers' case of cross-entropy on offset logits: float holds 1e8 only
// to steps of 8, so the row is a few distinct values e^-8 apart.
template <class T> void offset_1e8(std::span<T> x, Rng& rng) {
  for (T& v : x) v = static_cast<T>(1e8 + rng.uniform(-64, 64));
}
template <class T> void wide(std::span<T> x, Rng& rng) {
  const double half = 2 * Thresholds<T>::overflow;
  for (T& v : x) v = static_cast<T>(rng.uniform(-half, half));
}
// Max 0; the others at x - max = each underflow threshold, a few ulps either side.
template <class T> void thresholds(std::span<T> x, Rng& rng) {
  const double t[] = {Thresholds<T>::normal, Thresholds<T>::min_subnormal, Thresholds<T>::zero};
  for (T& v : x) v = step_ulps(static_cast<T>(t[rng.index(3)]), static_cast<int>(rng.index(9)) - 4);
  if (!x.empty()) x[rng.index(x.size())] = 0;
}
// Unshifted values at exp's overflow threshold, a few ulps either side.
template <class T> void overflow_edge(std::span<T> x, Rng& rng) {
  for (T& v : x) v = step_ulps(static_cast<T>(Thresholds<T>::overflow), static_cast<int>(rng.index(9)) - 4);
}
template <class T> void equal(std::span<T> x, Rng& rng) {
  std::fill(x.begin(), x.end(), static_cast<T>(rng.uniform(-5, 5)));
}
template <class T> void dominant(std::span<T> x, Rng& rng) {
  for (T& v : x) v = static_cast<T>(rng.normal());
  if (!x.empty()) x[rng.index(x.size())] = 40;
}
template <class T> void increasing(std::span<T> x, Rng&) {
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i)
    x[i] = static_cast<T>(n < 2 ? 0.0 : -20.0 + 40.0 * static_cast<double>(i) / static_cast<double>(n - 1));
  for (std::size_t i = 1; i < n; ++i)  // keep it strict where rounding made neighbours equal
    if (x[i] <= x[i - 1]) x[i] = std::nextafter(x[i - 1], std::numeric_limits<T>::infinity());
}
template <class T> void adjacent(std::span<T> x, Rng& rng) {
  T v = static_cast<T>(rng.uniform(1, 2));
  for (T& e : x) {
    e = v;
    v = std::nextafter(v, std::numeric_limits<T>::infinity());
  }
}
// Equal values on both sides of every 4/8/16/32/64-lane boundary and in the
// tail, so a vector body and a scalar tail that disagree show up as ties.
template <class T> void ties(std::span<T> x, Rng& rng) {
  normal_logits<T, 1>(x, rng);
  const std::size_t n = x.size();
  const T a = static_cast<T>(rng.normal()), b = static_cast<T>(3.5);  // b: the row max, repeated
  for (std::size_t w : {4u, 8u, 16u, 32u, 64u}) {
    for (std::size_t p = w - 1; p + 1 < n; p += w) {
      x[p] = a;
      x[p + 1] = a;
    }
  }
  for (std::size_t k = 1; k <= 3 && k <= n; ++k) x[n - k] = (k == 2) ? b : a;
  if (n > 0) x[0] = b;
}
template <class T> void masked(std::span<T> x, Rng& rng) {
  normal_logits<T, 1>(x, rng);
  for (T& v : x)
    if (rng.uniform() < 0.5) v = static_cast<T>(-inf);
  if (!x.empty()) x[rng.index(x.size())] = static_cast<T>(rng.normal());  // keep one finite
}
template <class T> void masked_one(std::span<T> x, Rng& rng) {
  std::fill(x.begin(), x.end(), static_cast<T>(-inf));
  if (!x.empty()) x[rng.index(x.size())] = static_cast<T>(rng.normal());
}
template <class T> void masked_all(std::span<T> x, Rng&) { std::fill(x.begin(), x.end(), static_cast<T>(-inf)); }
template <class T> void posinf(std::span<T> x, Rng& rng) {
  normal_logits<T, 1>(x, rng);
  const std::size_t k = 1 + rng.index(3);
  for (std::size_t i = 0; i < k && !x.empty(); ++i) x[rng.index(x.size())] = static_cast<T>(inf);
}
template <class T> void nan(std::span<T> x, Rng& rng) {
  normal_logits<T, 1>(x, rng);
  if (!x.empty()) x[rng.index(x.size())] = std::numeric_limits<T>::quiet_NaN();
}

struct Family {
  FamilyInfo info;
  void (*f32)(std::span<float>, Rng&);
  void (*f64)(std::span<double>, Rng&);
};

// A generator's instances for both element types.
#define SMX_GEN1(fn) fn<float>, fn<double>
#define SMX_GEN2(fn, scale) fn<float, scale>, fn<double, scale>

// The one place every family is listed and documented (README "Input families").
const Family families[] = {
    {{"uniform-1", "uniform logits in [-1, 1)", FamilyKind::finite, true}, SMX_GEN2(uniform_logits, 1)},
    {{"uniform-10", "uniform logits in [-10, 10)", FamilyKind::finite, true}, SMX_GEN2(uniform_logits, 10)},
    {{"uniform-100", "uniform logits in [-100, 100): many outputs underflow in float", FamilyKind::finite, true},
     SMX_GEN2(uniform_logits, 100)},
    {{"normal-1", "normal logits, standard deviation 1", FamilyKind::finite, true}, SMX_GEN2(normal_logits, 1)},
    {{"normal-10", "normal logits, standard deviation 10", FamilyKind::finite, true}, SMX_GEN2(normal_logits, 10)},
    {{"llm", "language-model-like: normal(-2, 2.5) body, 1 + n/2000 tokens at 8..25 (use n = 32000, 50257, 128256, 151936)",
      FamilyKind::finite, true}, SMX_GEN1(llm)},
    {{"offset", "huge offset, small spread: 1e4 + uniform[-1, 1)", FamilyKind::finite, true}, SMX_GEN1(offset)},
    {{"offset-1e8", "huge offset: 1e8 + uniform[-64, 64) (float holds steps of 8)", FamilyKind::finite, true},
     SMX_GEN1(offset_1e8)},
    {{"wide", "uniform over twice exp's range (float +-177, double +-1419): all but a few outputs underflow",
      FamilyKind::finite, true}, SMX_GEN1(wide)},
    {{"thresholds", "max 0; the rest at -87.3365, -103.2789, -103.9721 (double: -708.3964, -744.4401, -745.1332) +-4 ulps",
      FamilyKind::finite, true}, SMX_GEN1(thresholds)},
    {{"overflow-edge", "every value at exp's overflow threshold 88.7228 (double: 709.7827) +-4 ulps", FamilyKind::finite, true},
     SMX_GEN1(overflow_edge)},
    {{"equal", "all values equal (one value in [-5, 5) per seed)", FamilyKind::finite, true}, SMX_GEN1(equal)},
    {{"dominant", "normal(0, 1) with one value at 40", FamilyKind::finite, true}, SMX_GEN1(dominant)},
    {{"increasing", "strictly increasing from -20 to 20", FamilyKind::finite, false}, SMX_GEN1(increasing)},
    {{"adjacent", "consecutive floats x, nextafter(x), ... from x in [1, 2)", FamilyKind::finite, true}, SMX_GEN1(adjacent)},
    {{"ties", "normal(0, 1) with equal values straddling every 4..64-lane boundary and in the tail; the max repeated",
      FamilyKind::finite, true}, SMX_GEN1(ties)},
    {{"masked", "normal(0, 1) with about half the entries -inf (at least one finite)", FamilyKind::masked, true},
     SMX_GEN1(masked)},
    {{"masked-one", "every entry -inf but one, normal(0, 1)", FamilyKind::masked, true}, SMX_GEN1(masked_one)},
    {{"masked-all", "every entry -inf", FamilyKind::special, false}, SMX_GEN1(masked_all)},
    {{"posinf", "normal(0, 1) with 1 to 3 entries +inf", FamilyKind::special, true}, SMX_GEN1(posinf)},
    {{"nan", "normal(0, 1) with one NaN", FamilyKind::special, true}, SMX_GEN1(nan)},
};

const Family* lookup(std::string_view name) {
  for (const Family& f : families)
    if (f.info.name == name) return &f;
  return nullptr;
}

// Different families with the same seed must not share their random stream.
std::uint64_t stream_seed(std::string_view name, std::uint64_t seed) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h ^ (seed * 0x9E3779B97F4A7C15ull);
}

}  // namespace

std::span<const FamilyInfo> all_families() {
  static const auto infos = [] {
    std::array<FamilyInfo, std::size(families)> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = families[i].info;
    return out;
  }();
  return infos;
}

const FamilyInfo* find_family(std::string_view name) {
  const Family* f = lookup(name);
  return f ? &f->info : nullptr;
}

template <class T>
std::vector<T> family(std::string_view name, std::size_t n, std::uint64_t seed) {
  const Family* f = lookup(name);
  if (!f) throw std::invalid_argument("unknown input family '" + std::string(name) + "'");
  std::vector<T> x(n);
  Rng rng(stream_seed(name, seed));
  if constexpr (std::is_same_v<T, float>) f->f32(x, rng); else f->f64(x, rng);
  return x;
}

template std::vector<float> family<float>(std::string_view, std::size_t, std::uint64_t);
template std::vector<double> family<double>(std::string_view, std::size_t, std::uint64_t);

}  // namespace smx
