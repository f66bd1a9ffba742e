// The correctly rounded reference: softmax, log-softmax and log-sum-exp of
// the exact input values, rounded once to T (round to nearest, ties to even,
// subnormals included).
//
// Two tiers (Ziv's strategy): a fast long-double evaluation with a rigorous
// error bound decides the rounding of almost every output; an output whose
// rounding the bound cannot decide is recomputed in multiprecision, at
// doubling precision until it is decided (128 to 4096 bits; beyond that
// std::runtime_error, naming the row: it would be a bug, since these values
// are transcendental except in the exact cases handled directly).
//
// All functions are thread-safe (no shared mutable state) and may be called
// from several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace smx::ref {

// Which Boost.Multiprecision backend the fallback tier uses. The two are
// independent implementations; the tests require them to agree bit for bit.
// mpfr uses mpfr_float_backend at fixed precisions, not the runtime-precision
// mpfr_float, whose default precision is a process-wide static in Boost 1.74.
enum class Backend { mpfr, cpp_bin_float };

struct Options {
  Backend backend = Backend::mpfr;
  // Skip the fast tier: every output is decided in multiprecision (tests).
  bool force_multiprecision = false;
  // softmax and log_softmax of the exact x_i / temperature (> 0, finite);
  // the other functions ignore it.
  long double temperature = 1;
};

// How the outputs of one call were decided (for tests and reports).
struct Stats {
  std::uint64_t fast = 0;      // decided by the long-double tier
  std::uint64_t fallback = 0;  // needed multiprecision
  std::uint64_t special = 0;   // exact by construction (0, 1/k, NaN, limits),
                               // including outputs certain to underflow to 0
  unsigned max_precision_bits = 0;  // highest multiprecision used; 0 if none
};

// Special inputs get the mathematical answer: any NaN -> NaN row; some +inf
// -> the limit (1/k on the k +inf entries, 0 elsewhere); all -inf -> NaN
// (undefined); -inf entries among finite ones -> exactly 0.
//
// rounded: RN(r) in T. value (may be empty): r itself to about 60 bits, as a
// long double, for ulp errors measured against the exact value, not RN(r).
// rounded must have x's size (it may alias x); value is empty or the same
// size; otherwise std::invalid_argument. n == 0 is a no-op.
template <class T>
Stats softmax(std::span<const T> x, std::span<T> rounded, std::span<long double> value = {},
              const Options& options = {});

// log_softmax_i = x_i - logsumexp(x), same conventions (all -inf -> NaN row).
template <class T>
Stats log_softmax(std::span<const T> x, std::span<T> rounded, std::span<long double> value = {},
                  const Options& options = {});

// Cross-entropy of logits x against the class target (< n, else
// std::invalid_argument): the loss -log softmax(x)_target and the gradient
// softmax(x) - e_target, each correctly rounded (the target element from
// 1 - p_target taken exactly, not from a rounded p). Specials: a NaN, or no
// entry above -inf, gives a NaN loss and gradient; a -inf target among finite
// entries (or a finite one beside +inf entries) has p = 0: loss +inf, its
// gradient -1; a target among the k +inf (or k equal) entries has p = 1/k.
// grad (may be empty: the loss alone) and grad_value as for softmax.
template <class T>
struct Loss {
  T rounded;
  long double value;  // the exact loss to about 60 bits
  Stats stats;        // of the loss and gradient together
};
template <class T>
Loss<T> cross_entropy(std::span<const T> x, std::size_t target, std::span<T> grad = {},
                      std::span<long double> grad_value = {}, const Options& options = {});
// The same for several targets of one row (the softmax and log-softmax
// computed once): one loss each, and in grads (empty, or targets.size() rows
// of n one after the other) one gradient each. The first loss's stats hold
// the shared work.
template <class T>
std::vector<Loss<T>> cross_entropy(std::span<const T> x, std::span<const std::size_t> targets, std::span<T> grads,
                                   std::span<long double> grad_values = {}, const Options& options = {});

// The softmax backward pass dx = y * (dy - <dy, y>) for the exact y and dy
// given (any values, not only a softmax output): a rational function of
// them, so decided exactly (integer arithmetic where the long-double tier
// cannot), no backend involved. A NaN or infinite entry in y or dy gives a
// NaN row. An exact zero is +0; a nonzero result that rounds to zero keeps
// its sign. dx (may alias dy or y) and value as for
// softmax; y and dy of one size.
template <class T>
Stats softmax_backward(std::span<const T> y, std::span<const T> dy, std::span<T> dx,
                       std::span<long double> value = {}, const Options& options = {});

// RN(log(sum exp x_i)); n == 0 gives -inf, all -inf gives -inf.
template <class T>
T logsumexp(std::span<const T> x, const Options& options = {});

}  // namespace smx::ref
