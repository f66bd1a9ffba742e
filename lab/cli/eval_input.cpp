#include "lab/cli/eval_input.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <memory>

#include "lab/cli/errors.hpp"
#include "lab/cli/row_parser.hpp"
#include "lab/cli/text.hpp"

namespace smx::cli {
namespace {

// stdio rather than ifstream: a directory or a read error must be an error
// with its reason (EISDIR, EIO), not an empty file.
std::string read_file(const std::string& path) {
  const auto fail = [&] { throw InputError(cat({"cannot read ", quote(path, 200), ": ", std::strerror(errno)})); };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) fail();
  std::string text;
  char buf[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, got);
  if (std::ferror(f.get())) fail();
  return text;
}

// A positional is a file only if it does not read as numbers: "1e5" stays a
// value even if a file of that name happens to exist. A directory counts, so
// that reading it fails with its reason rather than as a number.
template <class T>
bool names_file(const std::string& arg) {
  std::vector<std::vector<T>> scratch;
  try {
    parse_rows<T>({arg, ""}, scratch);
    return false;
  } catch (const InputError&) {
    std::error_code ec;
    return std::filesystem::exists(arg, ec);
  }
}

}  // namespace

template <class T>
std::vector<std::vector<T>> read_rows(const Args& args, std::istream& in) {
  std::vector<std::vector<T>> rows;
  std::string values;  // value arguments waiting to be parsed as one text
  bool any_source = false;
  auto flush_values = [&] {
    if (!values.empty()) parse_rows<T>({values, ""}, rows);
    values.clear();
  };
  for (const Args::Item& item : args.items) {
    if (item.option == "file") {
      flush_values();
      parse_rows<T>({read_file(item.value), item.value}, rows);
    } else if (item.option.empty() && item.value == "-") {
      flush_values();
      const std::string text(std::istreambuf_iterator<char>(in), {});
      parse_rows<T>({text, "stdin"}, rows);
    } else if (item.option.empty() && names_file<T>(item.value)) {
      flush_values();
      parse_rows<T>({read_file(item.value), item.value}, rows);
    } else if (item.option.empty()) {
      if (!values.empty()) values += ' ';
      values += item.value;
    } else {
      continue;
    }
    any_source = true;
  }
  flush_values();
  if (!any_source) throw UsageError("no input: give values, --file PATH, a FILE or - for stdin");
  return rows;
}

template std::vector<std::vector<float>> read_rows<float>(const Args&, std::istream&);
template std::vector<std::vector<double>> read_rows<double>(const Args&, std::istream&);

}  // namespace smx::cli
