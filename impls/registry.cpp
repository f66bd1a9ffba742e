#include "impls/registry.hpp"

#include <vector>

#include "impls/list.hpp"

namespace smx {
namespace impls {
#define SMX_DECLARE(id) Impl id();
#define SMX_DECLARE_MANY(id) std::span<const Impl> id();
SMX_IMPLS(SMX_DECLARE, SMX_DECLARE_MANY)
#undef SMX_DECLARE_MANY
#undef SMX_DECLARE
}  // namespace impls

std::span<const Impl> all_impls() {
  // Function-local: built on first use, so no static-initialisation order issue.
  static const std::vector<Impl> list = [] {
    std::vector<Impl> l;
#define SMX_ENTRY(id) l.push_back(impls::id());
#define SMX_ENTRIES(id) l.insert(l.end(), impls::id().begin(), impls::id().end());
    SMX_IMPLS(SMX_ENTRY, SMX_ENTRIES)
#undef SMX_ENTRIES
#undef SMX_ENTRY
    return l;
  }();
  return list;
}

const Impl* find(std::string_view name) {
  for (const Impl& impl : all_impls())
    if (impl.name == name) return &impl;
  return nullptr;
}

}  // namespace smx
