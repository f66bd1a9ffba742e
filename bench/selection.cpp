#include "bench/selection.hpp"

#include <algorithm>

namespace smx {
namespace {

// An empty list lets everything through.
template <class T, class U>
bool admits(const std::vector<T>& list, const U& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

bool BenchSelection::keeps(const BenchCase& c) const {
  if (!narrows()) return true;
  return c.id.kind == BenchId::Kind::op && admits(impls, c.impl) && admits(dtypes, c.id.dtype) &&
         admits(input_families, c.input_family) && admits(sizes, c.id.n) && admits(ops, c.id.op);
}

}  // namespace smx
