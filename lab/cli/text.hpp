// Small text helpers shared by the commands: quoting user input into error
// messages, exact float formatting, CSV fields and aligned tables.
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace smx::cli {

// 'text' for an error message: control characters escaped (the message must
// stay one line) and long input cut short, so garbage input gives a readable
// line, not a megabyte.
std::string quote(std::string_view text, std::size_t max_chars = 40);

// Shortest decimal that reads back to exactly v (std::to_chars); NaN of any
// sign or payload is "nan", infinities "inf" and "-inf".
template <class T>
std::string shortest(T v) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// An RFC 4180 field: quoted when it holds a comma, quote or line break.
std::string csv_field(std::string_view text);

// Columns on a terminal: UTF-8 code points, not bytes ("1·n" is 3 wide).
std::size_t display_width(std::string_view text);

// Text columns padded to the widest cell, two spaces apart, no trailing blanks.
class Table {
 public:
  enum class Align { left, right };
  explicit Table(std::vector<Align> align) : align_(std::move(align)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void write(std::ostream& out, std::string_view indent = "") const;

 private:
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace smx::cli
