// The command table: each subcommand of softmax-lab is one Command value,
// made by a function in its own file and listed once in commands.hpp. The
// dispatcher parses options from the Command's spec, so --help, the usage
// list and the error messages come out the same for every command.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

#include "lab/cli/options.hpp"

namespace smx::cli {

struct Io {
  std::ostream& out;  // results
  std::ostream& err;  // errors and notes
  std::istream& in;   // `eval -`
};

struct Command {
  std::string_view name;
  std::string_view summary;      // one line in `softmax-lab --help`
  std::string_view synopsis;     // after "usage: softmax-lab "
  std::string_view description;  // --help text between the usage line and the options
  std::span<const OptionSpec> options;
  std::size_t max_positionals = 0;
  // Options starting with "--" + this go to Args::passthrough unparsed
  // ("benchmark_": Google Benchmark's flags for `bench`); empty: none.
  std::string_view passthrough_prefix = {};
  // Returns the exit status; throws UsageError / InputError for exit status 2.
  int (*run)(const Args& args, Io& io) = nullptr;
};

std::span<const Command> all_commands();
const Command* find_command(std::string_view name);

std::string usage();                          // `softmax-lab --help`
std::string command_help(const Command& cmd);  // `softmax-lab CMD --help`

// The whole program after main: argv without the program name. Never throws;
// returns the exit status (0 ok, 1 failure, 2 bad arguments or input).
int run(std::span<const std::string_view> argv, Io& io);

}  // namespace smx::cli
