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

# Each file impls/simd/<isa>.cpp is built for its own instruction set only;
# the rest of the suite stays at the baseline, so the default dispatch never
# contains an instruction the running CPU cannot execute.
function(smx_isa_flags dir)
  set_source_files_properties(${dir}/avx512.cpp PROPERTIES COMPILE_OPTIONS
    "-mavx512f;-mavx512dq;-mavx512bw;-mavx512vl;-mavx2;-mfma;-mbmi2")
  set_source_files_properties(${dir}/avx2.cpp PROPERTIES COMPILE_OPTIONS
    "-mavx2;-mfma;-mbmi2")
endfunction()
