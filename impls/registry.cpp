#include "impls/registry.hpp"

#include <array>

#include "impls/list.hpp"

namespace smx {
namespace impls {
#define SMX_DECLARE(id) Impl id();
SMX_IMPLS(SMX_DECLARE)
#undef SMX_DECLARE
}  // namespace impls

std::span<const Impl> all_impls() {
  // Function-local: built on first use, so no static-initialisation order issue.
#define SMX_ENTRY(id) impls::id(),
  static const std::array list{SMX_IMPLS(SMX_ENTRY)};
#undef SMX_ENTRY
  return list;
}

const Impl* find(std::string_view name) {
  for (const Impl& impl : all_impls())
    if (impl.name == name) return &impl;
  return nullptr;
}

}  // namespace smx
