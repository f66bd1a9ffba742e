// Progress of long work on stderr: a bar redrawn in place on a terminal,
// a plain line every 10% otherwise (logs, CI).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace smx::cli {

class Progress {
 public:
  Progress(std::ostream& err, std::string label);
  void update(std::uint64_t done, std::uint64_t total);
  void finish();

 private:
  std::ostream& err_;
  std::string label_;
  bool tty_;
  int last_ = -1;  // last percentage (tty) or decile (plain) shown
};

}  // namespace smx::cli
