// Where a command's files go. reports/ holds the last full snapshot, so only
// a command's full default run replaces it; a run narrowed by filters writes
// to the directory --out names, or to stdout, and says which on stderr, so a
// quick check never costs the user the last full report.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "lab/cli/options.hpp"

namespace smx::cli {

// The snapshot directory: $SMX_REPORTS_DIR when set (the tests point it at a
// scratch directory), else the source tree's reports/.
std::filesystem::path reports_dir();

// The --out DIR of the command line, created if missing; nullopt without
// --out. Checked before any work, so a long run cannot fail at its end:
// throws InputError when DIR is not a directory or cannot be created or written.
std::optional<std::filesystem::path> out_dir(const Args& args);

// A file the run will write, named by `option`, checked before the run as
// --out is: throws InputError when it is a directory or its directory is
// missing, not a directory or not writable.
void check_writable_file(const std::filesystem::path& file, std::string_view option);

// Which of `options` the command line gives, as "--impl, --n" for a message;
// empty when none is given.
std::string given(const Args& args, std::span<const std::string_view> options);

// "the JSON went to stdout" -> "softmax-lab: <command>: the JSON went to stdout\n" on err.
void note(std::ostream& err, std::string_view command, std::string_view text);

}  // namespace smx::cli
