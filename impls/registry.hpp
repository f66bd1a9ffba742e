// The implementation contract: every implementation the suite knows is one
// Impl descriptor in the list of impls/list.hpp, holding a table of kernels
// by (operation, element type), each with its declared behaviour. See
// ../shared/DESIGN.md and the README's "Adding an implementation".
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "impls/behaviour.hpp"
#include "impls/dtype.hpp"
#include "impls/op.hpp"
#include "impls/role.hpp"

namespace smx {

// A kernel of any signature, stored as one pointer type; Impl::kernel<op, T>
// gives it back with the signature of op over T.
using erased_fn = void (*)();

// Options of a kernel cell beyond the kernel and its budget.
template <Op op, class T>
struct CellOptions {
  batch_t<op, T> batch = nullptr;        // own rows x cols kernel; else rows are looped
  scaled_t<op, T> scaled = nullptr;      // temperature folded in; else the harness divides x by T first
  UlpBudget scaled_budget{};             // the folding kernel's, against the exact x / T (beta = RN(1/T) is rounded)
  std::optional<Behaviour> behaviour{};  // where this cell differs from the implementation's
};

// One cell of an implementation's table: the kernel of one operation over
// one element type, and what it declares.
struct Kernel {
  Op op;
  Dtype dtype;
  erased_fn row = nullptr;
  erased_fn batch = nullptr;
  erased_fn scaled = nullptr;
  UlpBudget budget{};
  UlpBudget scaled_budget{};           // of the scaled kernel, against the exact x / T                  // max ulp error; none declared = no claim
  std::optional<Behaviour> behaviour{};  // nullopt: the implementation's
};

// The element type of a kernel signature (impls/op.hpp).
template <class F> struct kernel_element;
template <class T> struct kernel_element<void (*)(const T*, T*, std::size_t)> { using type = T; };
template <class T> struct kernel_element<T (*)(const T*, std::size_t, std::size_t, T*)> { using type = T; };
template <class T> struct kernel_element<void (*)(const T*, const T*, T*, std::size_t)> { using type = T; };
template <class F> using kernel_element_t = typename kernel_element<F>::type;

// A cell from a typed kernel: cell<Op::softmax>(stable<float>, {.base = 1, ...}).
// The element type comes from the kernel, whose signature must be op's.
template <class F> erased_fn erase_fn(F fn) {
  if constexpr (std::is_same_v<F, std::nullptr_t>) return nullptr;
  else return reinterpret_cast<erased_fn>(fn);
}

template <Op op, class F>
Kernel cell(F fn, UlpBudget budget = {}, CellOptions<op, kernel_element_t<F>> options = {}) {
  using T = kernel_element_t<F>;
  static_assert(std::is_same_v<F, kernel_t<op, T>>, "the kernel's signature is not the operation's (impls/op.hpp)");
  return {op,     dtype_of<T>,           erase_fn(fn), erase_fn(options.batch), erase_fn(options.scaled),
          budget, options.scaled_budget, options.behaviour};
}

inline bool always_available() { return true; }

struct Impl {
  std::string_view name;       // "stable", "vectorized.avx512", "peer.onednn"
  std::string_view summary;    // one line for `softmax-lab list`
  Role role = Role::textbook;
  std::string_view parent{};   // isa_path: the kernel entry it is one path of
  std::vector<Kernel> kernels{};  // at most one per (operation, element type)
  bool (*available)() = always_available;  // CPU features, library present
  Behaviour behaviour{};       // every cell's, unless the cell declares its own

  // nullptr: not provided.
  const Kernel* find(Op op, Dtype d) const {
    for (const Kernel& k : kernels)
      if (k.op == op && k.dtype == d) return &k;
    return nullptr;
  }
  bool provides(Op op, Dtype d) const { return find(op, d) != nullptr; }
  template <Op op, class T> kernel_t<op, T> kernel() const {
    const Kernel* k = find(op, dtype_of<T>);
    return k ? reinterpret_cast<kernel_t<op, T>>(k->row) : nullptr;
  }
  template <Op op, class T> batch_t<op, T> batch() const {
    const Kernel* k = find(op, dtype_of<T>);
    if constexpr (std::is_same_v<batch_t<op, T>, std::nullptr_t>) return nullptr;
    else return k ? reinterpret_cast<batch_t<op, T>>(k->batch) : nullptr;
  }
  template <Op op, class T> scaled_t<op, T> scaled() const {
    const Kernel* k = find(op, dtype_of<T>);
    if constexpr (std::is_same_v<scaled_t<op, T>, std::nullptr_t>) return nullptr;
    else return k ? reinterpret_cast<scaled_t<op, T>>(k->scaled) : nullptr;
  }
  // What a cell declares; a cell not provided declares nothing (no budget).
  struct Declared {
    const UlpBudget& budget;
    const Behaviour& behaviour;
  };
  Declared declared(Op op, Dtype d) const {
    static const UlpBudget none{};
    const Kernel* k = find(op, d);
    if (!k) return {none, behaviour};
    return {k->budget, k->behaviour ? *k->behaviour : behaviour};
  }
};

// Every implementation compiled in, in list order (impls/list.hpp).
std::span<const Impl> all_impls();
// nullptr when no implementation has that name.
const Impl* find(std::string_view name);

}  // namespace smx
