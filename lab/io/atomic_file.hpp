// Files written whole or not at all: the text goes to a temporary file beside
// the target, which is renamed over it only once complete, so an interrupted
// run never leaves half a report.
#pragma once

#include <filesystem>
#include <string_view>

namespace smx {

// Throws std::runtime_error (with the path and the reason) on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

}  // namespace smx
