// The three-pass softmax, shared by vectorized (Accuracy::compensated) and
// accurate (Accuracy::faithful), written over an ISA ops type O (exp.hpp)
// for the intrinsics paths (its portable form, portable_ops.hpp, at the end):
// m = max x (NaN ignored here: it reaches every output through the sum);
// e_i = exp(x_i) 2^(64 - k0) or exp(x_i - m) 2^64 (RowExp: always an exact
// argument), summed with the exact rounding errors of the e_i (ExpErr, Sums);
// then y_i = fma(e_i, hi, e_i lo) 2^-64 with hi + lo = 2^64/sum: one rounding
// each (y_i 2^64 is rounded in the normal range, where e_i lo is still exact
// enough; taking 2^-64 off is exact unless y_i is subnormal). Float rows not
// written in place compute the max on the way (the shift-free exp does not
// need it) and check the window at the end. In cache the e_i are stored in y
// and scaled in place (Reuse::reload); beyond kRecomputeBytes they are
// recomputed in the writing pass (x read twice, y written once). accurate
// keeps e_i + err_i to the end. The remainder runs the same instructions
// under a lane mask (row_loop.hpp). Anonymous namespace: see exp.hpp.
#pragma once

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "impls/simd/exp.hpp"
#include "impls/simd/kernels.hpp"
#include "impls/simd/pass_options.hpp"
#include "impls/simd/row_loop.hpp"

