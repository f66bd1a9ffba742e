// Verify before timing: a benchmark's implementation is checked against its
// own declaration (lab/contract_check.hpp check_row for softmax,
// lab/ops/op_check.hpp check_op for the other operations) on the
// benchmark's own input, the first time the benchmark runs, so a filtered run pays only for
// what it times. One that breaks its declaration is skipped with the failure,
// never timed. The reference (about 100 ns an output) is computed once per
// input: when it is, every other benchmark the run will time on that input is
// verified with it too (spread over the cores: checking a row costs about as
// much as its reference), and it is dropped (2^26 outputs hold 1.5 GiB).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "impls/registry.hpp"
#include "bench/op_inputs.hpp"
#include "bench/plan.hpp"
#include "lab/contract_check.hpp"
#include "lab/ops/op_check.hpp"

namespace smx {

struct Verdict {
  bool ok = true;
  bool claimed = true;   // false: outside the domain the implementation claims (naive on wide rows)
  std::string message;   // the first broken clause, one line ("" when ok)
};

// Rows of a batched input that verification checks: first, middle, last.
std::vector<std::size_t> verified_rows(std::size_t rows);

// Runs impl's softmax on x (one row of cols when rows == 0, else rows x cols
// with `threads`: the call the benchmark times, bench/op_call.hpp) into y
// and checks every row in refs.
template <class T>
Verdict verify_on(const Impl& impl, const T* x, T* y, std::size_t rows, std::size_t cols, int threads,
                  const std::vector<std::pair<std::size_t, Expected<T>>>& refs);

// The reference of one row of an operation beyond softmax.
template <class T>
struct OpReference {
  std::size_t row = 0;
  OpCase<T> input;
  OpExpected<T> expected;
};
template <class T>
std::vector<OpReference<T>> op_references(Op op, const OpInput<T>& in, std::size_t rows, std::size_t cols);

// The same for op on its operands in: the call the benchmark times, then
// check_op on every row in refs. A batched cross_entropy returns the mean
// loss only, so a row's loss is the same entry's on that row alone (the
// mean itself is not compared: only the verified rows have a reference).
template <class T>
Verdict verify_op_on(const Impl& impl, Op op, const OpInput<T>& in, T* y, std::size_t rows, std::size_t cols, int threads,
                     const std::vector<OpReference<T>>& refs);

class Verifier {
 public:
  // will_run(name): does this run time the benchmark (Google Benchmark's filter)?
  explicit Verifier(std::function<bool(const std::string&)> will_run);

  // Registration: c will ask for its verdict.
  void expect(const BenchCase& c);

  // c's verdict on in (its operands, rows x n or one row), y: room for a batched output.
  template <class T> const Verdict& verdict(const BenchCase& c, const OpInput<T>& in, T* y);

 private:
  using InputKey = std::tuple<Op, Dtype, std::string_view, std::size_t, std::size_t>;  // op, dtype, family, rows, n
  using Subject = std::pair<const Impl*, int>;                                      // implementation, threads
  static InputKey input_of(const BenchCase& c);

  std::function<bool(const std::string&)> will_run_;
  std::map<InputKey, std::vector<const BenchCase*>> expected_;
  std::map<std::pair<InputKey, Subject>, Verdict> verdicts_;
};

}  // namespace smx
