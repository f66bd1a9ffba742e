// Where `eval` gets its rows: values on the command line, files, stdin.
#pragma once

#include <istream>
#include <vector>

#include "lab/cli/options.hpp"

namespace smx::cli {

// Reads the sources of an eval command line in order:
//  - consecutive value arguments are joined into one text (so
//    `eval 4.8 1.21 2.385` is ONE row; ';' or a newline inside an argument ends a row);
//  - "-" reads `in`; --file PATH reads PATH;
//  - an argument that is not a list of numbers but names an existing file reads that file.
// Rows are numbered on across sources. Throws UsageError when there is no
// source or a file cannot be read, InputError for a row that does not parse.
template <class T>
std::vector<std::vector<T>> read_rows(const Args& args, std::istream& in);

}  // namespace smx::cli