namespace {

using smx::simd::kRecomputeBytes;
using smx::simd::Reuse;
using smx::simd::RowMax;
using smx::simd::Scaled;

// hi + lo = 2^64 / sum(h[j] + l[j]) to about 2^-100 relative, where h are
// the lanes' partial sums and l their small corrections.
inline void inverse_of_sum(const double* h, const double* l, std::size_t lanes, double& hi, double& lo) {
  double s = h[0], e = l[0];
  for (std::size_t j = 1; j < lanes; ++j) {  // TwoSum: the rounding errors go into e
    const double u = s + h[j], b = u - s;
    e += ((s - (u - b)) + (h[j] - b)) + l[j];
    s = u;
  }
  const double sum = s + e;  // renormalise: sum is the rounded total, e the rest
  e -= sum - s;
  const double h1 = 1.0 / sum;
  // 1 - sum h1 is exact with an FMA; then take off the low part of the sum.
  const double l1 = (__builtin_fma(-sum, h1, 1.0) - e * h1) * h1;
  hi = h1 * kScale;  // exact: a power of two, and hi, lo stay normal in the windows below
  lo = l1 * kScale;
}

// The sum of N values added in pairs (short dependency chains).
template <std::size_t N>
inline double pairwise(const double* v) {
  if constexpr (N == 1) return v[0];
  else return pairwise<N / 2>(v) + pairwise<N - N / 2>(v + N / 2);
}

// Sum accumulators of e + err. Float: e summed in blocks of four vectors in
// float, then in double (the block sum's rounding is at most 2u relative,
// and the double sum of the blocks does not grow with n; 5-10% faster than
// pairs, 1.53 instead of 1.28 ulp at worst); err (at most 2^-24 e each) in float
// lanes, its own rounding far below. Double: s + c exact with Fast2Sum
// against the seed (every e is below it, so the partial sum always has the
// larger exponent); err goes into c.
template <class O, Accuracy A>
struct Sums {
  using V = typename O::V;
  typename O::Acc acc[4];
  V err = O::set1(0);
  explicit Sums(typename O::T seed) : acc{typename O::Acc(seed), typename O::Acc(seed), typename O::Acc(seed), typename O::Acc(seed)} {}
  void add4(const ExpErr<O>& a, const ExpErr<O>& b, const ExpErr<O>& c, const ExpErr<O>& d) {
    if constexpr (std::is_same_v<typename O::T, float> && A == Accuracy::compensated) {  // faithful: no pair roundings
      acc[0].add(O::add(O::add(a.e, b.e), O::add(c.e, d.e)));
    } else {
      acc[0].add(a.e);
      acc[1].add(b.e);
      acc[2].add(c.e);
      acc[3].add(d.e);
    }
    err = O::add(err, O::add(O::add(a.err, b.err), O::add(c.err, d.err)));
  }
  void add1(const ExpErr<O>& a) {
    acc[3].add(a.e);
    err = O::add(err, a.err);
  }
  // hi + lo = 2^64 / sum, in T.
  __attribute__((always_inline)) void inverse(typename O::T& hi, typename O::T& lo) const {
    constexpr std::size_t D = O::Acc::width;
    double h[4 * D], l[4 * D];
    for (std::size_t j = 0; j < 4; ++j) acc[j].to_lanes(h + j * D, l + j * D);
    typename O::T errs[O::lanes];
    O::store(errs, err);
    double err_lanes[O::lanes];
    for (std::size_t j = 0; j < O::lanes; ++j) err_lanes[j] = static_cast<double>(errs[j]);
    l[0] += pairwise<O::lanes>(err_lanes);  // a correction: tiny next to the sum
    double H, L;
    if constexpr (std::is_same_v<typename O::T, float>) {
      // Positive double lanes: their sum is good to 2^-48, far below float.
      // Pairwise rather than in a loop: a chain of 48 dependent additions was
      // a sixth of the time of a 1024-element row.
      for (std::size_t j = 0; j < 4 * D; ++j) h[j] += l[j];
      H = kScale / pairwise<4 * D>(h);
      L = 0;
    } else {
      inverse_of_sum(h, l, 4 * D, H, L);
    }
    hi = static_cast<typename O::T>(H);
    lo = static_cast<typename O::T>((H - static_cast<double>(hi)) + L);
  }
};

// hi + lo = 2^64 / sum: the factor of the scaling pass.
template <class T>
struct Scale {
  T hi, lo;
};

// Pass 2: e = exp(x - c) 2^64 summed, stored in y and err in errs for
// Reuse::reload; with RowMax::tracked, also the maximum of x (the window
// test of a row whose max was not known).
template <class O, Shift S, Reuse R, RowMax Mx, Accuracy A>
Scale<typename O::T> sum_pass(const typename O::T* x, typename O::T* y, std::size_t n, const RowExp<O>& row,
                              typename O::T* mx = nullptr, typename O::T* errs = nullptr) {
  using V = typename O::V;
  using M = typename O::M;
  constexpr std::size_t L = O::lanes;
  const V ninf = O::set1(-__builtin_huge_valf());
  V m0 = ninf, m1 = ninf;
  Sums<O, A> sums(row.seed);
  auto e_of = [&](V v, M k) {
    if constexpr (Mx == RowMax::tracked) m0 = O::max(v, m0);
    return exp_of<O, S, A>(v, row, k);
  };
  for_row<O>(
      n,
      [&](std::size_t i) {
        const V x0 = O::load(x + i), x1 = O::load(x + i + L), x2 = O::load(x + i + 2 * L), x3 = O::load(x + i + 3 * L);
        if constexpr (Mx == RowMax::tracked) m1 = O::max(O::max(x0, x1), O::max(O::max(x2, x3), m1));
        const ExpErr<O> e0 = exp_of<O, S, A>(x0, row, O::all()), e1 = exp_of<O, S, A>(x1, row, O::all());
        const ExpErr<O> e2 = exp_of<O, S, A>(x2, row, O::all()), e3 = exp_of<O, S, A>(x3, row, O::all());
        if constexpr (R == Reuse::reload) {
          O::store(y + i, e0.e);
          O::store(y + i + L, e1.e);
          O::store(y + i + 2 * L, e2.e);
          O::store(y + i + 3 * L, e3.e);
          O::store(errs + i, e0.err);
          O::store(errs + i + L, e1.err);
          O::store(errs + i + 2 * L, e2.err);
          O::store(errs + i + 3 * L, e3.err);
        }
        sums.add4(e0, e1, e2, e3);
      },
      [&](std::size_t i, M k, bool tail) {
        const ExpErr<O> e = e_of(tail ? O::load_or(k, x + i, ninf) : O::load(x + i), k);
        if constexpr (R == Reuse::reload) O::store_m(y + i, k, e.e);
        if constexpr (R == Reuse::reload) O::store_m(errs + i, k, e.err);
        sums.add1(e);
      });
  if constexpr (Mx == RowMax::tracked) *mx = O::reduce_max(O::max(m0, m1));
  // Inverted here, while the accumulators are in registers: returned through
  // memory, reloading them as whole vectors stalled on store forwarding (a
  // third of a 16-element row's time).
  Scale<typename O::T> c;
  sums.inverse(c.hi, c.lo);
  return c;
}

// Pass 3: y = (e + err)(hi + lo) 2^-64, one rounding (see the top), e and
// err reloaded from y and errs or recomputed from x. With the sum of e + err,
// y must scale e + err too: scaling e alone makes y fall where x rises
// within one rounded e (err grows, the sum with it), which the exhaustive
// sweep found 2.9 million times. Scaled::e (online): y = e (hi + lo) 2^-64.
template <class O, Shift S, Reuse R, Accuracy A, Scaled Sc = Scaled::e_and_err>
void scale_pass(const typename O::T* x, typename O::T* y, std::size_t n, const RowExp<O>& row,
                typename O::T hi_s, typename O::T lo_s, const typename O::T* errs = nullptr) {
  using T = typename O::T;
  using V = typename O::V;
  using M = typename O::M;
  constexpr std::size_t L = O::lanes;
  const V hi = O::set1(hi_s), lo = O::set1(lo_s);
  const V unscale = O::set1(static_cast<T>(1.0 / kScale));
  auto scale = [&](ExpErr<O> e) {
    if constexpr (Sc == Scaled::e_and_err) return O::mul(O::fma(e.e, hi, O::fma(e.e, lo, O::mul(e.err, hi))), unscale);
    else return O::mul(O::fma(e.e, hi, O::mul(e.e, lo)), unscale);
  };
  auto e_at = [&](std::size_t i, M k, bool tail) -> ExpErr<O> {
    if constexpr (R == Reuse::reload) {
      const V e = tail ? O::load_z(k, y + i) : O::load(y + i);
      if constexpr (Sc == Scaled::e_and_err) return {e, tail ? O::load_z(k, errs + i) : O::load(errs + i)};
      else return {e, e};
    } else {
      return exp_of<O, S, A>(tail ? O::load_z(k, x + i) : O::load(x + i), row, k);
    }
  };
  // Recomputing (beyond the cache), y goes out with streaming stores from
  // its first vector-aligned element on: they skip reading y's lines before
  // writing them, a quarter of the memory traffic. The head before it is
  // masked, so every value is still computed the same way.
  std::size_t head = 0;
  bool stream = false;
  if constexpr (R == Reuse::recompute) {
    const std::size_t a = reinterpret_cast<std::uintptr_t>(y) % sizeof(V);
    stream = a % sizeof(T) == 0;
    head = stream ? std::min(n, (sizeof(V) - a) % sizeof(V) / sizeof(T)) : 0;
    if (head) O::store_m(y, O::first(head), scale(e_at(0, O::first(head), true)));
  }
  auto put = [&](std::size_t i, V v) {
    if constexpr (R == Reuse::recompute) {
      if (stream) return O::stream(y + i, v);
    }
    O::store(y + i, v);
  };
  for_row<O>(
      n - head,
      [&](std::size_t j) {
        const std::size_t i = j + head;
        const ExpErr<O> e0 = e_at(i, O::all(), false), e1 = e_at(i + L, O::all(), false);
        const ExpErr<O> e2 = e_at(i + 2 * L, O::all(), false), e3 = e_at(i + 3 * L, O::all(), false);
        put(i, scale(e0));
        put(i + L, scale(e1));
        put(i + 2 * L, scale(e2));
        put(i + 3 * L, scale(e3));
      },
      [&](std::size_t j, M k, bool tail) {
        const std::size_t i = j + head;
        if (tail) O::store_m(y + i, k, scale(e_at(i, k, tail)));
        else put(i, scale(e_at(i, k, tail)));
      });
  if (stream) O::stream_fence();  // the streamed stores are ordered before the caller reads y
}

template <class O, Shift S, Reuse R, Accuracy A>
void softmax_known(const typename O::T* x, typename O::T* y, std::size_t n, const RowExp<O>& row,
                   typename O::T* errs) {
  const auto c = sum_pass<O, S, R, RowMax::known, A>(x, y, n, row, nullptr, errs);
  scale_pass<O, S, R, A>(x, y, n, row, c.hi, c.lo, errs);
}

template <class O, Reuse R, Accuracy A>
void softmax_by(const typename O::T* x, typename O::T* y, std::size_t n, const RowExp<O>& row, typename O::T* errs) {
  if (row.shift == Shift::none)
    softmax_known<O, Shift::none, R, A>(x, y, n, row, errs);
  else
    softmax_known<O, Shift::sub, R, A>(x, y, n, row, errs);
}

// x and y share memory (in place, or overlapping).
template <class T>
bool overlap(const T* x, const T* y, std::size_t n) {
  const auto a = reinterpret_cast<std::uintptr_t>(x), b = reinterpret_cast<std::uintptr_t>(y);
  return a < b + n * sizeof(T) && b < a + n * sizeof(T);
}

template <class O, Reuse R, Accuracy A>
void softmax_row(const typename O::T* x, typename O::T* y, std::size_t n, typename O::T* errs) {
  using T = typename O::T;
  // Float, x not overwritten before the end of pass 2: assume the window
  // (k0 = 0, which needs no max) and check it with the max computed on the
  // way; a row outside it starts again. The e of the two ways differ by the
  // exact factor 2^k0 (and the clamped ones, which never reach a sum of them),
  // so the outputs are the same bits wherever y is.
  if constexpr (std::is_same_v<T, float>) {
    if (R == Reuse::recompute || !overlap(x, y, n)) {
      const RowExp<O> guess = RowExp<O>::guess();
      T mx;
      const auto c = sum_pass<O, Shift::none, R, RowMax::tracked, A>(x, y, n, guess, &mx, errs);
      if (RowExp<O>::fits_guess(mx)) return scale_pass<O, Shift::none, R, A>(x, y, n, guess, c.hi, c.lo, errs);
      return softmax_by<O, R, A>(x, y, n, RowExp<O>(mx), errs);
    }
  }
  softmax_by<O, R, A>(x, y, n, RowExp<O>(row_max<O>(x, n)), errs);
}

// The vectorized softmax (Accuracy::compensated) and the accurate one
// (faithful: inner's rounding in err too, each e + err summed in double, no
// float pair sums): reload in cache (err beside e in the per-thread scratch
// of scratch.cpp), recompute beyond.
template <class O, Accuracy A>
void three_pass_row(const typename O::T* x, typename O::T* y, std::size_t n) {
  if (n == 0) return;
  if (n * sizeof(typename O::T) <= kRecomputeBytes)
    softmax_row<O, Reuse::reload, A>(x, y, n, smx::simd::errs_scratch(y, n));
  else
    softmax_row<O, Reuse::recompute, A>(x, y, n, nullptr);
}

}  // namespace

