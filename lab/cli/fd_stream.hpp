// An ostream buffer over a file descriptor that remembers why a write failed,
// so the program can tell a reader that went away (EPIPE, with SIGPIPE
// ignored) from a real error, which std::cout's badbit cannot.
#pragma once

#include <array>
#include <streambuf>

namespace smx::cli {

class FdOutBuf : public std::streambuf {
 public:
  explicit FdOutBuf(int fd);
  ~FdOutBuf() override;
  int error() const { return error_; }  // errno of the first failed write, 0 if none

 protected:
  int_type overflow(int_type c) override;
  int sync() override;

 private:
  bool drain();
  int fd_;
  int error_ = 0;
  std::array<char, 1 << 16> buf_;
};

}  // namespace smx::cli
