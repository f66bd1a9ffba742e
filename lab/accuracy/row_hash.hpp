// A 64-bit hash of a row's bytes: a cheap first test of "same output as one
// measured already"; equal hashes are confirmed with memcmp before any reuse.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>

namespace smx {

template <class T>
std::uint64_t row_hash(std::span<const T> y) {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8);
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ y.size();
  for (const T& v : y) {
    std::uint64_t w = 0;
    std::memcpy(&w, &v, sizeof(T));
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 29;
  }
  return h;
}

}  // namespace smx
