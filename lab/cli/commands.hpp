// The list of subcommands, in the order `softmax-lab --help` shows them.
// Adding a command = one file defining `smx::cli::commands::<id>()` and one
// X(<id>) line here. An explicit list for the same reason as impls/list.hpp:
// linkers drop static self-registration from static libraries.
#pragma once

#include "lab/cli/command.hpp"

#define SMX_CLI_COMMANDS(X) \
  X(list)                   \
  X(eval)                   \
  X(accuracy)               \
  X(bench)                  \
  X(report)

namespace smx::cli::commands {
#define SMX_CLI_DECLARE(id) Command id();
SMX_CLI_COMMANDS(SMX_CLI_DECLARE)
#undef SMX_CLI_DECLARE
}  // namespace smx::cli::commands
