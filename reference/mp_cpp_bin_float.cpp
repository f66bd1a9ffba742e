// The multiprecision tier on Boost's own cpp_bin_float (no MPFR code
// involved: the independent implementation the tests compare against).
#include <boost/multiprecision/cpp_bin_float.hpp>

#include "reference/multiprecision.hpp"

namespace smx::ref::detail {
namespace {

template <unsigned Bits>
using Bin = boost::multiprecision::number<
    boost::multiprecision::cpp_bin_float<Bits, boost::multiprecision::digit_base_2>,
    boost::multiprecision::et_off>;

}  // namespace

template <class T>
unsigned mp_resolve_cpp_bin_float(Op op, const MpRow<T>& row, std::span<const std::size_t> idx,
                                  std::span<T> out) {
  return mp_run<T, Bin<128>, Bin<256>, Bin<512>, Bin<1024>, Bin<2048>, Bin<4096>>(op, row, idx, out);
}

template unsigned mp_resolve_cpp_bin_float<float>(Op, const MpRow<float>&, std::span<const std::size_t>,
                                                  std::span<float>);
template unsigned mp_resolve_cpp_bin_float<double>(Op, const MpRow<double>&, std::span<const std::size_t>,
                                                   std::span<double>);

}  // namespace smx::ref::detail
