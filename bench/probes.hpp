// The roofline probes: what this machine allows a softmax at best. Memory
// copy bandwidth at a working set inside each level of the hierarchy, and
// the exp-only kernel (impls/simd: exp(x)·2^64, the exp the vectorized
// softmax uses), whose time is the compute floor of any exp-based softmax.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace smx {

struct MemoryLevel {
  std::string name;          // "L1", "L2", "L3", "DRAM"
  std::size_t capacity;      // bytes a core can use at this level (0 for DRAM: unbounded)
  std::size_t copy_bytes;    // the copy probe's working set (source + destination) here
};

// L1 data, L2 and L3 from Google Benchmark's CPUInfo (sysfs), sysconf when it
// has none, then DRAM at 8 times the last cache (at least 256 MiB).
std::vector<MemoryLevel> memory_levels();

// The level a working set of `bytes` fits in, given the levels' capacities.
const MemoryLevel& level_of(std::size_t bytes, const std::vector<MemoryLevel>& levels);

// memcpy of bytes / 2 from src to dst: the copy probe's timed operation
// (glibc's memcpy: non-temporal stores for large copies, the best a copy does).
void copy_probe(const void* src, void* dst, std::size_t bytes);

}  // namespace smx
