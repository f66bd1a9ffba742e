// The registry list: one line per implementation, in the order `list`,
// the tests, the reports and the benchmarks show them. Each X(id) names a
// function `smx::Impl smx::impls::id()` defined in the implementation's own
// file under impls/. An explicit list, because linkers drop static
// self-registration from static libraries.
#pragma once

#define SMX_IMPLS(X)       \
  X(naive)                 \
  X(stable)                \
  X(logsumexp)             \
  X(xtensor)               \
  X(eigen)                 \
  X(vectorized)            \
  X(vectorized_avx512)     \
  X(vectorized_avx2)       \
  X(vectorized_portable)   \
  X(accurate)              \
  X(accurate_avx512)       \
  X(accurate_avx2)         \
  X(accurate_portable)     \
  X(online)                \
  X(online_avx512)         \
  X(online_avx2)           \
  X(online_portable)       \
  X(twopass)               \
  X(twopass_avx512)        \
  X(twopass_avx2)          \
  X(twopass_portable)       \
  SMX_PEER_IMPLS(X)

// The shipped kernels (impls/peers/), each present only when CMake found its
// library and built it (cmake/SmxPeers.cmake defines SMX_HAVE_PEER_<NAME>).
#ifdef SMX_HAVE_PEER_TORCH
#define SMX_PEER_TORCH_ENTRY(X) X(peer_torch)
#else
#define SMX_PEER_TORCH_ENTRY(X)
#endif
#ifdef SMX_HAVE_PEER_ONEDNN
#define SMX_PEER_ONEDNN_ENTRY(X) X(peer_onednn)
#else
#define SMX_PEER_ONEDNN_ENTRY(X)
#endif
#ifdef SMX_HAVE_PEER_XNNPACK
#define SMX_PEER_XNNPACK_ENTRY(X) X(peer_xnnpack)
#else
#define SMX_PEER_XNNPACK_ENTRY(X)
#endif
#define SMX_PEER_IMPLS(X) SMX_PEER_TORCH_ENTRY(X) SMX_PEER_ONEDNN_ENTRY(X) SMX_PEER_XNNPACK_ENTRY(X)
