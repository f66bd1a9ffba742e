# Finds XNNPACK and pthreadpool (its thread pool); Debian ships no CMake
# config for either. Defines XNNPACK::XNNPACK (which brings pthreadpool) and
# pthreadpool::pthreadpool.
find_path(XNNPACK_INCLUDE_DIR xnnpack.h)
find_library(XNNPACK_LIBRARY XNNPACK)
find_path(PTHREADPOOL_INCLUDE_DIR pthreadpool.h)
find_library(PTHREADPOOL_LIBRARY pthreadpool)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(XNNPACK
  REQUIRED_VARS XNNPACK_LIBRARY XNNPACK_INCLUDE_DIR PTHREADPOOL_LIBRARY PTHREADPOOL_INCLUDE_DIR)
if(XNNPACK_FOUND AND NOT TARGET XNNPACK::XNNPACK)
  add_library(pthreadpool::pthreadpool UNKNOWN IMPORTED)
  set_target_properties(pthreadpool::pthreadpool PROPERTIES
    IMPORTED_LOCATION "${PTHREADPOOL_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${PTHREADPOOL_INCLUDE_DIR}")
  add_library(XNNPACK::XNNPACK UNKNOWN IMPORTED)
  set_target_properties(XNNPACK::XNNPACK PROPERTIES
    IMPORTED_LOCATION "${XNNPACK_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${XNNPACK_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES pthreadpool::pthreadpool)
endif()
mark_as_advanced(XNNPACK_INCLUDE_DIR XNNPACK_LIBRARY PTHREADPOOL_INCLUDE_DIR PTHREADPOOL_LIBRARY)
# XNNPACK has no version in its header or API: take the Debian package's.
if(XNNPACK_FOUND AND NOT XNNPACK_VERSION)
  find_program(SMX_DPKG_QUERY dpkg-query)
  mark_as_advanced(SMX_DPKG_QUERY)
  if(SMX_DPKG_QUERY)
    execute_process(COMMAND ${SMX_DPKG_QUERY} -W -f=\${Version} libxnnpack-dev
                    OUTPUT_VARIABLE XNNPACK_VERSION ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  endif()
endif()
