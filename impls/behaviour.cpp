#include "impls/behaviour.hpp"

#include <cmath>
#include <cstdio>

namespace smx {

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
    case Domain::moderate_magnitude: return "|max x| u <= 1/4";
  }
  return "?";
}

}  // namespace smx
