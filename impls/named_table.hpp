// Lookup in the vocabulary tables (operations, element types, roles): each
// is a std::array of rows indexed by their enum, with a `name` field.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace smx {

// The row of enum value k: tables list their rows in enum order.
template <class Row, std::size_t N, class Key>
constexpr const Row& row_of(const std::array<Row, N>& table, Key k) {
  return table[static_cast<std::size_t>(k)];
}

// The key of the row called `name`, or nullopt.
template <class Row, std::size_t N, class Key>
constexpr std::optional<Key> key_named(const std::array<Row, N>& table, Key Row::*key, std::string_view name) {
  for (const Row& r : table)
    if (r.name == name) return r.*key;
  return std::nullopt;
}

}  // namespace smx
