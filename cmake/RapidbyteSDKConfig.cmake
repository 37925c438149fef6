# The Rapidbyte connector SDK (wasm32-wasi), installed by `cmake --install`.
#
#   cmake -S <connector> -B build -DCMAKE_PREFIX_PATH=<prefix> \
#     -DCMAKE_TOOLCHAIN_FILE=<prefix>/share/rapidbyte/cmake/wasm32-wasi.toolchain.cmake
#
# defines the Rapidbyte:: targets (sdk_<role>, bindings_<role>, arrow, crypto,
# regex, protocol), rapidbyte_add_connector() and RAPIDBYTE_WIT_FILE.
get_filename_component(_rapidbyte_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT CMAKE_SYSTEM_NAME STREQUAL "WASI")
  set(${CMAKE_FIND_PACKAGE_NAME}_FOUND FALSE)
  set(${CMAKE_FIND_PACKAGE_NAME}_NOT_FOUND_MESSAGE
      "the Rapidbyte SDK builds wasm32-wasi modules: configure with -DCMAKE_TOOLCHAIN_FILE=${_rapidbyte_prefix}/share/rapidbyte/cmake/wasm32-wasi.toolchain.cmake")
  return()
endif()
include(${CMAKE_CURRENT_LIST_DIR}/RapidbyteSDKTargets.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/RapidbyteConnector.cmake)
set(RAPIDBYTE_WIT_FILE ${_rapidbyte_prefix}/share/rapidbyte/wit/rapidbyte-connector.wit)
unset(_rapidbyte_prefix)
