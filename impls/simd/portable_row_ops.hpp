// The portable forms of log_softmax, cross_entropy, the temperature-folding
// softmax and softmax_backward (log_softmax.hpp, cross_entropy.hpp,
// backward.hpp: the same passes and the same per-row arithmetic,
// row_stats.hpp), over portable_ops.hpp: blocks of B lanes with per-lane
// sums, without FMA (products split exactly by Dekker's method where double
// needs them; float computes its outputs in double). Portable translation
// unit only (see portable_ops.hpp).
#pragma once

#ifndef SMX_SIMD_PORTABLE_TU
#error "impls/simd/portable_row_ops.hpp belongs to the portable translation unit (portable.cpp) alone"
#endif

#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <type_traits>

#include "impls/simd/kernels.hpp"
#include "impls/simd/portable_ops.hpp"
#include "impls/simd/row_stats.hpp"

namespace smx::simd::portable {
namespace {

// exp_of (portable_ops.hpp) of hi + lo, faithful: lo joins the low part of
// the reduced argument (exp_sums.hpp, exp_split). Shift::none, k0 = 0.
template <class T>
inline T exp_split(T hi, T lo, T cut, typename Traits<T>::U bias, T& err) {
  using Tr = Traits<T>;
  using C = typename Tr::C;
  using U = typename Tr::U;
  const T sc = cut > hi ? cut : hi;
  const T kbig = sc * C::log2e + C::magic;
  const T k = kbig - C::magic;
  const T rh = sc - k * C::ln2_hi;  // exact
  const T rl = lo - k * C::ln2_lo;
  const T r = rh + rl;
  const U bits = (std::bit_cast<U>(kbig) + bias) << C::mantissa_bits;
  const T v = (r * r) * Tr::q(r) + rl;
  const T inner = rh + v;
  const T p = T(1) + inner;
  const T b = inner - rh;
  err = (((T(1) - p) + inner) + ((rh - (inner - b)) + (v - b))) * std::bit_cast<T>(bits);
  return p * std::bit_cast<T>(bits);
}

// The row's exponentials: of x (exact argument, Row<T>) or of beta (x - m).
// keep: below m and not clamped (NaN kept).
template <class T, Shift S>
struct PlainExp {
  const Row<T>& row;
  T mx;
  T eval(T x, T& err) const { return exp_of<S, Accuracy::faithful>(x, row.m, row.cut, row.bias, err); }
  bool keep(T x) const {
    const T s = S == Shift::sub ? x - row.m : x;
    return !(x >= mx) && !(row.cut > s);
  }
};

template <class T>
struct ScaledExp {
  const Row<T>& row;  // Row<T>(0): k0 = 0, cut -tail
  T mx, beta;
  void arg(T x, T& hi, T& lo) const {
    if constexpr (std::is_same_v<T, float>) {
      const double s = static_cast<double>(beta) * (static_cast<double>(x) - static_cast<double>(mx));
      hi = static_cast<float>(s);
      lo = static_cast<float>(s - static_cast<double>(hi));
    } else {
      const T d = x - mx, b = d - x;
      const T dt = (x - (d - b)) - (mx + b);
      hi = beta * d;
      lo = two_prod_err(Split(beta), Split(d), hi) + beta * dt;
    }
  }
  T eval(T x, T& err) const {
    T hi, lo;
    arg(x, hi, lo);
    if (row.cut > hi) lo = 0;  // lo is NaN at -inf
    return exp_split(hi, lo, row.cut, row.bias, err);
  }
  bool keep(T x) const {
    T hi, lo;
    arg(x, hi, lo);
    return !(x >= mx) && !(row.cut > hi);
  }
};

template <class T>
DD exp_at(const auto& ex, T v) {
  T err;
  const T e = ex.eval(v, err);
  const double s = static_cast<double>(e) + static_cast<double>(err);
  return {s, static_cast<double>(err) - (s - static_cast<double>(e))};
}

// Per-lane sums of the kept e + err, and the ties (exp_sums.hpp, keep_sums).
template <bool Store, class T>
RowSums keep_sums(const T* x, std::size_t n, const auto& ex, T mx, T* y = nullptr, T* errs = nullptr) {
  constexpr std::size_t B = Traits<T>::B;
  double s[B], c[B] = {}, ties[B] = {};
  T err[B] = {};
  for (std::size_t j = 0; j < B; ++j) s[j] = 0.0;
  auto add = [&](std::size_t j, T v, T& e_out, T& err_out) {
    T r;
    const T e = ex.eval(v, r);
    e_out = e, err_out = r;
    ties[j] += v == mx ? 1.0 : 0.0;
    const bool k = ex.keep(v);
    const T ek = k ? e : T(0), rk = k ? r : T(0);
    err[j] += rk;
    if constexpr (std::is_same_v<T, float>) {
      s[j] += static_cast<double>(ek);
    } else {  // TwoSum: S1 may be far below any seed (exp_sums.hpp, TwoSumAcc)
      const double u = s[j] + ek, v = u - s[j];
      c[j] += (s[j] - (u - v)) + (ek - v);
      s[j] = u;
    }
  };
  std::size_t i = 0;
  for (; i + B <= n; i += B) {
    T xb[B], eb[B], rb[B];
    std::memcpy(xb, x + i, sizeof xb);
    for (std::size_t j = 0; j < B; ++j) add(j, xb[j], eb[j], rb[j]);
    if constexpr (Store) std::memcpy(y + i, eb, sizeof eb), std::memcpy(errs + i, rb, sizeof rb);
  }
  for (; i < n; ++i) {
    T e, r;
    add(0, x[i], e, r);
    if constexpr (Store) y[i] = e, errs[i] = r;
  }
  double h[2 * B], l[2 * B];
  RowSums out;
  for (std::size_t j = 0; j < B; ++j) {
    h[j] = s[j];
    l[j] = c[j];
    h[B + j] = static_cast<double>(err[j]);
    l[B + j] = 0;
    out.ties += ties[j];
  }
  out.keep = sum_lanes(h, l, 2 * B);
  return out;
}

template <class T>
void fill_nan(T* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = std::numeric_limits<T>::quiet_NaN();
}
template <class T>
bool finite_max(T m) { return std::isfinite(m); }

// y = s - L, s = x - m or beta (x - m) taken exactly (log_softmax.hpp).
template <bool Scaled, class T>
void log_outputs(const T* x, T* y, std::size_t n, T mx, T beta, DD lse) {
  for (std::size_t i = 0; i < n; ++i) {
    const T v = x[i];
    if constexpr (std::is_same_v<T, float>) {
      double s = static_cast<double>(v) - static_cast<double>(mx);
      if constexpr (Scaled) s *= static_cast<double>(beta);
      y[i] = static_cast<float>(s - lse.hi);
    } else {
      const T d = v - mx, b = d - v;
      T t = (v - (d - b)) - (mx + b), p = d;
      if constexpr (Scaled) {
        p = beta * d;
        t = beta * t + two_prod_err(Split(beta), Split(d), p);
      }
      const T sum = p - lse.hi, c = sum - p;
      const T r = (p - (sum - c)) + (-lse.hi - c);
      y[i] = v == -std::numeric_limits<T>::infinity() ? v : sum + (r + (t - lse.lo));
    }
  }
}

// y = (e + err)(hi + lo) 2^-64 (exp_sums.hpp, scale_outputs).
template <bool Reload, class T>
void scale_outputs(const T* x, T* y, std::size_t n, const auto& ex, DD scale, const T* errs) {
  auto out = [&](std::size_t i) {
    T e, r;
    if constexpr (Reload) e = y[i], r = errs[i];
    else e = ex.eval(x[i], r);
    if constexpr (std::is_same_v<T, float>) {
      return static_cast<float>((static_cast<double>(e) + static_cast<double>(r)) * (scale.hi * 0x1p-64));
    } else {
      return ScaleF64{scale.hi, scale.lo, Split(scale.hi)}(e, r);
    }
  };
  for (std::size_t i = 0; i < n; ++i) y[i] = out(i);
}

template <class T>
void log_softmax(const T* x, T* y, std::size_t n) {
  if (n == 0) return;
  const T mx = row_max(x, n);
  if (!finite_max(mx)) return fill_nan(y, n);
  const Row<T> row(mx);
  auto lse = [&](const auto& ex) {
    RowSums s = keep_sums<false>(x, n, ex, mx);
    s.em = exp_at(ex, mx);
    return row_log(s).l;
  };
  const DD l = row.shift == Shift::none ? lse(PlainExp<T, Shift::none>{row, mx}) : lse(PlainExp<T, Shift::sub>{row, mx});
  log_outputs<false>(x, y, n, mx, T(1), l);
}

template <class T>
void log_softmax_scaled(const T* x, T* y, std::size_t n, T beta) {
  if (n == 0) return;
  const T mx = row_max(x, n);
  if (!finite_max(mx)) return fill_nan(y, n);
  const Row<T> row(T(0));
  const ScaledExp<T> ex{row, mx, beta};
  RowSums s = keep_sums<false>(x, n, ex, mx);
  s.em = exp_at(ex, mx);
  log_outputs<true>(x, y, n, mx, beta, row_log(s).l);
}

template <class T>
void softmax_scaled(const T* x, T* y, std::size_t n, T beta) {
  if (n == 0) return;
  const T mx = row_max(x, n);
  if (!finite_max(mx)) return fill_nan(y, n);
  const Row<T> row(T(0));
  const ScaledExp<T> ex{row, mx, beta};
  const bool reload = n * sizeof(T) <= kRecomputeBytes;
  T* errs = reload ? errs_scratch(y, n) : nullptr;
  RowSums s = reload ? keep_sums<true>(x, n, ex, mx, y, errs) : keep_sums<false>(x, n, ex, mx);
  s.em = exp_at(ex, mx);
  if (reload) scale_outputs<true>(x, y, n, ex, row_scale(s), errs);
  else scale_outputs<false>(x, y, n, ex, row_scale(s), errs);
}

template <class T>
T cross_entropy_by(const T* x, std::size_t n, std::size_t t, T* grad, const auto& ex, T mx) {
  const T xt = x[t];
  const bool reload = grad && n * sizeof(T) <= kRecomputeBytes;
  T* errs = reload ? errs_scratch(grad, n) : nullptr;
  RowSums s = reload ? keep_sums<true>(x, n, ex, mx, grad, errs) : keep_sums<false>(x, n, ex, mx);
  s.em = exp_at(ex, mx);
  const RowLog r = row_log(s);
  if (grad) {
    if (reload) scale_outputs<true>(x, grad, n, ex, row_scale(s), errs);
    else scale_outputs<false>(x, grad, n, ex, row_scale(s), errs);
    grad[t] = static_cast<T>(ce_target_gradient(r, exp_at(ex, xt), s.em, !(xt < mx)).hi);
  }
  return static_cast<T>(ce_loss(static_cast<double>(mx), static_cast<double>(xt), r).hi);
}

template <class T>
T cross_entropy(const T* x, std::size_t n, std::size_t t, T* grad) {
  const T mx = row_max(x, n);
  if (!finite_max(mx)) {
    if (grad) fill_nan(grad, n);
    return std::numeric_limits<T>::quiet_NaN();
  }
  const Row<T> row(mx);
  if (row.shift == Shift::none) return cross_entropy_by(x, n, t, grad, PlainExp<T, Shift::none>{row, mx}, mx);
  return cross_entropy_by(x, n, t, grad, PlainExp<T, Shift::sub>{row, mx}, mx);
}

template <class T>
T cross_entropy_batch(const T* x, std::size_t ldx, const std::size_t* target, T* grad, std::size_t ldg,
                      std::size_t rows, std::size_t cols, int threads) {
  return smx::simd::cross_entropy_rows<T, cross_entropy<T>>(x, ldx, target, grad, ldg, rows, cols, threads);
}

// dx = y (dy - c), c = <dy, y> in double-double (backward.hpp).
template <class T>
void softmax_backward(const T* y, const T* dy, T* dx, std::size_t n) {
  constexpr std::size_t B = Traits<T>::B;
  double s[B] = {}, c[B] = {};
  auto add = [&](std::size_t j, T a, T b) {
    double p, pe;
    if constexpr (std::is_same_v<T, float>) {
      p = static_cast<double>(a) * static_cast<double>(b), pe = 0;  // exact
    } else {
      p = a * b, pe = two_prod_err(Split(a), Split(b), p);
    }
    const double t = s[j] + p, v = t - s[j];
    c[j] += ((s[j] - (t - v)) + (p - v)) + pe;
    s[j] = t;
  };
  std::size_t i = 0;
  for (; i + B <= n; i += B)
    for (std::size_t j = 0; j < B; ++j) add(j, y[i + j], dy[i + j]);
  for (; i < n; ++i) add(0, y[i], dy[i]);
  const DD cd = sum_lanes(s, c, B);
  for (i = 0; i < n; ++i) {
    const T a = y[i], b = dy[i];
    if constexpr (std::is_same_v<T, float>) {
      dx[i] = static_cast<float>(static_cast<double>(a) * ((static_cast<double>(b) - cd.hi) - cd.lo));
    } else {
      const double mc = -cd.hi, d = b + mc, v = d - b;
      const double t = ((b - (d - v)) + (mc - v)) - cd.lo;
      const double p = a * d;
      dx[i] = p + (two_prod_err(Split(a), Split(d), p) + a * t);
    }
  }
}

}  // namespace
}  // namespace smx::simd::portable
