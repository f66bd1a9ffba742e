#include "bench/plan.hpp"

#include <algorithm>
#include <array>

#include "bench/probes.hpp"

namespace smx {
namespace {

constexpr BenchFamily families[] = {
    {"normal", "normal-1"},  // the everyday case: logits of a few units
    {"wide", "wide"},        // beyond exp's range: most outputs subnormal or 0
    {"masked", "masked"},    // about half -inf
    {"offset", "offset"},    // 1e4 + small spread: the max shift matters
};
constexpr BatchShape shapes[] = {{64, 32000}, {512, 1024}, {4096, 128}};
constexpr int thread_counts[] = {1, 2};

// 16 to 2^26 in powers of 4, and the vocabulary sizes of common language models.
constexpr std::size_t full_sizes[] = {16,     64,     256,    1000,   1024,    4096,    16384,    32000,   50257,
                                      65536,  128256, 151936, 262144, 1048576, 4194304, 16777216, 67108864};
// Quick: the sizes the speed targets name, in cache (1024, 32000 and 128256,
// a vocabulary size), and one or two more per level of the memory hierarchy
// for the figures (working set 2n·4 bytes in f32: 256 to 4096 in L1, 32000
// and 128256 in L2, 2^20 in L3, 2^22 filling a 32 MiB L3; in f64 2^22 is in
// DRAM).
constexpr std::size_t quick_sizes[] = {256, 1024, 4096, 32000, 128256, 1048576, 4194304};
// Quick, the other families: one size in L1, the vocabulary size.
constexpr std::size_t quick_family_sizes[] = {4096, 128256};
// Quick, out of cache (the targets at 2^24, f32): the dispatching entries of
// the suite's own kernels and the peers only, so that verifying the row (a
// few seconds each) stays affordable; ISA paths and textbook kernels have
// 2^22 for the same memory level.
constexpr std::size_t quick_dram_size = 16777216;

// The element types the timing code runs (bench/timed.cpp).
constexpr Dtype timed_dtypes[] = {Dtype::f32, Dtype::f64};

struct Builder {
  const PlanOptions& options;
  std::vector<BenchCase> cases;

  std::size_t capped(std::size_t elements) const {
    return options.max_elements ? std::min(elements, options.max_elements) : elements;
  }

  void softmax(const Impl& impl, Dtype d, const BenchFamily& f, std::size_t n, bool ftz) {
    BenchCase c{{BenchId::Kind::softmax, d, std::string(impl.name), std::string(f.name), n, 0, 0, ftz}, &impl,
                f.input_family, capped(n), 0};
    cases.push_back(std::move(c));
  }
  void batched(const Impl& impl, Dtype d, BatchShape s, int threads) {
    const BenchFamily& f = families[0];
    BenchCase c{{BenchId::Kind::softmax, d, std::string(impl.name), std::string(f.name), s.cols, s.rows, threads, false},
                &impl, f.input_family, s.cols, s.rows};
    if (options.max_elements && s.rows * s.cols > options.max_elements) {  // keep the shape's spirit: rows and cols shrink
      c.rows = std::max<std::size_t>(2, std::min(s.rows, options.max_elements / 4));
      c.n = std::max<std::size_t>(1, options.max_elements / c.rows);
    }
    cases.push_back(std::move(c));
  }
};

// How the quick preset covers each role, so that it stays within a few
// minutes however many ISA paths the list has: an ISA path is timed on normal
// rows only (its kernel entry, which runs the best path, has the rest, and
// its out-of-cache size is the full preset's 2^22); the suite's kernels and
// the peers are also timed out of cache (the targets at 2^24).
struct QuickCoverage {
  Role role;
  bool every_family, out_of_cache;
};
constexpr QuickCoverage quick_coverage[] = {
    {Role::textbook, true, false}, {Role::kernel, true, true},  {Role::isa_path, false, false},
    {Role::peer, true, true},      {Role::plugin, true, true},  {Role::external, true, false},
    {Role::test, true, false},
};
const QuickCoverage& coverage(Role r) {
  for (const QuickCoverage& c : quick_coverage)
    if (c.role == r) return c;
  return quick_coverage[0];
}

std::vector<Dtype> provided(const Impl& impl) {
  std::vector<Dtype> out;
  for (Dtype d : {Dtype::f32, Dtype::f64})
    if (impl.provides(Op::softmax, d)) out.push_back(d);
  return out;
}

}  // namespace

std::string_view to_string(Preset p) { return p == Preset::quick ? "quick" : "full"; }
std::span<const BenchFamily> bench_families() { return families; }
std::span<const BatchShape> batch_shapes() { return shapes; }
std::span<const int> batch_threads() { return thread_counts; }

std::vector<BenchCase> bench_plan(const PlanOptions& options) {
  Builder b{options, {}};
  const bool quick = options.preset == Preset::quick;
  const std::span<const std::size_t> sizes = quick ? std::span<const std::size_t>(quick_sizes) : full_sizes;

  for (const Impl& impl : options.impls) {
    if (!impl.available()) continue;
    const bool path_only_normal = quick && !coverage(impl.role).every_family;
    for (const Dtype d : provided(impl)) {
      for (const BenchFamily& f : families) {
        const bool main = f.name == families[0].name;
        if (path_only_normal && !main) continue;
        for (const std::size_t n : (quick && !main) ? std::span<const std::size_t>(quick_family_sizes) : sizes) {
          b.softmax(impl, d, f, n, false);
          if (f.name == "wide") b.softmax(impl, d, f, n, true);  // subnormal outputs: the denormal slow path
        }
      }
      if (quick && d == Dtype::f32 && coverage(impl.role).out_of_cache) b.softmax(impl, d, families[0], quick_dram_size, false);
      if (quick && (d == Dtype::f64 || path_only_normal)) continue;  // quick: batched in f32 only
      for (const BatchShape& s : shapes)
        for (const int t : thread_counts) b.batched(impl, d, s, t);
    }
  }

  for (const MemoryLevel& level : memory_levels()) {
    BenchCase c;
    c.id.kind = BenchId::Kind::copy;
    c.id.n = level.copy_bytes;
    c.n = options.max_elements ? std::min(level.copy_bytes, 8 * options.max_elements) : level.copy_bytes;
    b.cases.push_back(std::move(c));
  }
  const auto exp_probe = [&](Dtype d, std::size_t n) {
    BenchCase c;
    c.id.kind = BenchId::Kind::exp;
    c.id.dtype = d;
    c.id.n = n;
    c.input_family = families[0].input_family;
    c.n = b.capped(n);
    b.cases.push_back(std::move(c));
  };
  for (const Dtype d : {Dtype::f32, Dtype::f64})
    for (const std::size_t n : sizes) exp_probe(d, n);
  if (quick) exp_probe(Dtype::f32, quick_dram_size);
  return b.cases;
}

}  // namespace smx
