# Functions that make a Rapidbyte connector module. Included by the guest
# build (guest/CMakeLists.txt) and, installed, by RapidbyteSDKConfig.cmake, so
# a connector built against an installed SDK is linked exactly like the
# first-party ones. They name the SDK by its exported names (Rapidbyte::...),
# which the guest build defines as aliases of its own targets.

# rapidbyte_set_module_properties(<target> <output-dir>) makes an executable
# target a reactor module named <target>.wasm in <output-dir>: it exports
# `_initialize`, drops unreferenced code and (outside Debug builds) DWARF, and
# keeps `cabi_realloc` (the `cabi_post_*` functions and the role's exports are
# kept by their export_name attributes). Its 1 MiB shadow stack comes first in
# memory, so an overflow wraps below address 0 and faults instead of
# overwriting the data; the exported `__stack_pointer` lets the host name
# that cause (GUEST_STACK_EXHAUSTED). memcpy/memmove/memset on bulk-memory
# instructions (guest/sdk/memory_routines.cpp) are linked in as an object,
# so they come ahead of wasi-libc's.
function(rapidbyte_set_module_properties target output_dir)
  target_link_libraries(${target} PRIVATE Rapidbyte::guest_memory)
  target_link_options(${target} PRIVATE
    -mexec-model=reactor
    -Wl,--gc-sections
    -Wl,-z,stack-size=1048576
    -Wl,--stack-first
    -Wl,--export=cabi_realloc
    -Wl,--export=__stack_pointer
    # DWARF from the wasm libc/libc++ archives triples a module's size; the
    # name section (function names in trap backtraces) stays.
    $<$<NOT:$<CONFIG:Debug>>:-Wl,--strip-debug>)
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME ${target}
    SUFFIX .wasm
    RUNTIME_OUTPUT_DIRECTORY ${output_dir})
endfunction()

# rapidbyte_add_connector(NAME <id> ROLE <source|destination|transform>
#                         SOURCES <files...> [LIBRARIES <targets...>]
#                         [OUTPUT_DIR <dir>])
# Builds <id>.wasm (into RAPIDBYTE_CONNECTOR_OUTPUT_DIR, else the binary
# directory, unless OUTPUT_DIR is given) as a reactor module: it exports
# `_initialize`, the role's four functions, `cabi_realloc` and the
# `cabi_post_*` functions. The world's bindings are an object library, so
# its exports are linked directly, never dropped as an unreferenced archive
# member.
function(rapidbyte_add_connector)
  cmake_parse_arguments(ARG "" "NAME;ROLE;OUTPUT_DIR" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_ROLE OR NOT ARG_SOURCES)
    message(FATAL_ERROR "rapidbyte_add_connector: NAME, ROLE and SOURCES are required")
  endif()
  if(NOT ARG_ROLE MATCHES "^(source|destination|transform)$")
    message(FATAL_ERROR "rapidbyte_add_connector(${ARG_NAME}): unknown ROLE '${ARG_ROLE}'")
  endif()
  if(NOT ARG_OUTPUT_DIR)
    if(RAPIDBYTE_CONNECTOR_OUTPUT_DIR)
      set(ARG_OUTPUT_DIR ${RAPIDBYTE_CONNECTOR_OUTPUT_DIR})
    else()
      set(ARG_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR})
    endif()
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE
    Rapidbyte::sdk_${ARG_ROLE} Rapidbyte::bindings_${ARG_ROLE} ${ARG_LIBRARIES})
  rapidbyte_set_module_properties(${ARG_NAME} ${ARG_OUTPUT_DIR})
endfunction()
