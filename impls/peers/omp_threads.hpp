// The thread count of a peer that runs its threads through OpenMP: Debian
// builds libtorch and oneDNN on libgomp, where the number of threads a
// parallel region uses is the calling thread's own OpenMP setting. A scoped
// omp_set_num_threads therefore sizes the library's own threading for one
// call and restores the caller's setting after, without touching any other
// thread (the accuracy runner calls from several).
#pragma once

#include <omp.h>

namespace smx::impls::peers {

class OmpThreads {
 public:
  // threads <= 0: the library's default (the setting is left alone).
  explicit OmpThreads(int threads) : saved_(omp_get_max_threads()) {
    if (threads > 0) omp_set_num_threads(threads);
  }
  ~OmpThreads() { omp_set_num_threads(saved_); }
  OmpThreads(const OmpThreads&) = delete;
  OmpThreads& operator=(const OmpThreads&) = delete;

 private:
  int saved_;
};

}  // namespace smx::impls::peers
