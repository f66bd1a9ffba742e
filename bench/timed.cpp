#include "bench/timed.hpp"

#include <time.h>

#include "impls/simd/dispatch.hpp"
#include "bench/ftz.hpp"
#include "bench/op_call.hpp"
#include "bench/op_inputs.hpp"
#include "bench/probes.hpp"

namespace smx {
namespace {

// Seconds on the wall clock, or on this thread's CPU clock.
double now(bool wall) {
  timespec t{};
  clock_gettime(wall ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Runs the loop and sets the rate counters from its time: the thread's CPU
// time (what Google Benchmark reports as cpu_time) when it runs on this
// thread alone, so that time other processes take on a shared machine is not
// counted; the wall-clock time (real_time) when workers share the work.
template <class F>
void timed_loop(benchmark::State& state, double elements, double bytes, bool wall, F&& body) {
  const double t0 = now(wall);
  for (auto _ : state) {
    body();
    benchmark::ClobberMemory();
  }
  const double seconds = now(wall) - t0;
  const double iterations = static_cast<double>(state.iterations());
  if (seconds <= 0 || iterations == 0) return;
  if (elements > 0) state.counters["items_per_second"] = benchmark::Counter(elements * iterations / seconds);
  state.counters["bytes_per_second"] = benchmark::Counter(bytes * iterations / seconds);
}

template <class T>
void time_op(benchmark::State& state, const BenchCase& c, BenchData& data) {
  const std::size_t rows = c.rows, n = c.n, elements = rows ? rows * n : n;
  const auto in = op_input<T>(data.inputs, c.id.op, c.input_family, rows, n);
  T* y = data.inputs.output<T>(elements);
  const Verdict& v = data.verifier.verdict<T>(c, *in, y);
  if (!v.ok) return state.SkipWithError(v.message.c_str());
  if (!v.claimed) state.SetLabel("outside its declared domain: not verified");
  const double bytes = accesses_per_element(c.id.op) * static_cast<double>(elements * sizeof(T));
  std::vector<T> losses(rows);  // cross_entropy's row loop
  const OpRows<T> operands = in->operands(y, rows, n, losses.data());
  const int threads = c.id.threads;
  visit_op(c.id.op, [&](auto op) {
    const OpKernels<decltype(op)::value, T> kernels(*c.impl);
    FlushDenormals ftz(c.id.ftz);
    timed_loop(state, static_cast<double>(elements), bytes, rows > 0,
               [&] { benchmark::DoNotOptimize(call_op(kernels, operands, threads)); });
  });
}

template <class T>
void time_exp(benchmark::State& state, const BenchCase& c, BenchData& data) {
  const auto x = data.inputs.values<T>(c.input_family, c.n);
  T* y = data.inputs.output<T>(c.n);
  const simd::kernel_fn<T> exp = simd::best_exp<T>();
  const T* in = x->data();
  const std::size_t n = c.n;
  timed_loop(state, static_cast<double>(n), 2.0 * static_cast<double>(n * sizeof(T)), false, [&] { exp(in, y, n); });
}

void time_copy(benchmark::State& state, const BenchCase& c, BenchData& data) {
  const std::size_t half = c.n / 2;
  const auto src = data.inputs.values<double>("normal-1", (half + 7) / 8);
  double* dst = data.inputs.output<double>((half + 7) / 8);
  const double* in = src->data();
  timed_loop(state, 0, static_cast<double>(2 * half), false, [&] { copy_probe(in, dst, 2 * half); });
}

}  // namespace

void time_case(benchmark::State& state, const BenchCase& c, BenchData& data) {
  switch (c.id.kind) {
    case BenchId::Kind::op:
      return c.id.dtype == Dtype::f32 ? time_op<float>(state, c, data) : time_op<double>(state, c, data);
    case BenchId::Kind::exp:
      return c.id.dtype == Dtype::f32 ? time_exp<float>(state, c, data) : time_exp<double>(state, c, data);
    case BenchId::Kind::copy:
      return time_copy(state, c, data);
  }
}

}  // namespace smx
