#include "bench/probes.hpp"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace smx {
namespace {

std::size_t cache_size(int level) {
  for (const auto& c : benchmark::CPUInfo::Get().caches)
    if (c.level == level && c.type != "Instruction" && c.size > 0) return static_cast<std::size_t>(c.size);
  const long fallback = sysconf(level == 1 ? _SC_LEVEL1_DCACHE_SIZE : level == 2 ? _SC_LEVEL2_CACHE_SIZE : _SC_LEVEL3_CACHE_SIZE);
  return fallback > 0 ? static_cast<std::size_t>(fallback) : 0;
}

}  // namespace

std::vector<MemoryLevel> memory_levels() {
  std::vector<MemoryLevel> out;
  std::size_t last = 0;
  for (int level = 1; level <= 3; ++level) {
    const std::size_t size = cache_size(level);
    if (size <= last) continue;  // missing or not larger: not a level a working set can sit in
    std::string name = "L";
    name += std::to_string(level);
    out.push_back({name, size, size / 2});
    last = size;
  }
  const std::size_t dram = std::max<std::size_t>(8 * last, std::size_t{256} << 20);
  out.push_back({"DRAM", 0, dram});
  return out;
}

const MemoryLevel& level_of(std::size_t bytes, const std::vector<MemoryLevel>& levels) {
  for (const MemoryLevel& l : levels)
    if (l.capacity == 0 || bytes <= l.capacity) return l;
  return levels.back();
}

void copy_probe(const void* src, void* dst, std::size_t bytes) { std::memcpy(dst, src, bytes / 2); }

}  // namespace smx
