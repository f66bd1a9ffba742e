// Floats as text that reads back to the same bits (shortest round trip).
#pragma once

#include <charconv>
#include <cmath>
#include <string>

namespace smx {

template <class T>
std::string shortest(T v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::string("?");
}

}  // namespace smx
