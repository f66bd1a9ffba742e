// Text compressed to the gzip format (zcat reads it), the same bytes for the
// same text: the header's time stamp is left at 0.
#pragma once

#include <string>
#include <string_view>

namespace smx {

std::string gzip(std::string_view text);

}  // namespace smx
