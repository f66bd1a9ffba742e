// Runs one job per accuracy input over a pool of threads, largest first as
// the caller orders them, and reports progress from the calling thread.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace smx {

// The indices of inputs of these sizes, largest first (stable), so that no
// thread is left with a 2^20 row at the end.
std::vector<std::size_t> largest_first(const std::vector<std::size_t>& sizes);

// work(k) for every k in order (indices the caller gives meaning to), on
// max(1, threads) threads; progress(done, total) is called from the calling
// thread as jobs complete (about five times a second).
void run_in_parallel(const std::vector<std::size_t>& order, unsigned threads, const std::function<void(std::size_t)>& work,
                     const std::function<void(std::size_t, std::size_t)>& progress);

}  // namespace smx
