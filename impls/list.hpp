// The registry list, in the order `list`, the tests, the reports and the
// benchmarks show it. X(id) names a function `smx::Impl smx::impls::id()`
// defined in the implementation's own file under impls/; XS(id) a function
// `std::span<const smx::Impl> smx::impls::id()` returning several entries
// (simd_algorithms: impls/simd/entries.cpp, each SIMD algorithm's
// dispatching entry, then its path on each ISA target). An explicit list,
// because linkers drop static self-registration from static libraries.
#pragma once

#define SMX_IMPLS(X, XS) \
  X(naive)               \
  X(stable)              \
  X(logsumexp)           \
  X(xtensor)             \
  X(eigen)               \
  XS(simd_algorithms)    \
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
