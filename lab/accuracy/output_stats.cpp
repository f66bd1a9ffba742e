#include "lab/accuracy/output_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lab/accuracy/special_outcome.hpp"
#include "lab/io/float_text.hpp"

namespace smx {
namespace {

template <class T>
WorstElement worst_at(std::uint64_t seed, std::size_t i, std::span<const T> x, std::span<const T> y,
                      const Expected<T>& ref) {
  if (i >= x.size()) return {};
  return {seed, i, shortest(x[i]), shortest(y[i]), shortest(ref.rounded[i])};
}

}  // namespace

template <class T>
OutputStats output_stats(std::uint64_t seed, RowClass row_class, std::span<const T> x, std::span<const T> y,
                         const Expected<T>& ref, std::vector<double>& errors) {
  OutputStats s;
  s.produces = special_outcome<T>(x, y, ref);
  if (row_class != RowClass::finite) return s;

  errors.resize(x.size());
  s.metrics = metrics::row_metrics<T>(x, y, ref.rounded, ref.exact, ref.x_order, errors);
  long double kl = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const long double exact = ref.exact[i];
    const double e = errors[i];
    s.histogram.add(e);
    s.mean_sum += e;
    if (y[i] == 0 && ref.rounded[i] != 0) ++s.flushed;
    if (exact > 0 && !(y[i] > 0)) {
      kl = std::numeric_limits<long double>::infinity();  // y = 0 where r > 0 (no log to take: it is -inf)
    } else if (exact > 0) {
      // KL(r || y) term -r log(1 + d): a short series where y is close (the
      // usual case, and cheaper than log1p), log1p otherwise.
      const long double d = (metrics::widen(y[i]) - exact) / exact;
      const long double l = std::fabs(d) < 1e-4L ? d - d * d / 2 + d * d * d / 3 : std::log1p(d);
      kl += -exact * l;
    }
  }
  s.outputs = x.size();
  s.kl = static_cast<double>(std::max(kl, 0.0L));
  s.worst_normal = worst_at<T>(seed, s.metrics.worst_normal, x, y, ref);
  s.worst_subnormal = worst_at<T>(seed, s.metrics.worst_subnormal, x, y, ref);
  return s;
}

#define SMX_INSTANTIATE(T)                                                                                    \
  template OutputStats output_stats<T>(std::uint64_t, RowClass, std::span<const T>, std::span<const T>, \
                                       const Expected<T>&, std::vector<double>&);
SMX_INSTANTIATE(float)
SMX_INSTANTIATE(double)
#undef SMX_INSTANTIATE

}  // namespace smx
