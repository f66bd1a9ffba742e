// The two ways a command line can be wrong. Both end the run with exit
// status 2 and one line on stderr; they differ only in whether pointing at
// --help helps (it does for a bad option, not for a bad value in row 7).
#pragma once

#include <stdexcept>

namespace smx::cli {

// A bad option, option value or argument: the message gets "(see ... --help)".
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Bad input data (a row that does not parse): the message says where.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace smx::cli
