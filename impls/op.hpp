// The operations the suite measures, as one table, and the kernel signature
// of each. A kernel is a plain function pointer over one element type T
// (impls/dtype.hpp); the registry keeps one per (operation, element type).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "impls/named_table.hpp"

namespace smx {

enum class Op : std::uint8_t { softmax, log_softmax, cross_entropy, softmax_backward };

struct OpInfo {
  Op op;
  std::string_view name;     // as in benchmark names, --op and the JSON records
  std::string_view formula;  // one line for `list` and the reports
};

inline constexpr std::array<OpInfo, 4> op_table{{
    {Op::softmax, "softmax", "y_i = exp(x_i) / sum_j exp(x_j)"},
    {Op::log_softmax, "log_softmax", "y_i = x_i - log sum_j exp(x_j)"},
    {Op::cross_entropy, "cross_entropy", "loss = -log softmax(x)_t, gradient softmax(x) - e_t"},
    {Op::softmax_backward, "softmax_backward", "dx = y * (dy - <dy, y>)"},
}};

constexpr const OpInfo& info(Op op) { return row_of(op_table, op); }
constexpr std::string_view to_string(Op op) { return info(op).name; }
constexpr std::optional<Op> op_named(std::string_view name) { return key_named(op_table, &OpInfo::op, name); }

// softmax, log_softmax: y may alias x; n == 0 is a no-op; no alignment
// beyond the element's.
template <class T> using row_fn = void (*)(const T* x, T* y, std::size_t n);
// rows x cols, row r at x + r*ldx (ldx >= cols). threads: 0 = the kernel's choice.
template <class T>
using batch_fn = void (*)(const T* x, std::size_t ldx, T* y, std::size_t ldy, std::size_t rows, std::size_t cols,
                          int threads);
// cross_entropy: returns the loss -log softmax(x)[target] and writes the
// gradient softmax(x) - e_target to grad (n values; may alias x; nullptr:
// the loss alone). target < n.
template <class T> using cross_entropy_fn = T (*)(const T* x, std::size_t n, std::size_t target, T* grad);
// Batched cross_entropy: rows x cols logits, target[r] < cols for row r;
// returns the mean loss over the rows and writes each row's gradient (grad
// may be nullptr: the losses alone; may alias x when ldg == ldx).
template <class T>
using cross_entropy_batch_fn = T (*)(const T* x, std::size_t ldx, const std::size_t* target, T* grad,
                                     std::size_t ldg, std::size_t rows, std::size_t cols, int threads);
// softmax_backward: dx = y * (dy - <dy, y>) for y = softmax(x); dx may alias dy.
template <class T> using backward_fn = void (*)(const T* y, const T* dy, T* dx, std::size_t n);
// Temperature folded into the kernel: softmax or log_softmax of beta * x,
// beta = 1/T > 0 (a kernel without one is given x/T, divided by the harness).
template <class T> using scaled_fn = void (*)(const T* x, T* y, std::size_t n, T beta);

// The kernel types of each operation: the row kernel, the batched one
// (std::nullptr_t: none, rows are looped) and the temperature-folding one.
template <Op op, class T> struct kernel_type {
  using type = row_fn<T>;
  using batch = batch_fn<T>;
  using scaled = scaled_fn<T>;
};
template <class T> struct kernel_type<Op::cross_entropy, T> {
  using type = cross_entropy_fn<T>;
  using batch = cross_entropy_batch_fn<T>;
  using scaled = std::nullptr_t;
};
template <class T> struct kernel_type<Op::softmax_backward, T> {
  using type = backward_fn<T>;
  using batch = std::nullptr_t;
  using scaled = std::nullptr_t;
};
template <Op op, class T> using kernel_t = typename kernel_type<op, T>::type;
template <Op op, class T> using batch_t = typename kernel_type<op, T>::batch;
template <Op op, class T> using scaled_t = typename kernel_type<op, T>::scaled;

}  // namespace smx
