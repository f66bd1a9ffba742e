// The filters every command shares (--impl, --dtype, --format, --n), parsed
// and validated in one place so the messages are the same everywhere.
// All throw UsageError with a message naming the option and the valid values.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "impls/registry.hpp"
#include "lab/families.hpp"

namespace smx::cli {

// "a,b, c" -> {"a", "b", "c"}; blanks around items trimmed. An empty item
// ("a,,b", "", "a,") is an error: it is always a typo.
std::vector<std::string> split_list(std::string_view value, std::string_view option);

// Dtype and to_string(Dtype) come from impls/registry.hpp.
// --dtype: "f32", "f64", or (when allow_both) "both", "all" or "f32,f64".
// Result in the order f32, f64, without duplicates.
std::vector<Dtype> parse_dtypes(std::string_view value, bool allow_both);
// A temperature: a finite number > 0 ("0.7", "2").
double parse_temperature(std::string_view value);
// --op lists: operation names (impls/op.hpp), each once, in the order given.
std::vector<Op> parse_ops(const std::vector<std::string>& values);

enum class Format { table, csv, json, md };
std::string_view to_string(Format);
Format parse_format(std::string_view value, std::span<const Format> allowed);

struct ImplChoice {
  const Impl* impl;
  bool named;  // named exactly, not reached through "all" or a "prefix*" pattern
};

// Every --impl value: comma lists of names, "all", or "prefix*" patterns
// ("vectorized*"). Registry order within a pattern, command-line order
// otherwise, each implementation once. Unknown names list the valid ones.
std::vector<ImplChoice> parse_impls(std::span<const std::string> values);

// Every --family value: comma lists of family names, or "all". Unknown
// names list the valid ones. Registry order for "all", else as given.
std::vector<const FamilyInfo*> parse_families(std::span<const std::string> values);

// Every --n value: comma lists of sizes (decimal, optional k/M/G binary
// suffix: 4k = 4096), each once, in the order given.
std::vector<std::size_t> parse_sizes(std::span<const std::string> values);

}  // namespace smx::cli
