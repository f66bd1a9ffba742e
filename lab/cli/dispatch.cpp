#include <algorithm>
#include <array>
#include <exception>
#include <iostream>
#include <new>
#include <vector>

#include "lab/cli/command.hpp"
#include "lab/cli/commands.hpp"
#include "lab/cli/errors.hpp"
#include "lab/cli/text.hpp"

#ifndef SMX_VERSION
#define SMX_VERSION "unknown"
#endif

namespace smx::cli {
namespace {

constexpr std::string_view program = "softmax-lab";

// One line, whatever the message holds (a path with a newline, say).
void error_line(Io& io, std::string_view where, std::string_view message) {
  std::string line(program);
  line += ": ";
  if (!where.empty()) line.append(where).append(": ");
  for (const char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
  io.err << line << '\n' << std::flush;
}

std::string see_help(std::string_view cmd) {
  return cat({" (see ", program, cmd.empty() ? "" : " ", cmd, " --help)"});
}

int run_command(const Command& cmd, std::span<const std::string_view> argv, Io& io) {
  if (wants_help(argv)) {
    io.out << command_help(cmd);
    return 0;
  }
  const Args args = parse_args(argv, cmd.options, cmd.max_positionals, cmd.passthrough_prefix);
  return cmd.run(args, io);
}

}  // namespace

std::span<const Command> all_commands() {
#define SMX_CLI_ENTRY(id) commands::id(),
  static const std::array list{SMX_CLI_COMMANDS(SMX_CLI_ENTRY)};
#undef SMX_CLI_ENTRY
  return list;
}

const Command* find_command(std::string_view name) {
  for (const Command& cmd : all_commands())
    if (cmd.name == name) return &cmd;
  return nullptr;
}

std::string usage() {
  std::string out = "usage: softmax-lab <command> [options]\n"
                    "\n"
                    "Checks softmax implementations against a correctly rounded reference\n"
                    "and benchmarks them against the machine's roofline.\n"
                    "\n"
                    "commands:\n";
  std::size_t width = 0;
  for (const Command& cmd : all_commands()) width = std::max(width, cmd.name.size());
  for (const Command& cmd : all_commands())
    out += cat({"  ", cmd.name, std::string(width - cmd.name.size() + 2, ' '), cmd.summary, "\n"});
  out += "\n"
         "`softmax-lab <command> --help` (or `softmax-lab help <command>`) describes\n"
         "a command; `softmax-lab --version` prints the version.\n"
         "Exit status: 0 success, 1 failure, 2 bad arguments or input.\n";
  return out;
}

std::string command_help(const Command& cmd) {
  std::string out = cat({"usage: softmax-lab ", cmd.synopsis, "\n\n", cmd.description});
  if (!out.ends_with("\n")) out += "\n";
  out += "\n";
  out += options_help(cmd.options);
  return out;
}

int run(std::span<const std::string_view> argv, Io& io) {
  std::string_view where;  // the command, once known, for error messages
  try {
    if (argv.empty() || argv[0] == "--help" || argv[0] == "-h") {
      io.out << usage();
      return 0;
    }
    if (argv[0] == "--version") {
      io.out << program << " " << SMX_VERSION << "\n";
      return 0;
    }
    if (argv[0] == "help") {
      if (argv.size() == 1) {
        io.out << usage();
        return 0;
      }
      if (argv.size() > 2) throw UsageError(cat({"help: unexpected argument ", quote(argv[2])}));
      const Command* cmd = find_command(argv[1]);
      if (!cmd) throw UsageError(cat({"help: unknown command ", quote(argv[1])}));
      io.out << command_help(*cmd);
      return 0;
    }
    const Command* cmd = find_command(argv[0]);
    if (!cmd) {
      if (argv[0].starts_with("-")) throw UsageError(cat({"unknown option ", quote(argv[0])}));
      throw UsageError(cat({"unknown command ", quote(argv[0])}));
    }
    where = cmd->name;
    return run_command(*cmd, argv.subspan(1), io);
  } catch (const UsageError& e) {
    error_line(io, where, cat({e.what(), see_help(where)}));
    return 2;
  } catch (const InputError& e) {
    error_line(io, where, e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    error_line(io, where, "out of memory");
    return 1;
  } catch (const std::exception& e) {
    error_line(io, where, e.what());
    return 1;
  }
}

}  // namespace smx::cli
