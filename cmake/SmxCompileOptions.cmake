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

# Each file impls/simd/*avx512*.cpp or *avx2*.cpp is built for its own
# instruction set only; the rest of the suite stays at the baseline, so the
# default dispatch never contains an instruction the running CPU cannot execute.
function(smx_isa_flags dir)
  file(GLOB avx512_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*avx512*.cpp)
  file(GLOB avx2_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*avx2*.cpp)
  set_source_files_properties(${avx512_sources} PROPERTIES COMPILE_OPTIONS
    "-mavx512f;-mavx512dq;-mavx512bw;-mavx512vl;-mavx2;-mfma;-mbmi2")
  set_source_files_properties(${avx2_sources} PROPERTIES COMPILE_OPTIONS
    "-mavx2;-mfma;-mbmi2")
endfunction()
