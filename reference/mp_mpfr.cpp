// The multiprecision tier on MPFR, through Boost.Multiprecision.
//
// Fixed compile-time precisions (mpfr_float_backend<Digits10>) rather than
// the runtime-precision mpfr_float: in Boost 1.74 mpfr_float's default
// precision is a plain (not thread-local) static that every mixed-precision
// operation rewrites, so using it from several threads is a data race.
#include <boost/multiprecision/mpfr.hpp>

#include "reference/multiprecision.hpp"

namespace smx::ref::detail {
namespace {

// The smallest Digits10 whose MPFR precision (Boost's conversion) is >= bits.
constexpr unsigned digits10_for(unsigned bits) {
  unsigned d = 1;
  while ((d * 1000u) / 301u + ((d * 1000u) % 301u ? 2u : 1u) < bits) ++d;
  return d;
}

template <unsigned Bits>
using Mpfr = boost::multiprecision::number<
    boost::multiprecision::mpfr_float_backend<digits10_for(Bits), boost::multiprecision::allocate_stack>,
                                           boost::multiprecision::et_off>;

static_assert(std::numeric_limits<Mpfr<128>>::digits >= 128);

// MPFR keeps per-thread caches (constants such as log 2) that it frees only
// on request: release them when a thread that used this tier ends, or every
// worker thread of a caller leaks them (and LeakSanitizer says so).
struct ReleaseMpfrCaches {
  ~ReleaseMpfrCaches() { mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE); }
};

}  // namespace

template <class T>
unsigned mp_resolve_mpfr(Op op, const MpRow<T>& row, std::span<const std::size_t> idx, std::span<T> out) {
  thread_local ReleaseMpfrCaches release;
  (void)release;
  return mp_run<T, Mpfr<128>, Mpfr<256>, Mpfr<512>, Mpfr<1024>, Mpfr<2048>, Mpfr<4096>>(op, row, idx, out);
}

template unsigned mp_resolve_mpfr<float>(Op, const MpRow<float>&, std::span<const std::size_t>, std::span<float>);
template unsigned mp_resolve_mpfr<double>(Op, const MpRow<double>&, std::span<const std::size_t>, std::span<double>);

}  // namespace smx::ref::detail
