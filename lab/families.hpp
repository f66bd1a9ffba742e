// Input families: named, seeded, reproducible rows shared by the tests, the
// accuracy report and the benchmarks. family<T>(name, n, seed) gives the same
// values on every run and every machine (own generators, no std::*_distribution,
// whose output the standard leaves to the library).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace smx {

enum class FamilyKind {
  finite,   // finite logits: accuracy budgets and order checks apply
  masked,   // finite logits and some -inf: as finite, plus exact zeros at -inf
  special,  // all -inf, +inf or NaN: only the declared special-value policy applies
};

struct FamilyInfo {
  std::string_view name;
  std::string_view description;  // one line, says the values in float terms
  FamilyKind kind;
  bool random;  // depends on the seed (others ignore it)
};

std::span<const FamilyInfo> all_families();
const FamilyInfo* find_family(std::string_view name);

// Throws std::invalid_argument for an unknown name.
template <class T>
std::vector<T> family(std::string_view name, std::size_t n, std::uint64_t seed = 1);

}  // namespace smx
