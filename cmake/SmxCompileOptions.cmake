# Flags every target of the suite shares, collected on one interface target.
add_library(smx_options INTERFACE)
target_compile_options(smx_options INTERFACE -Wall -Wextra)
if(SMX_WERROR)
  target_compile_options(smx_options INTERFACE -Werror)
endif()
if(SMX_SANITIZE)
  target_compile_options(smx_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(smx_options INTERFACE -fsanitize=address,undefined)
endif()

# Each ISA target's translation unit, impls/simd/<name>.cpp, is built for its
# own instruction set only; the rest of the suite stays at the baseline, so the
# default dispatch never contains an instruction the running CPU cannot execute.
# The flags come from the target's line in impls/simd/isa_targets.hpp, one
# -m<feature> per SMX_CPU(feature) of its CPU check: the check and the flags
# are the same words.
function(smx_isa_flags dir)
  set(table ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/isa_targets.hpp)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${table})
  file(READ ${table} text)
  string(REPLACE "\\" "" text "${text}")  # the macro's line continuations
  string(REGEX MATCHALL "\n *X\\([a-z0-9_]+,[^\n]*" targets "${text}")
  foreach(target IN LISTS targets)
    string(REGEX REPLACE "^\n *X\\(([a-z0-9_]+),.*" "\\1" name "${target}")
    string(REGEX MATCHALL "SMX_CPU\\([a-z0-9_]+\\)" features "${target}")
    list(TRANSFORM features REPLACE "SMX_CPU\\(([a-z0-9_]+)\\)" "-m\\1")
    if(features)
      set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/${dir}/${name}.cpp PROPERTIES COMPILE_OPTIONS "${features}")
    endif()
  endforeach()
endfunction()
