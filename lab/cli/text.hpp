// Small text helpers shared by the commands: quoting user input into error
// messages and aligned tables (CSV fields: lab/io/csv.hpp).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "lab/io/float_text.hpp"  // smx::shortest: exact round-trip float text

namespace smx::cli {

// Joins the pieces. Used instead of "literal" + std::string chains, on which
// g++ 12 at -O2 and above warns falsely (-Wrestrict, GCC PR 105329) and CI
// builds with -Werror.
std::string cat(std::initializer_list<std::string_view> pieces);

// 'text' for an error message: control characters escaped (the message must
// stay one line) and long input cut short, so garbage input gives a readable
// line, not a megabyte.
std::string quote(std::string_view text, std::size_t max_chars = 40);

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

// A table stored by columns, for output too wide for one screen: the
// columns after the first (the labels) come in groups that stay together
// (a value and its error), and groups that do not fit in max_width go to
// another block below, labels repeated, blocks one blank line apart.
struct Column {
  Table::Align align = Table::Align::left;
  std::vector<std::string> cells;  // one per line; the same count in every column
};
using ColumnGroup = std::vector<Column>;
void write_wrapped(std::ostream& out, const Column& labels, const std::vector<ColumnGroup>& groups,
                   std::size_t max_width, std::string_view indent = "");

}  // namespace smx::cli
