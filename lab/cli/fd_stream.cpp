#include "lab/cli/fd_stream.hpp"

#include <cerrno>
#include <unistd.h>

namespace smx::cli {

FdOutBuf::FdOutBuf(int fd) : fd_(fd) { setp(buf_.data(), buf_.data() + buf_.size()); }

FdOutBuf::~FdOutBuf() { drain(); }

bool FdOutBuf::drain() {
  const char* p = pbase();
  while (error_ == 0 && p < pptr()) {
    const ssize_t w = ::write(fd_, p, static_cast<std::size_t>(pptr() - p));
    if (w >= 0) p += w;
    else if (errno != EINTR) error_ = errno;
  }
  // After an error the rest is dropped: nobody is going to read it.
  setp(buf_.data(), buf_.data() + buf_.size());
  return error_ == 0;
}

FdOutBuf::int_type FdOutBuf::overflow(int_type c) {
  if (!drain()) return traits_type::eof();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int FdOutBuf::sync() { return drain() ? 0 : -1; }

}  // namespace smx::cli
