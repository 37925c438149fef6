# Imports wasmtime's C API as the target `wasmtime`, from the version-keyed
# cache outside the clone, filling the cache first when it is missing.
#
#   RAPIDBYTE_WASMTIME=prebuilt  (default) the shared library wasmtime
#       releases in its PyPI wheel, with the crate's headers
#       (scripts/fetch-wasmtime.sh, seconds). The binaries find it through
#       their RPATH; `cmake --install` copies it next to the binary.
#       When it cannot be fetched here, the source build below is used.
#   RAPIDBYTE_WASMTIME=source    the static library compiled from the crate
#       (scripts/build-wasmtime.sh, about 20 minutes once): a binary that
#       needs no wasmtime library beside it.
set(RAPIDBYTE_WASMTIME prebuilt CACHE STRING "Where wasmtime's C API comes from: prebuilt or source")
set_property(CACHE RAPIDBYTE_WASMTIME PROPERTY STRINGS prebuilt source)
if(NOT RAPIDBYTE_WASMTIME MATCHES "^(prebuilt|source)$")
  message(FATAL_ERROR "RAPIDBYTE_WASMTIME is '${RAPIDBYTE_WASMTIME}'; expected prebuilt or source")
endif()

function(rapidbyte_fill_wasmtime_cache prefix script)
  if(NOT EXISTS ${prefix}/.complete)
    execute_process(COMMAND ${CMAKE_SOURCE_DIR}/scripts/${script} RESULT_VARIABLE result)
    set(wasmtime_result ${result} PARENT_SCOPE)
  else()
    set(wasmtime_result 0 PARENT_SCOPE)
  endif()
endfunction()

set(WASMTIME_PREBUILT_PREFIX ${RAPIDBYTE_CACHE_DIR}/wasmtime-prebuilt-${WASMTIME_VERSION})
set(WASMTIME_SOURCE_PREFIX ${RAPIDBYTE_CACHE_DIR}/wasmtime-c-api-${WASMTIME_SOURCE_VERSION})
set(_wasmtime_kind ${RAPIDBYTE_WASMTIME})
if(_wasmtime_kind STREQUAL "prebuilt")
  rapidbyte_fill_wasmtime_cache(${WASMTIME_PREBUILT_PREFIX} fetch-wasmtime.sh)
  if(NOT wasmtime_result EQUAL 0)
    message(WARNING "the prebuilt wasmtime C API ${WASMTIME_VERSION} could not be fetched; "
                    "building wasmtime ${WASMTIME_SOURCE_VERSION} from source instead (one time)")
    set(_wasmtime_kind source)
  endif()
endif()

if(_wasmtime_kind STREQUAL "prebuilt")
  set(WASMTIME_LIBRARY ${WASMTIME_PREBUILT_PREFIX}/lib/libwasmtime.so)
  add_library(wasmtime SHARED IMPORTED GLOBAL)
  # The wheel's library carries no SONAME: linked as -lwasmtime, the binaries
  # record `libwasmtime.so` and find it through their RPATH.
  set_target_properties(wasmtime PROPERTIES
    IMPORTED_LOCATION ${WASMTIME_LIBRARY}
    IMPORTED_NO_SONAME TRUE
    INTERFACE_INCLUDE_DIRECTORIES ${WASMTIME_PREBUILT_PREFIX}/include)
  message(STATUS "wasmtime C API ${WASMTIME_VERSION}, prebuilt (${WASMTIME_LIBRARY})")
else()
  rapidbyte_fill_wasmtime_cache(${WASMTIME_SOURCE_PREFIX} build-wasmtime.sh)
  if(NOT wasmtime_result EQUAL 0)
    message(FATAL_ERROR "building the wasmtime C API ${WASMTIME_SOURCE_VERSION} failed")
  endif()
  set(WASMTIME_LIBRARY "")
  add_library(wasmtime STATIC IMPORTED GLOBAL)
  set_target_properties(wasmtime PROPERTIES
    IMPORTED_LOCATION ${WASMTIME_SOURCE_PREFIX}/lib/libwasmtime.a
    INTERFACE_INCLUDE_DIRECTORIES ${WASMTIME_SOURCE_PREFIX}/include
    INTERFACE_LINK_LIBRARIES "pthread;dl;m")
  message(STATUS "wasmtime C API ${WASMTIME_SOURCE_VERSION}, built from source (static)")
endif()
