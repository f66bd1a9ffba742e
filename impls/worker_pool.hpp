// A small persistent pool for splitting rows over threads. Workers are
// created on first use (grown to the largest count ever asked for) and only
// woken per call, so a threaded batched softmax costs a wake-up, not a
// thread creation, which would dominate small batches.
#pragma once

#include <cstddef>

namespace smx {

using chunk_fn = void (*)(void* context, std::size_t begin, std::size_t end);

// Splits [0, count) into `parts` equal contiguous chunks (sizes differ by at
// most one) and calls body(context, begin, end) once per chunk: chunk 0 on
// the calling thread, the others on pool workers. Returns when every chunk is
// done. parts is clamped to [1, count]. Calls from several threads at once
// are run one after the other; body must not call parallel_chunks itself.
void parallel_chunks(std::size_t count, unsigned parts, chunk_fn body, void* context);

}  // namespace smx
