// A per-thread cache of the objects a library builds once per shape (an
// XNNPACK operator, a oneDNN primitive and its memory objects): building
// them (planning, JIT) is what the library expects its user to do once,
// outside the hot call. Per thread (thread_local at the call site) because
// neither library lets two threads run one such object at once, and the
// accuracy runner calls from several threads. Bounded, so a sweep over
// thousands of sizes does not keep every one.
#pragma once

#include <cstddef>
#include <map>

namespace smx::impls::peers {

template <class Key, class Value>
class ShapeCache {
 public:
  // The entry for key, made by make() on first use. The reference is valid
  // until the next get().
  template <class Make>
  Value& get(const Key& key, Make make) {
    if (auto it = entries_.find(key); it != entries_.end()) return it->second;
    if (entries_.size() >= kCapacity) entries_.clear();
    return entries_.emplace(key, make()).first->second;
  }

 private:
  static constexpr std::size_t kCapacity = 256;
  std::map<Key, Value> entries_;
};

}  // namespace smx::impls::peers
