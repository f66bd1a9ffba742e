#include "lab/io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace smx {

void write_file_atomically(const std::filesystem::path& path, std::string_view contents) {
  const auto fail = [&](const std::string& what) {
    throw std::runtime_error("cannot " + what + " " + path.string() + ": " + std::strerror(errno));
  };
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::string tmp = path.string() + ".tmp.XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) fail("create a temporary file for");
  const char* p = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    const ssize_t w = ::write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      fail("write");
    }
    p += w;
    left -= static_cast<std::size_t>(w);
  }
  // Readable like any file the user writes (mkstemp makes it 0600).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    fail("write");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    fail("replace");
  }
}

}  // namespace smx
