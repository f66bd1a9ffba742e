// Markdown pieces the reports share: tables, fixed-format numbers, figures.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace smx {

struct Figure {
  std::string file;     // relative to the report
  std::string title;
  std::string caption;  // what it shows, from the data
};

namespace md {

// "| a | b |" and the alignment line: first column left, the others right.
void table_header(std::ostream& out, const std::vector<std::string>& cols);
// One row; '|' inside a cell is escaped (a budget's |x−max| must not split it).
void table_row(std::ostream& out, const std::vector<std::string>& cells);
// snprintf(fmt, v) as a string.
std::string fixed(double v, const char* fmt);

}  // namespace md
}  // namespace smx
