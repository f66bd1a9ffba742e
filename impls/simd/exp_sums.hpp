// The sum pass of the operations that need S1, the sum of exp(x_j - m) over
// every entry but the first max (log_softmax, cross_entropy, and the
// temperature-folding softmax), over an ISA's ops O: each exponential e + err
// (kSumAccuracy below), summed over the
// entries below m and above the clamp ("kept"), the entries equal to m
// counted apart (row_stats.hpp, RowSums). Two exponentials: of x itself
// (RowExp, exact argument) and of beta (x - m), whose argument is carried as
// hi + lo into the reduction (ScaledExp). Anonymous namespace: see exp.hpp.
#pragma once

#include <cstddef>
#include <type_traits>

#include "impls/simd/exp.hpp"
#include "impls/simd/kernels.hpp"
#include "impls/simd/row_loop.hpp"
#include "impls/simd/row_stats.hpp"

namespace {

using smx::simd::DD;
using smx::simd::RowSums;

// exp_of with the argument hi + lo: lo joins the low part of the reduced
// argument r (exp(hi + lo) = exp(hi)(1 + lo) to lo^2, far below the
// polynomial), otherwise exp_of's arithmetic (exp.hpp), faithful.
template <class O, Accuracy A>
inline ExpErr<O> exp_split(typename O::V hi, typename O::V lo, const RowExp<O>& row, typename O::M live) {
  using V = typename O::V;
  using C = ec::For<typename O::T>;
  const V s = O::max(row.lower, hi);
  const V kbig = O::fma(s, O::set1(C::log2e), row.magic);
  const V k = O::sub(kbig, row.magic);
  const V rh = O::fnma(k, O::set1(C::ln2_hi), s);  // exact
  const V rl = O::fma(k, O::set1(-C::ln2_lo), lo);
  const V r = O::add(rh, rl);
  const V v = O::fma(O::mul(r, r), q_of<O>(r), rl);
  const V inner = O::add(rh, v);
  const V pow2 = O::exp2_bits(kbig);
  const V e = O::fma_z(live, inner, pow2, pow2);
  if constexpr (A == Accuracy::faithful) {
    const V b = O::sub(inner, rh);
    const V inner_err = O::add(O::sub(rh, O::sub(inner, b)), O::sub(v, b));
    return {e, O::fma_z(live, inner_err, pow2, O::fma(inner, pow2, O::sub(pow2, e)))};
  }
  return {e, O::fma_z(live, inner, pow2, O::sub(pow2, e))};
}

// The accuracy of the summed exponentials. Double: faithful (e + err good to
// 2^-55.8; inner's rounding alone, 2^-53.5, would cost the max's output up to
// 0.7 ulp). Float: compensated, e + err good to 2^-25.3 relative (inner's
// rounding and the polynomial), which leaves S1 within 2^-25.1 even with em
// faithful, so the max's output -log1p(S1) within 0.47 + 0.5 ulp; faithful
// costs 7 of the pass's 37 operations.
template <class T>
constexpr Accuracy kSumAccuracy = std::is_same_v<T, float> ? Accuracy::compensated : Accuracy::faithful;

// exp(x - c) 2^(64 - k0) with the row's exact argument (exp.hpp); keep: the
// lanes below m the clamp leaves alone (NaN kept: it reaches the sum).
template <class O, Shift S>
struct PlainExp {
  using V = typename O::V;
  using M = typename O::M;
  const RowExp<O>& row;
  V m;
  ExpErr<O> eval(V x, M live) const { return exp_of<O, S, kSumAccuracy<typename O::T>>(x, row, live); }
  ExpErr<O> eval_faithful(V x, M live) const { return exp_of<O, S, Accuracy::faithful>(x, row, live); }
  M keep(V x, M below) const { return O::mand(below, O::nlt(S == Shift::none ? x : O::sub(x, row.m), row.lower)); }
};

// exp(beta (x - m)) 2^64, beta > 0: x - m exact by TwoSum, the product
// split exactly by an FMA, so the argument is good to about u^2.
template <class O>
struct ScaledExp {
  using V = typename O::V;
  using M = typename O::M;
  const RowExp<O>& row;  // RowExp::unit()
  V m, beta;
  void arg(V x, V& hi, V& lo) const {
    const V d = O::sub(x, m), b = O::sub(d, x);
    const V dt = O::sub(O::sub(x, O::sub(d, b)), O::add(m, b));  // d + dt = x - m
    hi = O::mul(beta, d);
    lo = O::fma(beta, dt, O::fms(beta, d, hi));
  }
  template <Accuracy A = kSumAccuracy<typename O::T>>
  ExpErr<O> eval(V x, M live) const {
    V hi, lo;
    arg(x, hi, lo);
    // lo off where hi is clamped (-inf: lo is NaN there).
    return exp_split<O, A>(hi, O::and_mask(lo, O::nlt(hi, row.lower)), row, live);
  }
  ExpErr<O> eval_faithful(V x, M live) const { return eval<Accuracy::faithful>(x, live); }
  M keep(V x, M below) const {
    V hi, lo;
    arg(x, hi, lo);
    return O::mand(below, O::nlt(hi, row.lower));
  }
};

// e + err of x = v, faithful (em and e_t: one each per row), or as the sum
// pass computes it (Summed), in double-double.
template <class O, class E, bool Summed = false>
DD exp_at(const E& ex, typename O::T v) {
  const ExpErr<O> e = Summed ? ex.eval(O::set1(v), O::all()) : ex.eval_faithful(O::set1(v), O::all());
  typename O::T a[O::lanes], b[O::lanes];
  O::store(a, e.e);
  O::store(b, e.err);
  const double h = static_cast<double>(a[0]), l = static_cast<double>(b[0]);
  const double s = h + l;
  return {s, l - (s - h)};
}

// Double sums s + c by TwoSum, c collecting every rounding. The softmax's
// seeded Fast2Sum (exp.hpp, SeededSum) needs the seed near the total, which
// the max's e guarantees there; S1 leaves the max out and may be far below
// any seed, where c would become a plain recursive sum.
template <class O>
struct TwoSumAcc {
  using V = typename O::V;
  static constexpr std::size_t width = O::lanes;
  V s = O::set1(0), c = O::set1(0);
  explicit TwoSumAcc(typename O::T /*no seed*/) {}
  void add(V e) {
    const V t = O::add(s, e), v = O::sub(t, s);
    c = O::add(c, O::add(O::sub(s, O::sub(t, v)), O::sub(e, v)));
    s = t;
  }
  void to_lanes(double* h, double* l) const {
    O::store(h, s);
    O::store(l, c);
  }
};

// The sum pass: the kept e + err summed, entries equal to m counted; with
// Store, every e and err (kept or not, 0 past the row) stored in y and errs
// for a scaling pass. x is read before y is written (y may be x). Rows are
// loaded with -inf past their end, which is neither kept nor equal to m.
template <class O, bool Store, class E>
RowSums keep_sums(const typename O::T* x, std::size_t n, const E& ex, typename O::T mx, typename O::T seed,
                  typename O::T* y = nullptr, typename O::T* errs = nullptr) {
  using T = typename O::T;
  using V = typename O::V;
  using M = typename O::M;
  // Float: the ISA's double lanes (2^-53 a term, far below float's rounding).
  using Acc = std::conditional_t<std::is_same_v<T, float>, typename O::Acc, TwoSumAcc<O>>;
  constexpr std::size_t L = O::lanes;
  const V ninf = O::set1(-__builtin_huge_valf()), m = O::set1(mx);
  Acc acc[4] = {Acc(seed), Acc(seed), Acc(seed), Acc(seed)};
  V err[4] = {O::set1(0), O::set1(0), O::set1(0), O::set1(0)};
  std::size_t ties = 0;
  auto step = [&](std::size_t j, std::size_t i, V v, M live, bool tail) {
    // below: x < m or NaN; the live lanes not below are the ties (x == m).
    const M below = O::nge(v, m), keep = ex.keep(v, below);
    ties += O::count(O::andnot(below, live));
    if constexpr (Store) {
      const ExpErr<O> e = ex.eval(v, live);
      if (tail) {
        O::store_m(y + i, live, e.e);
        O::store_m(errs + i, live, e.err);
      } else {
        O::store(y + i, e.e);
        O::store(errs + i, e.err);
      }
      acc[j].add(O::and_mask(e.e, keep));
      err[j] = O::add(err[j], O::and_mask(e.err, keep));
    } else {
      const ExpErr<O> e = ex.eval(v, keep);
      acc[j].add(e.e);
      err[j] = O::add(err[j], e.err);
    }
  };
  for_row<O>(
      n,
      [&](std::size_t i) {
        const V x0 = O::load(x + i), x1 = O::load(x + i + L), x2 = O::load(x + i + 2 * L), x3 = O::load(x + i + 3 * L);
        step(0, i, x0, O::all(), false);
        step(1, i + L, x1, O::all(), false);
        step(2, i + 2 * L, x2, O::all(), false);
        step(3, i + 3 * L, x3, O::all(), false);
      },
      [&](std::size_t i, M k, bool tail) { step(0, i, tail ? O::load_or(k, x + i, ninf) : O::load(x + i), k, tail); });
  constexpr std::size_t D = Acc::width;
  double h[4 * D + L], l[4 * D + L];
  for (std::size_t j = 0; j < 4; ++j) acc[j].to_lanes(h + j * D, l + j * D);
  T e_lanes[L];
  O::store(e_lanes, O::add(O::add(err[0], err[1]), O::add(err[2], err[3])));
  RowSums s;
  s.ties = static_cast<double>(ties);
  for (std::size_t j = 0; j < L; ++j) {
    h[4 * D + j] = static_cast<double>(e_lanes[j]);
    l[4 * D + j] = 0;
  }
  s.keep = smx::simd::sum_lanes(h, l, 4 * D + L);
  return s;
}

// Float rows: the sum of every e + err (exp(x) 2^64 with the window's guess,
// RowExp::guess, compensated) and the max found on the way, in one pass:
// each term good to 2^-25.3 (exp) and 2^-23 (the float block sum of four),
// the lanes' double sums to n 2^-58 of the total.
template <class O>
DD all_sums(const float* x, std::size_t n, const RowExp<O>& guess, float& mx) {
  using V = typename O::V;
  using M = typename O::M;
  using Acc = typename O::Acc;
  constexpr std::size_t L = O::lanes;
  const V ninf = O::set1(-__builtin_huge_valf());
  Acc acc[4] = {Acc(0), Acc(0), Acc(0), Acc(0)};
  V err[4] = {O::set1(0), O::set1(0), O::set1(0), O::set1(0)};
  V m0 = ninf, m1 = ninf;
  auto step = [&](std::size_t j, V v, M live) {
    const ExpErr<O> e = exp_of<O, Shift::none, Accuracy::compensated>(v, guess, live);
    acc[j].add(e.e);
    err[j] = O::add(err[j], e.err);
  };
  for_row<O>(
      n,
      [&](std::size_t i) {
        const V x0 = O::load(x + i), x1 = O::load(x + i + L), x2 = O::load(x + i + 2 * L), x3 = O::load(x + i + 3 * L);
        m1 = O::max(O::max(x0, x1), O::max(O::max(x2, x3), m1));
        // Four e added in float first, as the softmax's block sums: 2^-23
        // relative at most, which the caller's S1 check allows for.
        const ExpErr<O> e0 = exp_of<O, Shift::none, Accuracy::compensated>(x0, guess, O::all());
        const ExpErr<O> e1 = exp_of<O, Shift::none, Accuracy::compensated>(x1, guess, O::all());
        const ExpErr<O> e2 = exp_of<O, Shift::none, Accuracy::compensated>(x2, guess, O::all());
        const ExpErr<O> e3 = exp_of<O, Shift::none, Accuracy::compensated>(x3, guess, O::all());
        acc[0].add(O::add(O::add(e0.e, e1.e), O::add(e2.e, e3.e)));
        err[0] = O::add(err[0], O::add(O::add(e0.err, e1.err), O::add(e2.err, e3.err)));
      },
      [&](std::size_t i, M k, bool tail) {
        const V v = tail ? O::load_or(k, x + i, ninf) : O::load(x + i);
        m0 = O::max(v, m0);
        step(1, v, k);
      });
  mx = O::reduce_max(O::max(m0, m1));
  constexpr std::size_t D = Acc::width;
  double h[4 * D + L], l[4 * D + L];
  for (std::size_t j = 0; j < 4; ++j) acc[j].to_lanes(h + j * D, l + j * D);
  float e_lanes[L];
  O::store(e_lanes, O::add(O::add(err[0], err[1]), O::add(err[2], err[3])));
  for (std::size_t j = 0; j < L; ++j) h[4 * D + j] = static_cast<double>(e_lanes[j]), l[4 * D + j] = 0;
  return smx::simd::sum_lanes(h, l, 4 * D + L);
}

// Every output NaN: the rows whose max is not finite (all -inf, +inf), as
// the default policies ask.
template <class O>
void fill_nan(typename O::T* y, std::size_t n) {
  const typename O::V v = O::set1(__builtin_nan(""));
  for_row<O>(
      n,
      [&](std::size_t i) {
        for (std::size_t j = 0; j < 4; ++j) O::store(y + i + j * O::lanes, v);
      },
      [&](std::size_t i, typename O::M k, bool) { O::store_m(y + i, k, v); });
}

template <class T>
bool finite_max(T m) { return m > -__builtin_huge_val() && m < __builtin_huge_val(); }

// The softmax outputs from the sums: y = (e + err)(hi + lo) 2^-64 with
// hi + lo = 2^64 / (keep + ties em) (row_stats.hpp, row_scale), one rounding
// each as in three_pass.hpp; e and err reloaded from y and errs (Reload,
// where keep_sums<Store> put them) or recomputed from x (which y may be).
template <class O, bool Reload, class E>
void scale_outputs(const typename O::T* x, typename O::T* y, std::size_t n, const E& ex, DD scale,
                   const typename O::T* errs) {
  using T = typename O::T;
  using V = typename O::V;
  using M = typename O::M;
  const T hi_s = static_cast<T>(scale.hi);
  const V hi = O::set1(hi_s), lo = O::set1(static_cast<T>((scale.hi - static_cast<double>(hi_s)) + scale.lo));
  const V unscale = O::set1(static_cast<T>(1.0 / kScale));
  auto out = [&](std::size_t i, M k, bool tail) {
    ExpErr<O> e;
    if constexpr (Reload) {
      e = tail ? ExpErr<O>{O::load_z(k, y + i), O::load_z(k, errs + i)} : ExpErr<O>{O::load(y + i), O::load(errs + i)};
    } else {
      e = ex.eval(tail ? O::load_z(k, x + i) : O::load(x + i), k);
    }
    return O::mul(O::fma(e.e, hi, O::fma(e.e, lo, O::mul(e.err, hi))), unscale);
  };
  for_row<O>(
      n,
      [&](std::size_t i) {
        for (std::size_t j = 0; j < 4; ++j) O::store(y + i + j * O::lanes, out(i + j * O::lanes, O::all(), false));
      },
      [&](std::size_t i, M k, bool tail) {
        if (tail) O::store_m(y + i, k, out(i, k, true));
        else O::store(y + i, out(i, k, false));
      });
}

}  // namespace
