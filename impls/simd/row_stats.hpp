// The per-row scalar arithmetic of the log_softmax, cross_entropy and
// softmax_backward kernels, done once per row in double-double after the
// vector passes: S1 and log1p(S1), the softmax scale, the loss and the
// target's gradient, the mean loss of a batch. Baseline code (row_stats.cpp),
// shared by every ISA path, so all paths agree on these values; declarations
// and plain types only, the ISA translation units include it.
#pragma once

#include <cstddef>

namespace smx::simd {

// hi + lo, |lo| <= ulp(hi)/2.
struct DD {
  double hi = 0, lo = 0;
};

// What the sum pass leaves for a row with finite max m, every e + err
// carrying the row's factor 2^(64 - k0) (exp.hpp):
// keep: the sum over entries below m and above the clamp (others exclude);
// ties: how many entries equal m; em: e + err of m itself. So S1, the sum of
// exp(x_j - m) over every entry but the first max, is keep/em + ties - 1:
// the max's 1 is never added in, and S1 keeps its relative accuracy however
// small it is.
struct RowSums {
  DD keep;
  double ties = 0;
  DD em;
};

// The sum of per-lane values h[i] + l[i] (TwoSum merges, renormalised).
DD sum_lanes(const double* h, const double* l, std::size_t count);

// S1 and L = log1p(S1), both to about 2^-100 relative (beyond keep's own
// accuracy: the exponentials'); NaN when keep is.
struct RowLog {
  DD s1, l;
};
RowLog row_log(const RowSums& s);

// The same from the sum of every entry's e + err (the max's and the ties'
// included), em_summed the max's own term as summed and em its faithful
// value: S1 = (total - em_summed) / em. Only as good as total's absolute
// accuracy allows, so for S1 not too small (log_softmax.hpp).
RowLog row_log_total(DD total, DD em_summed, DD em);

// 2^64 / (keep + ties em): y = (e + err) times it, 2^-64, is softmax(x).
DD row_scale(const RowSums& s);

// Cross entropy: the loss (m - x_t) + L, both terms >= 0 (x_t - m exact in
// double-double); and the target's gradient p_t - 1 = -(S - e_t)/S with
// S = 1 + S1, e_t = et/em (1 for a target equal to m), taken without the
// cancellation of p_t - 1.
DD ce_loss(double m, double xt, const RowLog& r);
DD ce_target_gradient(const RowLog& r, DD et, DD em, bool target_is_max);

// log(1 + s) for s >= 0 in double-double, about 2^-100 relative.
DD log1p_dd(DD s);

// The mean of loss(job, r) over rows r in [0, rows), the sum in
// double-double; rows split into `threads` contiguous parts on the worker
// pool (impls/worker_pool.hpp), 0: one part per 2^18 elements of work, at
// most the hardware threads.
double mean_over_rows(std::size_t rows, std::size_t cols, int threads, double (*loss)(const void* job, std::size_t r),
                      const void* job);

// The batched cross-entropy of a row kernel: each row's loss and gradient
// (grad may be nullptr), the mean of the losses.
template <class T, T (*Row)(const T*, std::size_t, std::size_t, T*)>
T cross_entropy_rows(const T* x, std::size_t ldx, const std::size_t* target, T* grad, std::size_t ldg,
                     std::size_t rows, std::size_t cols, int threads) {
  struct Job {
    const T* x;
    std::size_t ldx;
    const std::size_t* target;
    T* grad;
    std::size_t ldg, cols;
  } job{x, ldx, target, grad, ldg, cols};
  auto loss = [](const void* context, std::size_t r) {
    const Job& j = *static_cast<const Job*>(context);
    return static_cast<double>(Row(j.x + r * j.ldx, j.cols, j.target[r], j.grad ? j.grad + r * j.ldg : nullptr));
  };
  return static_cast<T>(mean_over_rows(rows, cols, threads, loss, &job));
}

}  // namespace smx::simd
