# impls/peers/: the softmax kernels people ship, registered like our own.
# One option per peer, on by default; a peer is built when its library is
# found (scripts/setup.sh installs them all) and is otherwise left out with a
# status line: its entry is then absent from the list (impls/list.hpp reads
# SMX_HAVE_PEER_<NAME>). Each library is linked to smx_impls only.
option(SMX_PEER_TORCH "Register peer.torch (ATen softmax, Debian libtorch-dev)" ON)
option(SMX_PEER_ONEDNN "Register peer.onednn (oneDNN softmax primitive, Debian libdnnl-dev)" ON)
option(SMX_PEER_XNNPACK "Register peer.xnnpack (XNNPACK softmax, Debian libxnnpack-dev, libpthreadpool-dev)" ON)

set(smx_peers_built "")
# Adds impls/peers/<file>.cpp, and the peer's further units <file>_<part>.cpp,
# to smx_impls with the given link targets.
function(smx_add_peer name file)
  file(GLOB parts CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/impls/peers/${file}_*.cpp)
  target_sources(smx_impls PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/impls/peers/${file}.cpp ${parts})
  target_link_libraries(smx_impls PRIVATE ${ARGN})
  string(TOUPPER "${file}" upper)
  target_compile_definitions(smx_impls PRIVATE SMX_HAVE_PEER_${upper})
  set(smx_peers_built "${smx_peers_built} ${name}" PARENT_SCOPE)
endfunction()

# libtorch and oneDNN run their threads on OpenMP (libgomp in Debian); the
# adapters set the calling thread's count (impls/peers/omp_threads.hpp), so
# they link the runtime itself (not -fopenmp: no OpenMP code of our own).
if(SMX_PEER_TORCH OR SMX_PEER_ONEDNN)
  find_package(OpenMP QUIET COMPONENTS CXX)
endif()

if(SMX_PEER_TORCH)
  find_package(Torch QUIET)
  if(Torch_FOUND AND OpenMP_CXX_FOUND)
    smx_add_peer(peer.torch torch torch ${OpenMP_CXX_LIBRARIES})
  else()
    message(STATUS "peer.torch: libtorch (libtorch-dev) or OpenMP not found, not built")
  endif()
endif()

if(SMX_PEER_ONEDNN)
  find_package(DNNL 2.6 QUIET MODULE)  # cmake/FindDNNL.cmake: why not the package's config
  if(DNNL_FOUND AND OpenMP_CXX_FOUND)
    smx_add_peer(peer.onednn onednn DNNL::dnnl ${OpenMP_CXX_LIBRARIES})
  else()
    message(STATUS "peer.onednn: oneDNN >= 2.6 (libdnnl-dev) or OpenMP not found, not built")
  endif()
endif()

if(SMX_PEER_XNNPACK)
  find_package(XNNPACK QUIET)
  if(XNNPACK_FOUND)
    smx_add_peer(peer.xnnpack xnnpack XNNPACK::XNNPACK)
    if(XNNPACK_VERSION)
      set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/impls/peers/xnnpack.cpp
        PROPERTIES COMPILE_DEFINITIONS SMX_XNNPACK_VERSION="${XNNPACK_VERSION}")
    endif()
  else()
    message(STATUS "peer.xnnpack: XNNPACK or pthreadpool (libxnnpack-dev, libpthreadpool-dev) not found, not built")
  endif()
endif()
message(STATUS "peers built:${smx_peers_built}")
