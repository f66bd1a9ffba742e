// What an accuracy run covers: implementations x dtypes x families x sizes x seeds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "impls/registry.hpp"
#include "lab/families.hpp"

namespace smx {

struct AccuracyGrid {
  std::vector<const Impl*> impls;            // available ones only
  std::vector<Dtype> dtypes;
  std::vector<const FamilyInfo*> families;
  std::vector<std::size_t> sizes;
  std::vector<std::uint64_t> seeds;          // random families run once per seed, others once
  // Rows longer than this run the first seed only: they hold hundreds of
  // thousands of outputs already, and the report must finish in about a minute.
  std::size_t all_seeds_up_to_n = 65536;
};

// Every available implementation and family, f32 and f64, the sizes of the
// issue (1 ... 2^20 with the LLM vocabularies), seeds 1..3.
AccuracyGrid default_accuracy_grid();

}  // namespace smx
