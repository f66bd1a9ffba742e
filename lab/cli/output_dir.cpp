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

namespace {

[[noreturn]] void cannot_write(const std::filesystem::path& path, std::string_view option, std::string_view reason) {
  throw InputError(cat({"cannot write to ", quote(path.string(), 200), " (", option, "): ", reason}));
}

}  // namespace

std::optional<std::filesystem::path> out_dir(const Args& args) {
  const std::optional<std::string> out = args.last("out");
  if (!out) return std::nullopt;
  const auto fail = [&](std::string_view reason) { cannot_write(*out, "--out", reason); };
  if (out->empty()) fail("no directory named");
  std::error_code ec;
  if (std::filesystem::exists(*out, ec) && !std::filesystem::is_directory(*out, ec)) fail(std::strerror(ENOTDIR));
  std::filesystem::create_directories(*out, ec);
  if (ec) fail(ec.message());
  if (::access(out->c_str(), W_OK | X_OK) != 0) fail(std::strerror(errno));
  return std::filesystem::path(*out);
}

void check_writable_file(const std::filesystem::path& file, std::string_view option) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) cannot_write(file, option, std::strerror(EISDIR));
  const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : ".";
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
    cannot_write(file, option, std::strerror(ENOTDIR));
  if (::access(dir.c_str(), W_OK | X_OK) != 0) cannot_write(file, option, std::strerror(errno));
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
