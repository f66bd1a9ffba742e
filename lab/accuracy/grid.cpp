#include "lab/accuracy/grid.hpp"

namespace smx {

AccuracyGrid default_accuracy_grid() {
  AccuracyGrid g;
  for (const Impl& impl : all_impls())
    if (impl.available()) g.impls.push_back(&impl);
  g.dtypes = {Dtype::f32, Dtype::f64};
  for (const FamilyInfo& f : all_families()) g.families.push_back(&f);
  // Tails of 4/8/16-lane bodies, powers of two, the LLM vocabularies, 2^20.
  g.sizes = {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1000, 1024, 4096, 32000, 50257, 128256, 1u << 20};
  g.seeds = {1, 2, 3};
  return g;
}

}  // namespace smx
