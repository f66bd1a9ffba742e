// The option parser every command shares. Long options only ("--name VALUE",
// "--name=VALUE", "--flag"), so that negative numbers (-4.8, -inf) can be
// positional arguments of `eval` without quoting tricks. "--" ends options.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smx::cli {

struct OptionSpec {
  std::string_view name;        // without the leading "--"
  std::string_view value_name;  // empty: a flag that takes no value
  std::string_view help;        // '\n' starts a continuation line in --help
};

// A parsed command line, in command-line order (eval reads its sources in
// the order they were given, files and values interleaved).
struct Args {
  struct Item {
    std::string_view option;  // empty for a positional argument
    std::string value;        // the option's value ("" for a flag) or the positional
  };
  std::vector<Item> items;
  // Options handed on verbatim to a library ("--benchmark_filter=x" for
  // Google Benchmark), in command-line order; see parse_args.
  std::vector<std::string> passthrough;

  bool has(std::string_view option) const;
  // The last occurrence wins, as with most command-line tools.
  std::optional<std::string> last(std::string_view option) const;
  // Every occurrence, for options that accumulate (--impl a --impl b).
  std::vector<std::string> all(std::string_view option) const;
  std::vector<std::string> positionals() const;
};

// True when "-h" or "--help" comes before any "--": help wins over every
// other mistake on the line, so it always works.
bool wants_help(std::span<const std::string_view> argv);

// Throws UsageError: unknown option, missing value, value given to a flag,
// more than max_positionals positional arguments. Options that start with
// "--" + passthrough_prefix (when not empty) are not parsed: each goes whole
// into Args::passthrough ("--benchmark_filter=x"; never the next argument).
Args parse_args(std::span<const std::string_view> argv, std::span<const OptionSpec> specs,
                std::size_t max_positionals, std::string_view passthrough_prefix = {});

// The "options:" section of a command's --help, aligned; --help itself last.
std::string options_help(std::span<const OptionSpec> specs);

// "-4.8", "-.5", "-inf", "-nan" are values, "-x" is a (bad) option.
bool looks_like_negative_number(std::string_view arg);

}  // namespace smx::cli
