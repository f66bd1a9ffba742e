// The loops over a row that every pass of the intrinsics paths shares: four
// vectors at a time, then one, then the remainder under a lane mask, which
// runs the same instructions, so equal inputs give bit-identical outputs
// wherever they sit in the row. Anonymous namespace: see exp.hpp.
#pragma once

#include <cstddef>

namespace {

// Runs f(i, mask) over the row in vectors of L (4 at a time in the body:
// f4(i)), the remainder masked. Keeps the three loops of each pass in one place.
template <class O, class F4, class F1>
inline void for_row(std::size_t n, F4&& f4, F1&& f1) {
  constexpr std::size_t L = O::lanes;
  std::size_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L) f4(i);
  for (; i + L <= n; i += L) f1(i, O::all(), false);
  if (i < n) f1(i, O::first(n - i), true);
}

// y[i] = f(x[i]), a vector at a time (the masked tail loads zeros and
// stores only its own lanes).
template <class O, class F>
inline void map_row(const typename O::T* x, typename O::T* y, std::size_t n, F&& f) {
  for_row<O>(
      n,
      [&](std::size_t i) {
        for (std::size_t j = 0; j < 4; ++j) O::store(y + i + j * O::lanes, f(O::load(x + i + j * O::lanes)));
      },
      [&](std::size_t i, typename O::M k, bool tail) {
        if (tail) O::store_m(y + i, k, f(O::load_z(k, x + i)));
        else O::store(y + i, f(O::load(x + i)));
      });
}

template <class O>
typename O::T row_max(const typename O::T* x, std::size_t n) {
  using V = typename O::V;
  constexpr std::size_t L = O::lanes;
  const V ninf = O::set1(-__builtin_huge_valf());
  V m0 = ninf, m1 = ninf, m2 = ninf, m3 = ninf;
  std::size_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L) {
    m0 = O::max(O::load(x + i), m0);
    m1 = O::max(O::load(x + i + L), m1);
    m2 = O::max(O::load(x + i + 2 * L), m2);
    m3 = O::max(O::load(x + i + 3 * L), m3);
  }
  for (; i + L <= n; i += L) m0 = O::max(O::load(x + i), m0);
  if (i < n) m1 = O::max(O::load_or(O::first(n - i), x + i, ninf), m1);
  return O::reduce_max(O::max(O::max(m0, m1), O::max(m2, m3)));
}

}  // namespace
