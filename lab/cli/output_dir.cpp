#include "lab/cli/output_dir.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <system_error>

#include "lab/cli/errors.hpp"
#include "lab/cli/text.hpp"

namespace smx::cli {

std::filesystem::path reports_dir() {
  const char* dir = std::getenv("SMX_REPORTS_DIR");
  return dir && *dir ? std::filesystem::path(dir) : std::filesystem::path(SMX_SOURCE_DIR "/reports");
}

std::optional<std::filesystem::path> out_dir(const Args& args) {
  const std::optional<std::string> out = args.last("out");
  if (!out) return std::nullopt;
  const auto fail = [&](const std::string& reason) {
    throw InputError(cat({"cannot write to ", quote(*out, 200), " (--out): ", reason}));
  };
  if (out->empty()) fail("no directory named");
  std::error_code ec;
  if (std::filesystem::exists(*out, ec) && !std::filesystem::is_directory(*out, ec)) fail(std::strerror(ENOTDIR));
  std::filesystem::create_directories(*out, ec);
  if (ec) fail(ec.message());
  if (::access(out->c_str(), W_OK | X_OK) != 0) fail(std::strerror(errno));
  return std::filesystem::path(*out);
}

std::string given(const Args& args, std::span<const std::string_view> options) {
  std::string names;
  for (const std::string_view o : options)
    if (args.has(o)) names += cat({names.empty() ? "" : ", ", "--", o});
  return names;
}

void note(std::ostream& err, std::string_view command, std::string_view text) {
  err << "softmax-lab: " << command << ": " << text << '\n' << std::flush;
}

}  // namespace smx::cli
