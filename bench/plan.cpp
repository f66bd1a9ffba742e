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
// The operations beyond softmax: the same, and the cross-entropy target's
// shape, a batch of rows over a vocabulary of 128256.
constexpr BatchShape op_shapes[] = {{64, 32000}, {512, 1024}, {4096, 128}, {64, 128256}};
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
// Quick, the operations beyond softmax: a small share, f32 normal rows at
// the in-cache sizes their speed targets name, and the batched shapes they
// name, for the roles whose coverage has them.
constexpr std::size_t quick_op_sizes[] = {32000, 128256};
struct QuickBatch {
  Op op;
  BatchShape shape;
  int threads;
};
constexpr QuickBatch quick_op_batches[] = {{Op::cross_entropy, {64, 128256}, 1}};

// The element types the timing code runs (bench/timed.cpp).
constexpr Dtype timed_dtypes[] = {Dtype::f32, Dtype::f64};

struct Builder {
  const PlanOptions& options;
  std::vector<BenchCase> cases;

  std::size_t capped(std::size_t elements) const {
    return options.max_elements ? std::min(elements, options.max_elements) : elements;
  }

  void row(const Impl& impl, Op op, Dtype d, const BenchFamily& f, std::size_t n, bool ftz) {
    BenchCase c{{BenchId::Kind::op, d, std::string(impl.name), std::string(f.name), n, 0, 0, ftz, op}, &impl,
                f.input_family, capped(n), 0};
    cases.push_back(std::move(c));
  }
  void batched(const Impl& impl, Op op, Dtype d, BatchShape s, int threads) {
    const BenchFamily& f = families[0];
    BenchCase c{{BenchId::Kind::op, d, std::string(impl.name), std::string(f.name), s.cols, s.rows, threads, false, op},
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
// the peers are also timed out of cache (the targets at 2^24) and on the
// operations beyond softmax (quick_op_sizes, quick_op_batches), which the
// textbook entries have in the full preset only; test doubles everywhere
// they are cheap, so that the tests see every kind of benchmark.
struct QuickCoverage {
  Role role;
  bool every_family, out_of_cache, other_ops;
};
constexpr QuickCoverage quick_coverage[] = {
    {Role::textbook, true, false, false}, {Role::kernel, true, true, true},  {Role::isa_path, false, false, false},
    {Role::peer, true, true, true},       {Role::plugin, true, true, true},  {Role::external, true, false, false},
    {Role::test, true, false, true},
};
const QuickCoverage& coverage(Role r) {
  for (const QuickCoverage& c : quick_coverage)
    if (c.role == r) return c;
  return quick_coverage[0];
}

std::vector<Dtype> provided(const Impl& impl, Op op) {
  std::vector<Dtype> out;
  for (Dtype d : timed_dtypes)
    if (impl.provides(op, d)) out.push_back(d);
  return out;
}

// The full preset: every family at every size (wide also under FTZ/DAZ), every batched shape at every thread count.
void full_cases(Builder& b, const Impl& impl, Op op, Dtype d) {
  for (const BenchFamily& f : families)
    for (const std::size_t n : full_sizes) {
      b.row(impl, op, d, f, n, false);
      if (f.name == "wide") b.row(impl, op, d, f, n, true);  // subnormal outputs: the denormal slow path
    }
  for (const BatchShape& s : batch_shapes(op))
    for (const int t : thread_counts) b.batched(impl, op, d, s, t);
}

void quick_softmax(Builder& b, const Impl& impl, Dtype d) {
  const bool path_only_normal = !coverage(impl.role).every_family;
  for (const BenchFamily& f : families) {
    const bool main = f.name == families[0].name;
    if (path_only_normal && !main) continue;
    for (const std::size_t n : main ? std::span<const std::size_t>(quick_sizes) : quick_family_sizes) {
      b.row(impl, Op::softmax, d, f, n, false);
      if (f.name == "wide") b.row(impl, Op::softmax, d, f, n, true);
    }
  }
  if (d == Dtype::f32 && coverage(impl.role).out_of_cache) b.row(impl, Op::softmax, d, families[0], quick_dram_size, false);
  if (d == Dtype::f64 || path_only_normal) return;  // quick: batched in f32 only
  for (const BatchShape& s : shapes)
    for (const int t : thread_counts) b.batched(impl, Op::softmax, d, s, t);
}

void quick_other_op(Builder& b, const Impl& impl, Op op, Dtype d) {
  if (!coverage(impl.role).other_ops || d != Dtype::f32) return;
  for (const std::size_t n : quick_op_sizes) b.row(impl, op, d, families[0], n, false);
  for (const QuickBatch& q : quick_op_batches)
    if (q.op == op) b.batched(impl, op, d, q.shape, q.threads);
}

}  // namespace

std::string_view to_string(Preset p) { return p == Preset::quick ? "quick" : "full"; }
std::span<const BenchFamily> bench_families() { return families; }
std::span<const BatchShape> batch_shapes(Op op) {
  if (op == Op::softmax) return shapes;
  return op_shapes;
}
std::span<const int> batch_threads() { return thread_counts; }

std::vector<BenchCase> bench_plan(const PlanOptions& options) {
  Builder b{options, {}};
  const bool quick = options.preset == Preset::quick;
  const std::span<const std::size_t> sizes = quick ? std::span<const std::size_t>(quick_sizes) : full_sizes;

  for (const Impl& impl : options.impls) {
    if (!impl.available()) continue;
    for (const OpInfo& op : op_table)
      for (const Dtype d : provided(impl, op.op)) {
        if (!quick) full_cases(b, impl, op.op, d);
        else if (op.op == Op::softmax) quick_softmax(b, impl, d);
        else quick_other_op(b, impl, op.op, d);
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
