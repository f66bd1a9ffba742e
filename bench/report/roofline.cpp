#include "bench/report/roofline.hpp"

#include <algorithm>

#include "bench/timed.hpp"  // softmax_accesses_per_element

namespace smx {

std::size_t element_bytes(Dtype d) { return d == Dtype::f32 ? 4 : 8; }

Roofline roofline_from(const BenchResults& results) {
  Roofline r;
  r.levels = results.levels;
  for (const BenchResult& b : results.results) {
    if (!b.ok()) continue;
    if (b.id.kind == BenchId::Kind::copy)
      r.copy_bandwidth[level_of(b.id.n, r.levels).name] = static_cast<double>(b.id.n) / b.median;
    else if (b.id.kind == BenchId::Kind::exp)
      r.exp_seconds[{b.id.dtype, b.id.n}] = b.median;
  }
  return r;
}

const MemoryLevel& Roofline::level_of_row(Dtype d, std::size_t n) const {
  return level_of(2 * n * element_bytes(d), levels);
}

std::optional<double> Roofline::memory_seconds(Dtype d, std::size_t n) const {
  const auto bw = copy_bandwidth.find(level_of_row(d, n).name);
  if (bw == copy_bandwidth.end()) return std::nullopt;
  return softmax_accesses_per_element * static_cast<double>(n * element_bytes(d)) / bw->second;
}

std::optional<double> Roofline::bound_seconds(Dtype d, std::size_t n) const {
  const auto exp = exp_seconds.find({d, n});
  const auto memory = memory_seconds(d, n);
  if (exp == exp_seconds.end() && !memory) return std::nullopt;
  return std::max(exp == exp_seconds.end() ? 0 : exp->second, memory.value_or(0));
}

std::string Roofline::binding(Dtype d, std::size_t n) const {
  const auto exp = exp_seconds.find({d, n});
  const auto memory = memory_seconds(d, n);
  const std::string memory_name = "memory (" + level_of_row(d, n).name + ")";
  if (exp == exp_seconds.end()) return memory ? memory_name : "-";
  if (!memory) return "exp";
  return exp->second >= *memory ? "exp" : memory_name;
}

}  // namespace smx
