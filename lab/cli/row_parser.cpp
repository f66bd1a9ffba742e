#include "lab/cli/row_parser.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <type_traits>

#include "impls/registry.hpp"
#include "lab/cli/errors.hpp"
#include "lab/cli/text.hpp"

namespace smx::cli {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
bool ends_token(char c) { return is_blank(c) || c == ',' || c == ';' || c == '#' || c == '\n'; }

}  // namespace

template <class T>
bool parse_value(const std::string& token, T& value, std::string* why) {
  const char* begin = token.c_str();
  char* end = nullptr;
  errno = 0;
  if constexpr (std::is_same_v<T, float>) value = std::strtof(begin, &end);
  else value = std::strtod(begin, &end);
  const int err = errno;
  // strtof skips leading blanks and stops at an embedded NUL: neither may
  // pass as "the whole token".
  if (token.empty() || is_blank(token[0]) || end != begin + token.size()) {
    if (why) *why = cat({"cannot parse ", quote(token), " as a number"});
    return false;
  }
  // ERANGE also flags underflow, which is fine (correctly rounded to a
  // subnormal or zero); only a finite literal that became inf is an error.
  if (err == ERANGE && std::isinf(value)) {
    if (why) *why = cat({quote(token), " is out of range for ", to_string(dtype_of<T>)});
    return false;
  }
  return true;
}

template <class T>
void parse_rows(const RowText& source, std::vector<std::vector<T>>& rows) {
  const std::string_view text = source.text;
  std::vector<T> row;
  std::size_t line = 1;
  bool after_comma = false;  // a comma was read and no value has followed yet

  auto fail = [&](const std::string& what) {
    std::string msg = cat({"row ", std::to_string(rows.size() + 1), ", column ", std::to_string(row.size() + 1), ": ", what});
    if (!source.origin.empty()) msg += cat({" (", source.origin, " line ", std::to_string(line), ")"});
    throw InputError(msg);
  };
  auto end_row = [&] {
    if (after_comma) fail("missing value after ','");
    if (!row.empty()) rows.push_back(std::move(row));
    row.clear();
  };

  std::string token;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '\n' || c == ';') {
      end_row();
      if (c == '\n') ++line;
      ++i;
    } else if (is_blank(c)) {
      ++i;
    } else if (c == ',') {
      if (after_comma || row.empty()) fail("missing value before ','");
      after_comma = true;
      ++i;
    } else {
      const std::size_t start = i;
      while (i < text.size() && !ends_token(text[i])) ++i;
      token.assign(text.substr(start, i - start));
      T value;
      std::string why;
      if (!parse_value(token, value, &why)) fail(why);
      row.push_back(value);
      after_comma = false;
    }
  }
  end_row();
}

template bool parse_value<float>(const std::string&, float&, std::string*);
template bool parse_value<double>(const std::string&, double&, std::string*);
template void parse_rows<float>(const RowText&, std::vector<std::vector<float>>&);
template void parse_rows<double>(const RowText&, std::vector<std::vector<double>>&);

}  // namespace smx::cli
