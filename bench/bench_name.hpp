// Benchmark names, written by `bench` and read back by `report`:
//   <op>/<dtype>/<impl>/<family>/n:<N>[/ftz]            one row of N
//   <op>/<dtype>/<impl>/<family>/rows:<R>/n:<N>/threads:<T>      R rows of N
//   probe/copy/<bytes>                                  memcpy, working set (source + destination) in bytes
//   probe/exp/<dtype>/n:<N>                             the exp-only kernel over N elements
// <op>: an operation's name in impls/op.hpp (softmax, log_softmax, ...).
// /ftz: the timed region runs with flush-to-zero and denormals-are-zero set.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "impls/registry.hpp"

namespace smx {

struct BenchId {
  enum class Kind { op, copy, exp };  // op: an operation's kernel; the others: roofline probes
  Kind kind = Kind::op;
  Dtype dtype = Dtype::f32;
  std::string impl, family;  // op only
  std::size_t n = 0;         // elements per row; copy: working-set bytes
  std::size_t rows = 0;      // 0: one row (not batched)
  int threads = 0;           // 0: not named (single-row benchmarks)
  bool ftz = false;
  Op op = Op::softmax;       // the name's first segment (last here, so a softmax id can leave it out)

  std::size_t elements() const { return rows ? rows * n : n; }
  bool of(Op o) const { return kind == Kind::op && op == o; }  // a benchmark of operation o
  friend bool operator==(const BenchId&, const BenchId&) = default;
};

std::string bench_name(const BenchId& id);
// nullopt for a name not of the forms above (another program's benchmark).
std::optional<BenchId> parse_bench_name(std::string_view name);

// The JSON context key that records an implementation's role: "role: <name>".
inline constexpr std::string_view role_context_prefix = "role: ";

}  // namespace smx
