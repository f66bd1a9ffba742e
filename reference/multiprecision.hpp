// Tier 2: the multiprecision fallback, written once over the number type Num
// and instantiated for each rung of a precision ladder per backend
// (mp_mpfr.cpp, mp_cpp_bin_float.cpp).
//
// Error model, in units of u = 2^(1 - p) (p = Num's precision; u is twice
// the unit roundoff, a deliberate margin):
//   +, -, *, /           <= 1 u relative (both backends round correctly);
//   exp(d) for |d| <= D  <= (64 + 4 D) u relative: Boost's cpp_bin_float exp
//                        reduces by ln 2 at working precision (error ~D u)
//                        and squares up to sqrt(D) times (error ~sqrt(D) u);
//                        MPFR is correctly rounded; one bound serves both;
//   log(z), z >= 5/4     <= (4 p + 64) u relative: Boost's log sums a series
//                        of up to ~0.7 p terms, each adding a rounding of
//                        the partial sum (up to ~4 L in magnitude);
//   log1p(s), s <= 1/4   by our atanh series: (terms + 10) u.
// Every output is decided by decide() (rounding.hpp) from a value and such a
// bound; what stays undecided moves to the next rung.
//
// Internal to reference/.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

#include "reference/detail.hpp"
#include "reference/ld_arith.hpp"
#include "reference/rounding.hpp"

namespace smx::ref::detail {

template <class T, class Num>
class MpEval {
 public:
  MpEval(Op op, const MpRow<T>& row, std::size_t wanted) : op_(op), row_(row), wanted_(wanted) {
    u_ = ldexp(Num(1), 1 - p_);
  }

  // Decides one output: idx into row.x, or npos for an entry equal to the max.
  Decision<T> output(std::size_t i) {
    ensure_sum();
    if (op_ == Op::softmax) {
      Num eps_e = 0;
      const Num e = term(i, eps_e);
      const Num y = e / s_;
      const Num err = abs_of(y) * (eps_e + eps_s_ + u_) * Num(1.01);
      return decide<T, Num>(Num(0), Num(0), y, Num(0), err, +1, 0, u_);
    }
    if (op_ == Op::complement) {
      // 1 - p_i = (S - e_i) / S; for the max, S - 1 is S1 as summed. Other
      // entries have e_i <= 1 <= S - e_i: the difference does not cancel.
      Num num, abs_err;
      if (i == row_.jmax) {
        num = s1_;
        abs_err = eps_s1_ * s1_;
      } else {
        Num eps_e = 0;
        const Num e = term(i, eps_e);
        num = s_ - e;
        abs_err = eps_s_ * s_ + eps_e * e + u_ * num;
      }
      const Num y = num / s_;
      const Num err = y * (abs_err / num + eps_s_ + u_) * Num(1.01);
      return decide<T, Num>(Num(0), Num(0), y, Num(0), err, +1, 0, u_);
    }
    ensure_log();
    if (op_ == Op::log_softmax) {
      // d_i = dh + dl exactly (long double TwoSum), kept apart from L so the
      // distance to a rounding boundary is ((dh - midpoint) + dl) - L.
      LdPair d{0, 0};
      if (i != npos) d = two_sum(row_.x[i], -static_cast<long double>(row_.m));
      const Num err = eps_l_ * l_;
      if (row_.temperature == 1) return decide<T, Num>(Num(d.hi), Num(d.lo), Num(-l_), Num(0), err, -1, 0, u_);
      const Num dn = (Num(d.hi) + Num(d.lo)) / Num(row_.temperature);  // one rounding
      return decide<T, Num>(dn, Num(0), Num(-l_), Num(0), Num(err + abs_of(dn) * u_), -1, 0, u_);
    }
    const Num err = eps_l_ * l_;
    return decide<T, Num>(Num(row_.m), Num(0), l_, Num(0), err, 0, 0, u_);
  }

 private:
  static constexpr int p_ = std::numeric_limits<Num>::digits;

  // exp(x_i - m) with its relative error bound.
  Num term(std::size_t i, Num& eps) const {
    if (i == npos || row_.x[i] == row_.m) {
      eps = 0;
      return Num(1);
    }
    if (!cached_.empty() && cached_[i]) {
      eps = cache_eps_[i];
      return cache_[i];
    }
    return exp_term(i, eps);
  }

  // With a temperature the argument's division adds one rounding: a
  // relative error of |d| u in the exponential.
  Num exp_term(std::size_t i, Num& eps) const {
    const LdPair d = two_sum(row_.x[i], -static_cast<long double>(row_.m));
    Num dn = Num(d.hi) + Num(d.lo);
    if (row_.temperature == 1) {
      eps = (64 + 4 * std::fabs(static_cast<double>(d.hi)) + 2) * u_;
      return exp(dn);
    }
    dn /= Num(row_.temperature);
    const double D = std::fabs(static_cast<double>(d.hi / row_.temperature));
    eps = (64 + 5 * D + 3) * u_;
    return exp(dn);
  }

