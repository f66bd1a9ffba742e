#include "lab/accuracy/grid.hpp"

#include <algorithm>

namespace smx {

bool AccuracyGrid::runs(const FamilyInfo& f, std::size_t n) const {
  return n <= short_max_n || std::none_of(short_families.begin(), short_families.end(),
                                          [&](const FamilyInfo* s) { return s->name == f.name; });
}

bool AccuracyGrid::op_long_family(const FamilyInfo& f) const {
  return op_long_families.empty() || std::any_of(op_long_families.begin(), op_long_families.end(),
                                                 [&](const FamilyInfo* l) { return l->name == f.name; });
}

AccuracyGrid full_accuracy_grid() {
  AccuracyGrid g;
  for (const Impl& impl : all_impls())
    if (impl.available()) g.impls.push_back(&impl);
  g.dtypes = {Dtype::f32, Dtype::f64};
  for (const FamilyInfo& f : all_families()) g.families.push_back(&f);
  // Tails of 4/8/16-lane bodies, powers of two, the LLM vocabularies, 2^20.
  g.sizes = {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1000, 1024, 4096, 32000, 50257, 128256, 1u << 20};
  g.seeds = {1, 2, 3};
  g.ops.clear();
  for (const OpInfo& op : op_table) g.ops.push_back(op.op);
  g.op_sizes = g.sizes;
  // 2: the seeds' x / 2, an exact division; 0.7: one that rounds every x / T.
  g.temperatures = {2, 0.7};
  return g;
}

AccuracyGrid default_accuracy_grid() {
  AccuracyGrid g = full_accuracy_grid();
  // Rows of 2^20 hold three quarters of the full grid's outputs. The random
  // logit families (and masked, dominant, offset, wide) run to 2^20, where
  // float sums show their growth; the structured rows stop at 128256: in
  // llm, thresholds and increasing no error at 2^20 was twice that at
  // 128256, the special rows have none, and equal, ties, adjacent and
  // overflow-edge show the same sum growth as the random families.
  for (const char* name : {"llm", "thresholds", "overflow-edge", "equal", "increasing", "adjacent", "ties", "offset-1e8", "masked-one",
                           "masked-all", "posinf", "nan"})
    g.short_families.push_back(find_family(name));
  g.short_max_n = 128256;
  // The other operations share softmax's exponentials and sums: the sizes
  // where their errors could differ (tails of the vector bodies, block
  // boundaries, the vocabularies, 2^20), not every one.
  // Past 32000 (the smaller vocabulary) only the families whose errors grow
  // with n or that hold the cases these operations lose digits on: a
  // dominant logit, a huge offset, the language-model rows (to 128256).
  g.op_sizes = {1, 2, 3, 7, 16, 17, 33, 100, 1000, 4096, 32000, 128256, 1u << 20};
  g.op_short_max_n = 32000;
  for (const char* name : {"normal-1", "dominant", "offset", "llm"}) g.op_long_families.push_back(find_family(name));
  // Temperatures: the division's cost shows at any n.
  g.temperature_max_n = 4096;
  return g;
}

}  // namespace smx
