// The shared filters (--impl, --op, --dtype, --family, --n) applied to the
// benchmark plan, so that `bench` takes them with the same meaning as
// `accuracy`: families are lab/families.hpp names (normal-1, wide, ...), n
// is the row length (batched shapes: the columns).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "impls/registry.hpp"
#include "bench/plan.hpp"

namespace smx {

// Each list empty: no narrowing by it. Any one given selects the
// operations' benchmarks only: the roofline probes belong to no
// implementation, operation or family (--benchmark_filter=probe times them).
struct BenchSelection {
  std::vector<const Impl*> impls = {};
  std::vector<Dtype> dtypes = {};
  std::vector<std::string_view> input_families = {};
  std::vector<std::size_t> sizes = {};
  std::vector<Op> ops = {};

  bool narrows() const {
    return !impls.empty() || !dtypes.empty() || !input_families.empty() || !sizes.empty() || !ops.empty();
  }
  bool keeps(const BenchCase& c) const;
};

}  // namespace smx