  // S1 = sum over finite j != jmax of exp(x_j - m), pairwise (binary
  // counter), and S = 1 + S1, each with a relative error bound.
  void ensure_sum() {
    if (have_sum_) return;
    have_sum_ = true;
    if (row_.uniform) {  // S1 = k - 1 exactly
      s1_ = Num(row_.n_finite - 1);
      eps_s1_ = 0;
    } else {
      const std::size_t n = row_.x.size();
      // Drop terms far below the second largest: their total is below
      // 2^-(p+24) S1.
      const long double cut =
          row_.d2 - ((p_ + 24) * 0.6931471805599453L + std::log(static_cast<long double>(n) + 1) + 1);
      const bool cache = op_ == Op::softmax && wanted_ >= 8;
      if (cache) {
        cache_.assign(n, Num(0));
        cache_eps_.assign(n, Num(0));
        cached_.assign(n, 0);  // terms dropped from the sum are computed on demand
      }
      std::vector<Num> level;
      std::vector<char> used;
      Num eps_max = 0;
      bool dropped = false;
      for (std::size_t j = 0; j < n; ++j) {
        const T v = row_.x[j];
        if (j == row_.jmax || !(v > -std::numeric_limits<T>::infinity())) continue;
        Num eps = 0, e;
        if (v == row_.m) {
          e = 1;
        } else {
          if (two_sum(v, -static_cast<long double>(row_.m)).hi / row_.temperature < cut) {
            dropped = true;
            continue;
          }
          e = exp_term(j, eps);
          if (eps > eps_max) eps_max = eps;
        }
        if (cache) {
          cache_[j] = e;
          cache_eps_[j] = eps;
          cached_[j] = 1;
        }
        // Binary-counter pairwise summation: each term passes through at
        // most log2(count) additions in the tree plus the final chain.
        Num carry = e;
        for (std::size_t l = 0;; ++l) {
          if (l == level.size()) {
            level.push_back(carry);
            used.push_back(1);
            break;
          }
          if (!used[l]) {
            level[l] = carry;
            used[l] = 1;
            break;
          }
          carry += level[l];
          used[l] = 0;
        }
      }
      s1_ = 0;
      for (std::size_t l = 0; l < level.size(); ++l)
        if (used[l]) s1_ += level[l];
      eps_s1_ = (eps_max + Num(2 * level.size() + 4) * u_) * Num(1.01);
      if (dropped) eps_s1_ += ldexp(Num(1), -(p_ + 24));
    }
    s_ = s1_ + 1;
    eps_s_ = eps_s1_ + u_;
  }

  // L = log1p(S1) with its relative error bound.
  void ensure_log() {
    if (have_log_) return;
    have_log_ = true;
    Num eps_log;
    if (s1_ > Num(0.25)) {
      // log(1 + S1): the rounding of 1 + S1 costs u / L <= 4.5 u.
      l_ = log(s1_ + 1);
      eps_log = Num(5 + 4 * p_ + 64) * u_;
    } else {
      // log1p(s) = 2 atanh(z), z = s / (2 + s) <= 1/9: sum z^(2k+1)/(2k+1)
      // until the term is below 2^-(p+4) of the sum (the tail is then below
      // that too: ratio z^2 < 1/80).
      const Num z = s1_ / (s1_ + 2);
      const Num z2 = z * z;
      const Num stop = ldexp(Num(1), -(p_ + 4));
      Num pw = z, sum = z;
      int terms = 1;
      for (int k = 1;; ++k) {
        pw *= z2;
        const Num t = pw / (2 * k + 1);
        sum += t;
        ++terms;
        if (t <= sum * stop) break;
      }
      l_ = sum * 2;
      eps_log = Num(terms + 10) * u_ + ldexp(Num(1), -(p_ + 2));
    }
    // The propagated error of S1: the relative condition number of log1p is
    // s / ((1 + s) log1p(s)) <= 1.
    eps_l_ = (eps_s1_ + eps_log) * Num(1.01);
  }

  Op op_;
  const MpRow<T>& row_;
  std::size_t wanted_;
  Num u_;
  bool have_sum_ = false, have_log_ = false;
  Num s1_, eps_s1_, s_, eps_s_;
  Num l_, eps_l_;
  std::vector<Num> cache_, cache_eps_;
  std::vector<char> cached_;
};

// Tries every wanted output at Num's precision; passes the undecided ones on.
template <class T, class Num, class... Rest>
unsigned mp_ladder(Op op, const MpRow<T>& row, std::span<const std::size_t> idx, std::span<T> out,
                   const std::vector<std::size_t>& todo) {
  MpEval<T, Num> ev(op, row, todo.size());
  std::vector<std::size_t> left;
  for (const std::size_t j : todo) {
    const Decision<T> d = ev.output(idx[j]);
    if (d.decided)
      out[j] = d.value;
    else
      left.push_back(j);
  }
  if (left.empty()) return std::numeric_limits<Num>::digits;
  if constexpr (sizeof...(Rest) > 0) {
    return mp_ladder<T, Rest...>(op, row, idx, out, left);
  } else {
    // Softmax values are transcendental (Lindemann-Weierstrass) except the
    // rational cases handled before this tier, so this means a bug.
    throw std::runtime_error("smx::ref: rounding undecided at " +
                             std::to_string(std::numeric_limits<Num>::digits) + " bits for " +
                             describe_row<T>(op, row.x, idx[left.front()]));
  }
}

template <class T, class... Ladder>
unsigned mp_run(Op op, const MpRow<T>& row, std::span<const std::size_t> idx, std::span<T> out) {
  std::vector<std::size_t> todo(idx.size());
  for (std::size_t j = 0; j < idx.size(); ++j) todo[j] = j;
  return mp_ladder<T, Ladder...>(op, row, idx, out, todo);
}

}  // namespace smx::ref::detail
