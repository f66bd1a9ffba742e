// softmax-lab: the command-line front end (lab/cli/ holds the commands).
#include <csignal>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <string_view>
#include <vector>

#include "lab/cli/command.hpp"
#include "lab/cli/fd_stream.hpp"

int main(int argc, char** argv) {
  // A closed pipe (softmax-lab list | head -1) becomes a write error handled
  // below instead of a kill in the middle of a write.
  std::signal(SIGPIPE, SIG_IGN);

  smx::cli::FdOutBuf out_buf(1);
  std::ostream out(&out_buf);
  const std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  smx::cli::Io io{out, std::cerr, std::cin};
  int status = smx::cli::run(args, io);

  out.flush();
  if (const int err = out_buf.error()) {
    // The reader left early: stop quietly, as a SIGPIPE death would, but
    // without claiming the output was delivered.
    if (err != EPIPE) std::cerr << "softmax-lab: write error: " << std::strerror(err) << '\n';
    if (status == 0) status = 1;
  }
  return status;
}
