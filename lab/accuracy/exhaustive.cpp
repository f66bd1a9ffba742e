#include "lab/accuracy/exhaustive.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <thread>

#include "reference/metrics.hpp"
#include "reference/reference.hpp"

namespace smx {
namespace {

// Floats in increasing order as consecutive integers (negative floats
// reversed), so a range of x is a range of keys.
std::int64_t key(float x) {
  const auto b = std::bit_cast<std::uint32_t>(x);
  return (b & 0x80000000u) ? -static_cast<std::int64_t>(b & 0x7fffffffu) : static_cast<std::int64_t>(b);
}
float from_key(std::int64_t k) {
  return k < 0 ? std::bit_cast<float>(static_cast<std::uint32_t>(-k) | 0x80000000u)
               : std::bit_cast<float>(static_cast<std::uint32_t>(k));
}

// exp(x) / (1 + exp(x)) for the row [0, x]: long double first, exact
// reference only when the long double value is too close to a rounding
// boundary to decide (expl is accurate to about 2^-63; 2^-58 leaves margin).
long double second_output(float x) {
  const long double e = std::exp(static_cast<long double>(x));
  const long double r = e / (1 + e);
  const long double margin = r * 0x1p-58L;
  if (static_cast<float>(r - margin) == static_cast<float>(r + margin)) return r;
  const float row[2] = {0.0f, x};
  float rounded[2];
  long double exact[2];
  ref::softmax<float>(row, rounded, exact);
  return exact[1];
}

struct Chunk {
  std::uint64_t violations = 0;
  double max_ulp = 0;
  float worst_x = 0;
  float first_y = 0, last_y = 0;
};

Chunk sweep(const Impl& impl, std::int64_t k0, std::int64_t k1) {
  Chunk c;
  const row_fn<float> f = impl.kernel<Op::softmax, float>();
  float prev = 0;
  for (std::int64_t k = k0; k < k1; ++k) {
    const float x = from_key(k);
    const float in[2] = {0.0f, x};
    float out[2];
    f(in, out, 2);
    const double e = metrics::ulp_error<float>(out[1], second_output(x));
    if (e > c.max_ulp) c.max_ulp = e, c.worst_x = x;
    if (k == k0) c.first_y = out[1];
    else if (out[1] < prev) ++c.violations;
    prev = out[1];
  }
  c.last_y = prev;
  return c;
}

}  // namespace

std::vector<ExhaustiveResult> run_exhaustive(const std::vector<const Impl*>& impls, unsigned threads, float lo,
                                             float hi, const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  const std::int64_t k_lo = key(lo), k_hi = key(hi) + 1;
  const auto total_per_impl = static_cast<std::uint64_t>(k_hi - k_lo);
  constexpr std::int64_t chunk = 1 << 20;
  const std::size_t chunks = static_cast<std::size_t>((k_hi - k_lo + chunk - 1) / chunk);
  std::vector<ExhaustiveResult> results;
  std::atomic<std::uint64_t> done{0};
  const std::uint64_t total = total_per_impl * impls.size();
  for (const Impl* impl : impls) {
    if (!impl->provides(Op::softmax, Dtype::f32)) continue;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<Chunk> parts(chunks);
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      for (std::size_t i; (i = next.fetch_add(1)) < chunks;) {
        const std::int64_t a = k_lo + static_cast<std::int64_t>(i) * chunk, b = std::min(a + chunk, k_hi);
        parts[i] = sweep(*impl, a, b);
        done.fetch_add(static_cast<std::uint64_t>(b - a));
      }
    };
    const std::uint64_t target = done.load() + total_per_impl;
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < std::max(1u, threads); ++t) pool.emplace_back(worker);
    while (progress && done.load() < target) {
      progress(done.load(), total);
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    for (auto& t : pool) t.join();

    ExhaustiveResult r{std::string(impl->name), total_per_impl, 0, 0, 0, 0};
    for (std::size_t i = 0; i < chunks; ++i) {
      r.order_violations += parts[i].violations;
      if (i > 0 && parts[i].first_y < parts[i - 1].last_y) ++r.order_violations;  // across the seam
      if (parts[i].max_ulp > r.max_ulp) r.max_ulp = parts[i].max_ulp, r.worst_x = parts[i].worst_x;
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    results.push_back(std::move(r));
  }
  if (progress) progress(total, total);
  return results;
}

}  // namespace smx
