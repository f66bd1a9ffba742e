// The registry entries of the SIMD algorithms, built from three tables: the
// algorithms' data (algorithms.hpp, SMX_SIMD_ALGORITHMS), the ISA targets
// (isa_targets.hpp) and the operations (impls/op.hpp, op_table): every
// operation whose cell an algorithm's table fills (kernels.hpp) becomes a
// registry cell, with the budget of its row in the algorithm's data.
// Baseline code: it only checks features and calls through function
// pointers, so nothing here can execute an instruction the CPU lacks.
#include <cstddef>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
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

// f(op) for every row of op_table, as a constant.
template <class F, std::size_t... r>
void for_each_op(F&& f, std::index_sequence<r...>) {
  (f(std::integral_constant<Op, op_table[r].op>{}), ...);
}
template <class F>
void for_each_op(F&& f) { for_each_op(f, std::make_index_sequence<op_table.size()>{}); }

// The dispatching entry's kernel `member` of (algorithm a, op, T): the best
// path's, resolved once on the first call; later calls go straight through.
template <std::size_t a, Op op, class T, auto member, class R, class... A>
R best(A... args) {
  static const auto fn = s::best_isa_target().kernels->algorithm[a].template of<T>().template at<op>().*member;
  return fn(args...);
}
template <std::size_t a, Op op, class T, auto member, class R, class... A>
auto best_of(R (*)(A...)) -> R (*)(A...) {
  return &best<a, op, T, member, R, A...>;
}

// The cell of the dispatcher: each kernel the best path has, through best.
template <std::size_t a, Op op, class T>
s::OpCell<T, op> dispatching(const s::OpCell<T, op>& path) {
  using Cell = s::OpCell<T, op>;
  Cell d{};
  if (path.row) d.row = best_of<a, op, T, &Cell::row>(path.row);
  if constexpr (!std::is_same_v<batch_t<op, T>, std::nullptr_t>)
    if (path.batch) d.batch = best_of<a, op, T, &Cell::batch>(path.batch);
  if constexpr (!std::is_same_v<scaled_t<op, T>, std::nullptr_t>)
    if (path.scaled) d.scaled = best_of<a, op, T, &Cell::scaled>(path.scaled);
  return d;
}

template <std::size_t a>
s::AlgorithmKernels dispatcher() {
  const s::AlgorithmKernels& path = s::best_isa_target().kernels->algorithm[a];
  s::AlgorithmKernels d;
  for_each_op([&](auto op) {
    d.f32.at<op()>() = dispatching<a, op(), float>(path.f32.at<op()>());
    d.f64.at<op()>() = dispatching<a, op(), double>(path.f64.at<op()>());
  });
  return d;
}

// The registry cells of a table: one per filled (operation, element type),
// with the algorithm's budget and behaviour for that operation.
std::vector<Kernel> cells_of(const s::AlgorithmKernels& k, const s::AlgorithmData& algorithm) {
  std::vector<Kernel> out;
  for_each_op([&](auto op) {
    const s::OpBudget* declared = algorithm.budget_of(op());
    auto add = [&](const auto& c, const UlpBudget& budget, const UlpBudget& scaled_budget) {
      if (!c.row) return;
      out.push_back(cell<op()>(c.row, budget,
                               {.batch = c.batch, .scaled = c.scaled, .scaled_budget = scaled_budget,
                                .behaviour = declared ? declared->behaviour : std::nullopt}));
    };
    add(k.f32.at<op()>(), declared ? declared->f32 : UlpBudget{}, declared ? declared->scaled_f32 : UlpBudget{});
    add(k.f64.at<op()>(), declared ? declared->f64 : UlpBudget{}, declared ? declared->scaled_f64 : UlpBudget{});
  });
  return out;
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
// subnormals kept, consistent), as every kernel of impls/simd/ declares,
// unless an operation's row in the algorithm's data says otherwise.
template <std::size_t... a>
std::vector<Impl> entries(std::index_sequence<a...>) {
  std::vector<Impl> list;
  auto add = [&](std::size_t i, const s::AlgorithmKernels& dispatch) {
    const s::AlgorithmData& algorithm = *kAlgorithms[i];
    list.push_back({.name = algorithm.name, .summary = algorithm.summary, .role = Role::kernel,
                    .kernels = cells_of(dispatch, algorithm)});
    for (const s::IsaTarget& target : s::isa_targets()) {
      list.push_back({.name = kept(std::string(algorithm.name) + "." + std::string(target.name)),
                      .summary = path_summary(algorithm, target),
                      .role = Role::isa_path,
                      .parent = algorithm.name,
                      .kernels = cells_of(target.kernels->algorithm[i], algorithm),
                      .available = target.supported});
    }
  };
  (add(a, dispatcher<a>()), ...);
  return list;
}

}  // namespace

// Named in impls/list.hpp.
std::span<const Impl> simd_algorithms() {
  static const std::vector<Impl> list = entries(std::make_index_sequence<s::kAlgorithmCount>{});
  return list;
}

}  // namespace smx::impls
