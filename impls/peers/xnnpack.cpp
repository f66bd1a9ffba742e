// peer.xnnpack: XNNPACK's softmax_nc_f32 operator (Debian libxnnpack-dev),
// created once per shape (impls/peers/shape_cache.hpp) and run on the
// caller's buffers. XNNPACK is float only.
//
// Zero-copy: setup only records the caller's x and y pointers (and strides)
// in the operator; the run reads x and writes y directly. In place works: per
// row the kernel reads x for the max, then writes y[i] = exp(x[i] - max)
// from x[i] element by element, then scales y; every read of x[i] comes
// before the write of y[i] (the conformance test checks the bits).
#include <pthreadpool.h>
#include <xnnpack.h>

#include <algorithm>
#include <memory>
#include <vector>
#include <stdexcept>
#include <string>
#include <tuple>

#include "impls/peers/shape_cache.hpp"
#include "impls/registry.hpp"

// XNNPACK has no version API: CMake passes the Debian package's (FindXNNPACK.cmake).
#ifndef SMX_XNNPACK_VERSION
#define SMX_XNNPACK_VERSION "(version unknown)"
#endif

namespace smx::impls {
namespace {

bool initialized() {
  static const bool ok = xnn_initialize(nullptr) == xnn_status_success;
  return ok;
}

void check(xnn_status status, const char* what) {
  if (status != xnn_status_success)
    throw std::runtime_error(std::string("peer.xnnpack: ") + what + " failed, status " + std::to_string(status));
}

struct DeleteOperator {
  void operator()(xnn_operator_t op) const { xnn_delete_operator(op); }
};
using Operator = std::unique_ptr<xnn_operator, DeleteOperator>;

// One operator per (cols, ldx, ldy), per thread.
xnn_operator_t softmax_operator(std::size_t cols, std::size_t ldx, std::size_t ldy) {
  thread_local peers::ShapeCache<std::tuple<std::size_t, std::size_t, std::size_t>, Operator> cache;
  return cache
      .get({cols, ldx, ldy},
           [&] {
             if (!initialized()) throw std::runtime_error("peer.xnnpack: xnn_initialize failed");
             xnn_operator_t op = nullptr;
             check(xnn_create_softmax_nc_f32(cols, ldx, ldy, 0, &op), "xnn_create_softmax_nc_f32");
             return Operator(op);
           })
      .get();
}

struct DestroyPool {
  void operator()(pthreadpool_t pool) const { pthreadpool_destroy(pool); }
};

// threads == 1: no pool (XNNPACK runs on the caller); else a pthreadpool of
// that size (0: one thread per core), kept per thread.
pthreadpool_t pool_of(int threads) {
  if (threads == 1) return nullptr;
  thread_local peers::ShapeCache<int, std::unique_ptr<pthreadpool, DestroyPool>> pools;
  return pools.get(threads, [&] {
    return std::unique_ptr<pthreadpool, DestroyPool>(pthreadpool_create(static_cast<std::size_t>(threads)));
  }).get();
}

void run(const float* x, std::size_t ldx, float* y, std::size_t ldy, std::size_t rows, std::size_t cols, int threads) {
  if (rows == 0 || cols == 0) return;  // XNNPACK rejects 0 channels; nothing to do anyway
  xnn_operator_t op = softmax_operator(cols, ldx, ldy);
  pthreadpool_t pool = pool_of(threads);
  check(xnn_setup_softmax_nc_f32(op, rows, x, y, pool), "xnn_setup_softmax_nc_f32");
  check(xnn_run_operator(op, pool), "xnn_run_operator");
}

// XNNPACK's kernels may read up to XNN_EXTRA_BYTES past the end of their
// input (xnnpack.h asks callers to allocate that much more); the registry's
// rows promise no such slack, so a row is copied into a padded buffer first.
void row(const float* x, float* y, std::size_t n) {
  thread_local std::vector<float> padded;
  padded.resize(n + XNN_EXTRA_BYTES / sizeof(float));
  std::copy(x, x + n, padded.begin());
  run(padded.data(), n, y, n, 1, n, 1);
}

// XNNPACK's kernels: the max, then exp(x - max) stored and summed in vector
// lanes, then a multiply by 1/sum: a distance term and an n term. Its exp
// breaks down for small results: outputs below about 2^-116 come out as a
// bare power of two (errors up to millions of ulp, relative errors up to
// 40%), and scattered ones up to 2^-112 are off by hundreds of ulp; so no
// claim below 2^-111. Subnormal outputs are all 0.
// Measured on the accuracy grid (every family, n = 1 .. 2^20, seeds 1-3; the
// kernels XNNPACK picks for this CPU) and on softmax([0, x]) for x in
// [-88, -60] by 0.0013 (eval): beyond the distance term at most 3.5 ulp for
// n <= 100; the n term needs 0.035·n (the "ties" row of n = 1024, 41 ulp);
// worst output at or above 2^-111: 11798 ulp (n = 2^20). A row of 2^16 nearly
// equal values below its max (tests/exact_shift_order_test.cpp) needs 0.0375·n
// (2465 ulp): the n term is rounded up from that.
constexpr UlpBudget kBudgetF32{.base = 4, .per_element = 0.042, .per_distance = 1, .floor = 0x1p-111};

}  // namespace

Impl peer_xnnpack() {
  return {
      .name = "peer.xnnpack",
      .summary = "XNNPACK " SMX_XNNPACK_VERSION " softmax_nc_f32 operator, created once per shape, on the caller's memory",
      .role = Role::peer,
      .kernels = {cell<Op::softmax>(row, kBudgetF32, {.batch = run})},  // XNNPACK's softmax is float only
      .available = initialized,
      .behaviour = {.special = {.all_neg_inf = AllNegInf::neg_inf, .pos_inf = PosInf::neg_inf, .nan_input = NanInput::neg_inf},
                    .subnormals = Subnormals::flushed},
  };
}

}  // namespace smx::impls
