// The accurate kernels' per-thread errs scratch (kernels.hpp). Baseline code,
// so no std::vector is instantiated in an ISA translation unit.
#include <vector>

#include "impls/simd/kernels.hpp"

namespace smx::simd {
namespace {
template <class T>
T* grown(std::size_t n) {
  thread_local std::vector<T> buf;
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}
}  // namespace
float* errs_scratch(float*, std::size_t n) { return grown<float>(n); }
double* errs_scratch(double*, std::size_t n) { return grown<double>(n); }

}  // namespace smx::simd
