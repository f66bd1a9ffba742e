// CSV output shared by every command that writes it (list, eval, accuracy).
#pragma once

#include <string>
#include <string_view>

namespace smx {

// An RFC 4180 field: quoted when it holds a comma, quote or line break
// (quotes inside doubled); otherwise the text as it is.
std::string csv_field(std::string_view text);

}  // namespace smx
