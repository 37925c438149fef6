# Imports wasmtime's C API from the version-keyed cache that
# scripts/build-wasmtime.sh fills, building it first when it is missing.
set(WASMTIME_PREFIX ${RAPIDBYTE_CACHE_DIR}/wasmtime-c-api-${WASMTIME_VERSION})
if(NOT EXISTS ${WASMTIME_PREFIX}/.complete)
  message(STATUS "wasmtime C API ${WASMTIME_VERSION} not cached; building it (one time)")
  execute_process(COMMAND ${CMAKE_SOURCE_DIR}/scripts/build-wasmtime.sh
                  RESULT_VARIABLE _wasmtime_result)
  if(NOT _wasmtime_result EQUAL 0)
    message(FATAL_ERROR "building the wasmtime C API failed")
  endif()
endif()

add_library(wasmtime STATIC IMPORTED GLOBAL)
set_target_properties(wasmtime PROPERTIES
  IMPORTED_LOCATION ${WASMTIME_PREFIX}/lib/libwasmtime.a
  INTERFACE_INCLUDE_DIRECTORIES ${WASMTIME_PREFIX}/include
  INTERFACE_LINK_LIBRARIES "pthread;dl;m")
