// The registry entries of the SIMD algorithms, built from two tables: the
// algorithms' data (algorithms.hpp, SMX_SIMD_ALGORITHMS) and the ISA targets
// (isa_targets.hpp). Baseline code: it only checks features and calls
// through function pointers, so nothing here can execute an instruction the
// CPU lacks.
#include <cstddef>
#include <deque>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "impls/registry.hpp"
#include "impls/simd/algorithms.hpp"
#include "impls/simd/isa_targets.hpp"

namespace smx::impls {
namespace {

namespace s = simd;

#define SMX_SIMD_DATA(id) &s::id##_data,
constexpr const s::AlgorithmData* kAlgorithms[] = {SMX_SIMD_ALGORITHMS(SMX_SIMD_DATA)};
#undef SMX_SIMD_DATA

// The dispatching entry of algorithm a: the best path the CPU supports,
// resolved once, on the first call; later calls go straight through.
template <class T, std::size_t a>
void best_path(const T* x, T* y, std::size_t n) {
  static const row_fn<T> fn = s::best_isa_target().kernels->algorithm[a].template of<T>();
  fn(x, y, n);
}

// Names and summaries made up here live as long as the entries (a deque
// never moves what it holds).
std::string_view kept(std::string text) {
  static std::deque<std::string> texts;
  return texts.emplace_back(std::move(text));
}

std::string_view path_summary(const s::AlgorithmData& algorithm, const s::IsaTarget& target) {
  for (const s::PathSummary& own : algorithm.own_summaries)
    if (own.isa == target.name) return own.text;
  return kept(std::string(algorithm.path_summary) + ", " + std::string(target.label) + " path");
}

// The entries keep the default policies (NaN for all -inf and for +inf rows,
// subnormals kept, consistent), as every kernel of impls/simd/ declares.
template <std::size_t... a>
std::vector<Impl> entries(std::index_sequence<a...>) {
  std::vector<Impl> list;
  auto add = [&](std::size_t i, row_fn<float> f32, row_fn<double> f64) {
    const s::AlgorithmData& algorithm = *kAlgorithms[i];
    const auto softmax = [&](row_fn<float> k32, row_fn<double> k64) {
      return std::vector<Kernel>{cell<Op::softmax>(k32, algorithm.budget.f32), cell<Op::softmax>(k64, algorithm.budget.f64)};
    };
    list.push_back({.name = algorithm.name, .summary = algorithm.summary, .role = Role::kernel, .kernels = softmax(f32, f64)});
    for (const s::IsaTarget& target : s::isa_targets()) {
      const s::KernelPair& k = target.kernels->algorithm[i];
      list.push_back({.name = kept(std::string(algorithm.name) + "." + std::string(target.name)),
                      .summary = path_summary(algorithm, target),
                      .role = Role::isa_path,
                      .parent = algorithm.name,
                      .kernels = softmax(k.f32, k.f64),
                      .available = target.supported});
    }
  };
  (add(a, best_path<float, a>, best_path<double, a>), ...);
  return list;
}

}  // namespace

// Named in impls/list.hpp.
std::span<const Impl> simd_algorithms() {
  static const std::vector<Impl> list = entries(std::make_index_sequence<s::kAlgorithmCount>{});
  return list;
}

}  // namespace smx::impls
