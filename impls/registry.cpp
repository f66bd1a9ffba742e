#include "impls/registry.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

#include "impls/list.hpp"

namespace smx {
namespace impls {
#define SMX_DECLARE(id) Impl id();
#define SMX_DECLARE_MANY(id) std::span<const Impl> id();
SMX_IMPLS(SMX_DECLARE, SMX_DECLARE_MANY)
#undef SMX_DECLARE_MANY
#undef SMX_DECLARE
}  // namespace impls

std::span<const Impl> all_impls() {
  // Function-local: built on first use, so no static-initialisation order issue.
  static const std::vector<Impl> list = [] {
    std::vector<Impl> l;
#define SMX_ENTRY(id) l.push_back(impls::id());
#define SMX_ENTRIES(id) l.insert(l.end(), impls::id().begin(), impls::id().end());
    SMX_IMPLS(SMX_ENTRY, SMX_ENTRIES)
#undef SMX_ENTRIES
#undef SMX_ENTRY
    return l;
  }();
  return list;
}

const Impl* find(std::string_view name) {
  for (const Impl& impl : all_impls())
    if (impl.name == name) return &impl;
  return nullptr;
}

std::string_view to_string(AllNegInf p) {
  switch (p) {
    case AllNegInf::nan: return "nan";
    case AllNegInf::zeros: return "zeros";
    case AllNegInf::uniform: return "uniform";
    case AllNegInf::neg_inf: return "-inf";
  }
  return "?";
}

std::string_view to_string(PosInf p) {
  switch (p) {
    case PosInf::nan_row: return "nan";
    case PosInf::limit: return "limit";
    case PosInf::nan_at_inf: return "nan at +inf";
    case PosInf::neg_inf: return "-inf";
  }
  return "?";
}

std::string_view to_string(NanInput p) {
  switch (p) {
    case NanInput::nan_row: return "nan";
    case NanInput::nan_at_nan: return "nan at nan";
    case NanInput::neg_inf: return "-inf";
  }
  return "?";
}

std::string describe(const UlpBudget& b) {
  if (!b.declared()) return "none";
  const auto num = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return std::string(buf);
  };
  std::string s = num(b.base);
  if (b.per_element != 0) s += " + " + num(b.per_element) + "·n";
  if (b.per_distance != 0) s += " + " + num(b.per_distance) + "·|x−max|";
  if (b.per_magnitude != 0) s += " + " + num(b.per_magnitude) + "·|max|";
  if (b.floor != 0) {
    int e = 0;  // a power of two reads best as one
    const std::string floor = std::frexp(b.floor, &e) == 0.5 ? "2^" + std::to_string(e - 1) : num(b.floor);
    s = "outputs ≥ " + floor + ": " + s;
  }
  return s;
}

std::string_view to_string(Subnormals s) {
  switch (s) {
    case Subnormals::kept: return "kept";
    case Subnormals::flushed: return "flushed";
    case Subnormals::unclaimed: return "unclaimed";
  }
  return "?";
}

std::string_view to_string(Domain d) {
  switch (d) {
    case Domain::all_finite: return "all finite";
    case Domain::exp_range: return "exp range";
  }
  return "?";
}

}  // namespace smx
