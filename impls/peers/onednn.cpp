// peer.onednn: the oneDNN softmax primitive (Debian libdnnl-dev), the
// accurate algorithm (softmax_v2, max-shifted), along the last axis. The
// primitive is created once per shape (impls/peers/shape_cache.hpp) with
// memory objects that only ever point at the caller's buffers. oneDNN 2.6
// has no f64 data type, so the peer is float only.
//
// Zero-copy: per call only the data handles of the cached memory objects are
// set to the caller's x and y; the primitive reads x and writes y directly
// (see batch for padded rows). In place works: the last-axis kernel reads a
// row for its max before writing that row (the conformance test checks the
// bits).
#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <cstdio>
#include <string>
#include <tuple>

#include "impls/peers/omp_threads.hpp"
#include "impls/peers/shape_cache.hpp"
#include "impls/registry.hpp"

namespace smx::impls {
namespace {

using dnnl::memory;
constexpr dnnl::algorithm kSoftmax = dnnl::algorithm::softmax_accurate;
constexpr dnnl::algorithm kLogSoftmax = dnnl::algorithm::softmax_log;

struct Softmax {
  memory src, dst;
  dnnl::softmax_v2_forward primitive;
};

const dnnl::engine& cpu() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// Dense rows x cols (row stride cols): the layout oneDNN's JIT kernel takes.
memory::desc dense(std::size_t rows, std::size_t cols) {
  return {{static_cast<memory::dim>(rows), static_cast<memory::dim>(cols)}, memory::data_type::f32,
          memory::format_tag::ab};
}

// softmax_accurate (softmax) or softmax_log (log_softmax) over each row.
dnnl::softmax_v2_forward::primitive_desc forward_pd(dnnl::prop_kind prop, dnnl::algorithm algorithm,
                                                    std::size_t rows, std::size_t cols) {
  const memory::desc md = dense(rows, cols);
  return {dnnl::softmax_v2_forward::desc(prop, algorithm, md, md, 1), cpu()};
}

Softmax make_softmax(dnnl::algorithm algorithm, std::size_t rows, std::size_t cols) {
  const auto pd = forward_pd(dnnl::prop_kind::forward_inference, algorithm, rows, cols);
  const memory::desc md = dense(rows, cols);
  return {memory(md, cpu(), DNNL_MEMORY_NONE), memory(md, cpu(), DNNL_MEMORY_NONE), dnnl::softmax_v2_forward(pd)};
}

// Dense rows, on the calling thread's OpenMP thread count (impls/peers/omp_threads.hpp).
// A primitive keeps the thread count it was created with, so that is part of the key.
template <dnnl::algorithm algorithm>
void run(const float* x, float* y, std::size_t rows, std::size_t cols) {
  thread_local peers::ShapeCache<std::tuple<std::size_t, std::size_t, int>, Softmax> cache;
  thread_local dnnl::stream stream(cpu());
  Softmax& s = cache.get({rows, cols, omp_get_max_threads()}, [&] { return make_softmax(algorithm, rows, cols); });
  s.src.set_data_handle(const_cast<float*>(x));  // oneDNN takes void*; a source is never written
  s.dst.set_data_handle(y);
  s.primitive.execute(stream, {{DNNL_ARG_SRC, s.src}, {DNNL_ARG_DST, s.dst}});
  stream.wait();
}

template <dnnl::algorithm algorithm>
void row(const float* x, float* y, std::size_t n) {
  if (n == 0) return;
  peers::OmpThreads one(1);
  run<algorithm>(x, y, 1, n);
}

// Dense rows: one primitive over all of them, oneDNN threads over the rows.
// Padded rows: oneDNN 2.6 takes strided rows only with its reference kernel
// (impl "ref:any": another algorithm, other bits, much slower), so each row
// goes through the dense one-row primitive instead, one after another (oneDNN
// has no public parallel-for to spread them with).
template <dnnl::algorithm algorithm>
void batch(const float* x, std::size_t ldx, float* y, std::size_t ldy, std::size_t rows, std::size_t cols,
           int threads) {
  if (rows == 0 || cols == 0) return;
  if (ldx == cols && ldy == cols) {
    peers::OmpThreads guard(threads);
    return run<algorithm>(x, y, rows, cols);
  }
  peers::OmpThreads one(1);
  for (std::size_t r = 0; r < rows; ++r) run<algorithm>(x + r * ldx, y + r * ldy, 1, cols);
}

struct Backward {
  memory dst, diff_dst, diff_src;
  dnnl::softmax_v2_backward primitive;
};

// The backward primitive takes the forward one's descriptor as its hint.
Backward make_backward(std::size_t n) {
  const memory::desc md = dense(1, n);
  const auto hint = forward_pd(dnnl::prop_kind::forward_training, dnnl::algorithm::softmax_accurate, 1, n);
  const dnnl::softmax_v2_backward::desc desc(dnnl::algorithm::softmax_accurate, md, md, md, 1);
  const dnnl::softmax_v2_backward::primitive_desc pd(desc, cpu(), hint);
  return {memory(md, cpu(), DNNL_MEMORY_NONE), memory(md, cpu(), DNNL_MEMORY_NONE),
          memory(md, cpu(), DNNL_MEMORY_NONE), dnnl::softmax_v2_backward(pd)};
}

// dx = y * (dy - <dy, y>), one row on one thread.
void backward(const float* y, const float* dy, float* dx, std::size_t n) {
  if (n == 0) return;
  peers::OmpThreads one(1);
  thread_local peers::ShapeCache<std::size_t, Backward> cache;
  thread_local dnnl::stream stream(cpu());
  Backward& b = cache.get(n, [&] { return make_backward(n); });
  b.dst.set_data_handle(const_cast<float*>(y));  // sources are never written
  b.diff_dst.set_data_handle(const_cast<float*>(dy));
  b.diff_src.set_data_handle(dx);
  b.primitive.execute(stream, {{DNNL_ARG_DST, b.dst}, {DNNL_ARG_DIFF_DST, b.diff_dst}, {DNNL_ARG_DIFF_SRC, b.diff_src}});
  stream.wait();
}

std::string_view summary() {
  static const std::string text = [] {
    const dnnl_version_t* v = dnnl::version();  // the library loaded, not the headers
    char buf[160];
    std::snprintf(buf, sizeof buf, "oneDNN %d.%d.%d softmax primitive (accurate), created once per shape, on the caller's memory",
                  v->major, v->minor, v->patch);
    return std::string(buf);
  }();
  return text;
}

// oneDNN's JIT kernel: the max, exp(x - max) with its own polynomial exp, a
// sum in vector lanes, then a scale by 1/sum: a distance term and an n term,
// as for any max-shifted float softmax with a lane sum. Its exp returns 0 once
// x - max is below about -87 (before the normal range ends), so outputs up to
// 2^-125.5 come out 0 and those just above are off by a few ulp more: no claim
// below 2^-125 (millions of ulp there); subnormal outputs are all 0.
// Measured on the accuracy grid (every family, n = 1 .. 2^20, seeds 1-3), with
// its AVX-512 kernel and with ONEDNN_MAX_CPU_ISA=AVX2 (scratch fit): beyond the
// distance term at most 3.9 ulp for n <= 100; the n term needs 0.0044·n
// (AVX-512) and 0.0100·n (AVX2, "ties" row of n = 50257); worst output at or
// above 2^-125: 1967 ulp (n = 2^20).
constexpr UlpBudget kBudgetF32{.base = 4, .per_element = 0.011, .per_distance = 1, .floor = 0x1p-125};

// log_softmax (softmax_log): no ulp budget. Outputs near 0 are not even 0:
// the max element comes out +1.43e-6 (a log-probability above 0) for n = 1,
// where the exact value is 0, and for a "thresholds" row (n = 32000, exact
// -1.2e-34); where |y| >= 1/2 at most 58 ulp (n = 32). Special values as the
// softmax's, in log space: NaN at the +inf (NaN) entries, -inf elsewhere
// (or NaN, by vector lane, for a NaN); all -inf gives NaN.
constexpr Behaviour kLogBehaviour{.special = {.pos_inf = PosInf::nan_at_inf, .nan_input = NanInput::nan_at_nan},
                                  .subnormals = Subnormals::unclaimed};
// softmax_backward: no ulp budget (dy - <dy, y> cancels: 1.5e7 ulp where
// y = 1, "dominant" n = 32000). Measured: a NaN in y gives a NaN row, outputs
// below the normal range are computed, not flushed: the default behaviour.

}  // namespace

Impl peer_onednn() {
  return {
      .name = "peer.onednn",
      .summary = summary(),
      .role = Role::peer,
      // oneDNN 2.6 has no f64 softmax
      .kernels = {cell<Op::softmax>(row<kSoftmax>, kBudgetF32, {.batch = batch<kSoftmax>}),
                  cell<Op::log_softmax>(row<kLogSoftmax>, {}, {.batch = batch<kLogSoftmax>, .behaviour = kLogBehaviour}),
                  cell<Op::softmax_backward>(backward, {}, {.behaviour = Behaviour{}})},
      .behaviour = {.special = {.pos_inf = PosInf::nan_at_inf, .nan_input = NanInput::nan_at_nan},
                    .subnormals = Subnormals::flushed},
  };
}

}  // namespace smx::impls
