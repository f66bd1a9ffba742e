#include "lab/io/markdown.hpp"

#include <cstdio>

namespace smx::md {

void table_header(std::ostream& out, const std::vector<std::string>& cols) {
  out << '|';
  for (const auto& c : cols) out << ' ' << c << " |";
  out << "\n|";
  for (std::size_t i = 0; i < cols.size(); ++i) out << (i == 0 ? ":--|" : "--:|");
  out << '\n';
}

void table_row(std::ostream& out, const std::vector<std::string>& cells) {
  out << '|';
  for (const auto& c : cells) {
    out << ' ';
    for (char ch : c) {
      if (ch == '|') out << '\\';
      out << ch;
    }
    out << " |";
  }
  out << '\n';
}

std::string fixed(double v, const char* fmt) {
  char buf[48];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

}  // namespace smx::md
