// Rows of numbers as `eval` reads them, from the command line, a file or stdin.
//
// Grammar: a row ends at a newline or ';'. Values are separated by commas
// and/or whitespace (a comma needs a value on each side). '#' starts a
// comment to the end of the line. Rows without values (blank lines, comment
// lines) are skipped. A value is anything strtof/strtod reads in full:
// decimal, hex float (0x1.8p3), inf, infinity, nan, any case, optional sign.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace smx::cli {

// Parses one token straight to T (strtof for float, strtod for double, never
// through double for float, which would round twice). Values that underflow
// round to a subnormal or zero as usual; overflow is an error. On error
// returns false and sets *why to the reason, e.g. "cannot parse 'abc' as a number".
template <class T>
bool parse_value(const std::string& token, T& value, std::string* why);

struct RowText {
  std::string_view text;
  // "" for command-line values; a path or "stdin" adds "(PATH line L)" to
  // errors, because there the line is what a person looks for.
  std::string origin;
};

// Appends the rows of source to rows. Rows are numbered on from rows.size()
// (rows from several sources form one numbering). Throws InputError:
// "row 2, column 3: cannot parse 'abc' as a number" (1-based; column counts values).
template <class T>
void parse_rows(const RowText& source, std::vector<std::vector<T>>& rows);

}  // namespace smx::cli
