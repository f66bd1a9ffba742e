// What part an implementation plays in the comparison, as data: consumers
// (benchmark plan, figures, reports, tests) read the role, never the name.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "impls/named_table.hpp"

namespace smx {

enum class Role : std::uint8_t {
  textbook,  // a textbook algorithm, written plainly (naive, stable, logsumexp, xtensor, eigen)
  kernel,    // the suite's own optimised kernel, dispatching to its best ISA path
  isa_path,  // one instruction-set path of a kernel (its parent), testable on any CPU that runs it
  peer,      // a shipped library's kernel (PyTorch, oneDNN, XNNPACK)
  plugin,    // loaded from a shared library at run time
  external,  // computed by another program over a pipe (accuracy only)
  test,      // registered by a test, never in the shipped list
};

struct RoleInfo {
  Role role;
  std::string_view name;
  std::string_view meaning;
};

inline constexpr std::array<RoleInfo, 7> role_table{{
    {Role::textbook, "textbook", "a textbook algorithm, written plainly"},
    {Role::kernel, "kernel", "the suite's own kernel: runs its best ISA path"},
    {Role::isa_path, "isa_path", "one instruction-set path of a kernel"},
    {Role::peer, "peer", "a shipped library's kernel"},
    {Role::plugin, "plugin", "loaded from a shared library"},
    {Role::external, "external", "another program, over a pipe"},
    {Role::test, "test", "registered by a test"},
}};

constexpr const RoleInfo& info(Role r) { return row_of(role_table, r); }
constexpr std::string_view to_string(Role r) { return info(r).name; }
constexpr std::optional<Role> role_named(std::string_view name) { return key_named(role_table, &RoleInfo::role, name); }

}  // namespace smx
