// Flush-to-zero and denormals-are-zero for a scope (the /ftz benchmarks):
// the SSE/AVX control register (MXCSR) of this thread is set on entry and
// restored on exit, so subnormal slow paths show as the difference between a
// benchmark and its /ftz twin.
#pragma once

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace smx {

class FlushDenormals {
 public:
  explicit FlushDenormals(bool on) {
#if defined(__x86_64__) || defined(__i386__)
    if (!on) return;
    saved_ = _mm_getcsr();
    _mm_setcsr(saved_ | ftz_bit | daz_bit);
    active_ = true;
#else
    (void)on;
#endif
  }
  ~FlushDenormals() {
#if defined(__x86_64__) || defined(__i386__)
    if (active_) _mm_setcsr(saved_);
#endif
  }
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

  static constexpr unsigned ftz_bit = 1u << 15, daz_bit = 1u << 6;

 private:
  unsigned saved_ = 0;
  bool active_ = false;
};

}  // namespace smx
