#include "lab/cli/progress.hpp"

#include <unistd.h>

namespace smx::cli {

Progress::Progress(std::ostream& err, std::string label)
    : err_(err), label_(std::move(label)), tty_(isatty(STDERR_FILENO) == 1) {}

void Progress::update(std::uint64_t done, std::uint64_t total) {
  if (total == 0) return;
  const int percent = static_cast<int>(100 * done / total);
  if (tty_) {
    if (percent == last_) return;
    last_ = percent;
    constexpr int width = 40;
    const int filled = percent * width / 100;
    err_ << '\r' << label_ << " [" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(width - filled), '.') << "] " << percent << "% (" << done << '/'
         << total << ")" << std::flush;
  } else if (percent / 10 > last_) {
    last_ = percent / 10;
    err_ << label_ << ": " << percent << "% (" << done << '/' << total << ")\n" << std::flush;
  }
}

void Progress::finish() {
  if (tty_ && last_ >= 0) err_ << '\n' << std::flush;
}

}  // namespace smx::cli
