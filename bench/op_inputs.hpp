// The operands of an operation's benchmark, made once per (operation, dtype,
// family, rows, n) from the family's values (seed 1: the softmax benchmarks'
// input) and cached with them. softmax, log_softmax and cross_entropy run on
// those values themselves; cross_entropy also has a target per row and
// softmax_backward y = RN softmax(x) and dy per row, as make_case
// (lab/ops/op_case.hpp) makes them with the row's seed, 1 + its index.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "bench/inputs.hpp"
#include "bench/op_call.hpp"
#include "lab/ops/op_case.hpp"

namespace smx {

template <class T>
struct OpInput {
  std::shared_ptr<const AlignedBuffer<T>> x;   // logits; softmax_backward: y
  std::shared_ptr<const AlignedBuffer<T>> dy;  // softmax_backward only
  std::vector<std::size_t> target;             // cross_entropy only, a class per row

  // The operands of rows x cols (rows 0: one row) writing into out.
  OpRows<T> operands(T* out, std::size_t rows, std::size_t cols, T* losses = nullptr) const;
  // Row r of a batch of rows cols long alone, as one row, writing into out.
  OpRows<T> row(std::size_t r, std::size_t cols, T* out) const;
  // Row r as a case of op, for its reference.
  OpCase<T> row_case(Op op, std::size_t r, std::size_t cols) const;
};

// The seed of row r's target and dy.
constexpr std::uint64_t row_seed(std::size_t r) { return 1 + r; }

template <class T>
std::shared_ptr<const OpInput<T>> op_input(InputCache& cache, Op op, std::string_view family, std::size_t rows,
                                           std::size_t cols);

}  // namespace smx
