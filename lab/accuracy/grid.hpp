// What an accuracy run covers: implementations x dtypes x families x sizes x seeds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "impls/registry.hpp"
#include "lab/families.hpp"
#include "lab/ops/op_case.hpp"

namespace smx {

struct AccuracyGrid {
  std::vector<const Impl*> impls;            // available ones only
  std::vector<Dtype> dtypes;
  std::vector<const FamilyInfo*> families;
  std::vector<std::size_t> sizes;
  std::vector<std::uint64_t> seeds;          // random families run once per seed, others once
  std::vector<Op> ops{Op::softmax};          // operations measured (softmax and the others)
  std::vector<std::size_t> op_sizes;         // row lengths for the operations beyond softmax
  // Of those, rows longer than op_short_max_n run only for op_long_families
  // (empty: every family).
  std::size_t op_short_max_n = static_cast<std::size_t>(-1);
  std::vector<const FamilyInfo*> op_long_families;
  // softmax and log_softmax also run at these temperatures (x / T), on the
  // finite families up to temperature_max_n.
  std::vector<double> temperatures;
  std::size_t temperature_max_n = 32000;
  // Rows longer than this run the first seed only: they hold hundreds of
  // thousands of outputs already, and the report must finish in about a minute.
  std::size_t all_seeds_up_to_n = 65536;
  // These families stop at short_max_n: rows longer than that are not run.
  std::vector<const FamilyInfo*> short_families;
  std::size_t short_max_n = 0;

  bool runs(const FamilyInfo& f, std::size_t n) const;
  bool op_long_family(const FamilyInfo& f) const;
};

// Every available implementation and family, f32 and f64, n from 1 to 2^20
// with the LLM vocabularies, seeds 1..3; the structured and special families
// stop at 128256.
AccuracyGrid default_accuracy_grid();
// The same with every family at every size.
AccuracyGrid full_accuracy_grid();

}  // namespace smx
