#include "lab/report/roofline.hpp"

#include <algorithm>

#include "lab/bench/timed.hpp"  // softmax_accesses_per_element

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

std::optional<double> Roofline::bound_seconds(Dtype d, std::size_t n) const {
  const auto exp = exp_seconds.find({d, n});
  const auto bw = copy_bandwidth.find(level_of_row(d, n).name);
  if (exp == exp_seconds.end() && bw == copy_bandwidth.end()) return std::nullopt;
  double bound = exp == exp_seconds.end() ? 0 : exp->second;
  if (bw != copy_bandwidth.end())
    bound = std::max(bound, softmax_accesses_per_element * static_cast<double>(n * element_bytes(d)) / bw->second);
  return bound;
}

std::string Roofline::binding(Dtype d, std::size_t n) const {
  const auto exp = exp_seconds.find({d, n});
  const auto bw = copy_bandwidth.find(level_of_row(d, n).name);
  const std::string memory = "memory (" + level_of_row(d, n).name + ")";
  if (exp == exp_seconds.end()) return bw == copy_bandwidth.end() ? "-" : memory;
  if (bw == copy_bandwidth.end()) return "exp";
  return exp->second >= softmax_accesses_per_element * static_cast<double>(n * element_bytes(d)) / bw->second ? "exp" : memory;
}

}  // namespace smx