// The portable form (portable_ops.hpp), in the portable translation unit only:
// the same passes over blocks of lanes, the final scaling without FMA.
#ifdef SMX_SIMD_PORTABLE_TU
#include "impls/simd/portable_ops.hpp"

namespace smx::simd::portable {
namespace {

// e = exp(x - c) 2^64 summed per lane, stored in y (err in errs) for
// Reuse::reload. Loads of a block happen before its stores, which keeps in
// place (y == x) right.
template <Shift S, Reuse R, Accuracy A, class T>
LaneSums<T> sum_pass(const T* x, T* y, std::size_t n, const Row<T>& row, T* errs = nullptr) {
  constexpr std::size_t B = Traits<T>::B;
  LaneSums<T> sums(row.seed);
  std::size_t i = 0;
  for (; i + B <= n; i += B) {
    T xb[B], eb[B], rb[B];
    std::memcpy(xb, x + i, sizeof xb);
    for (std::size_t j = 0; j < B; ++j) {
      eb[j] = exp_of<S, A>(xb[j], row.m, row.cut, row.bias, rb[j]);
      sums.add(j, eb[j], rb[j]);
    }
    if constexpr (R == Reuse::reload) std::memcpy(y + i, eb, sizeof eb);
    if constexpr (R == Reuse::reload) std::memcpy(errs + i, rb, sizeof rb);
  }
  for (; i < n; ++i) {
    T err;
    const T e = exp_of<S, A>(x[i], row.m, row.cut, row.bias, err);
    if constexpr (R == Reuse::reload) y[i] = e;
    if constexpr (R == Reuse::reload) errs[i] = err;
    sums.add(0, e, err);
  }
  return sums;
}

// y = e / sum rounded once (e carries 2^64, so does sum); e reloaded from y
// or recomputed from x. Scaled::e_and_err: y = (e + err) / sum, err from errs
// or recomputed (Accuracy::faithful: with inner's rounding).
template <Shift S, Reuse R, Accuracy A, Scaled Sc = Scaled::e_and_err, class T>
void scale_pass(const T* x, T* y, std::size_t n, const Row<T>& row, const LaneSums<T>& sums,
                const T* errs = nullptr) {
  constexpr std::size_t B = Traits<T>::B;
  double h, l;
  sums.total(h, l);
  constexpr bool reload = R == Reuse::reload, keep = Sc == Scaled::e_and_err;
  auto scale_all = [&](const auto& scale) {
    std::size_t i = 0;
    for (; i + B <= n; i += B) {
      T eb[B], rb[B] = {};
      std::memcpy(eb, (reload ? y : x) + i, sizeof eb);
      if constexpr (reload && keep) std::memcpy(rb, errs + i, sizeof rb);
      for (std::size_t j = 0; j < B; ++j) {
        if constexpr (!reload) eb[j] = exp_of<S, A>(eb[j], row.m, row.cut, row.bias, rb[j]);
        if constexpr (keep) eb[j] = scale(eb[j], rb[j]);
        else eb[j] = scale(eb[j]);
      }
      std::memcpy(y + i, eb, sizeof eb);
    }
    for (; i < n; ++i) {
      T err = 0;
      const T e = reload ? y[i] : exp_of<S, A>(x[i], row.m, row.cut, row.bias, err);
      if constexpr (reload && keep) err = errs[i];
      if constexpr (keep) y[i] = scale(e, err);
      else y[i] = scale(e);
    }
  };
  if constexpr (std::is_same_v<T, float>) {
    scale_all(ScaleF32{1.0 / h});
  } else {
    const double h1 = 1.0 / h;
    // 1 - sum h1 exactly: 1 - p is exact (p is within 2^-52 of 1), less p's rounding error.
    const double p = h * h1;
    const double l1 = ((1.0 - p) - two_prod_err(Split(h), Split(h1), p) - l * h1) * h1;
    const double hi = h1 * 0x1p64, lo = l1 * 0x1p64;  // exact: powers of two, normal in the window
    scale_all(ScaleF64{hi, lo, Split(hi)});
  }
}

template <Shift S, Reuse R, Accuracy A, class T>
void softmax_known(const T* x, T* y, std::size_t n, const Row<T>& row, T* errs) {
  scale_pass<S, R, A>(x, y, n, row, sum_pass<S, R, A>(x, y, n, row, errs), errs);
}

// Reload in cache (err stored in errs), recompute beyond.
template <Accuracy A, class T>
void softmax(const T* x, T* y, std::size_t n) {
  if (n == 0) return;
  T* errs = n * sizeof(T) <= kRecomputeBytes ? errs_scratch(y, n) : nullptr;
  const Row<T> row(row_max(x, n));
  const bool reload = n * sizeof(T) <= kRecomputeBytes;
  if (row.shift == Shift::sub) {
    if (reload) softmax_known<Shift::sub, Reuse::reload, A>(x, y, n, row, errs);
    else softmax_known<Shift::sub, Reuse::recompute, A>(x, y, n, row, errs);
  } else {
    if (reload) softmax_known<Shift::none, Reuse::reload, A>(x, y, n, row, errs);
    else softmax_known<Shift::none, Reuse::recompute, A>(x, y, n, row, errs);
  }
}

}  // namespace
}  // namespace smx::simd::portable
#endif
