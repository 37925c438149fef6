# The connector SDK as an installable CMake package. Included by the guest
# build after the SDK's targets exist. It gives each SDK target its exported
# name as an alias (rapidbyte_arrow is Rapidbyte::arrow both here and in an
# installed SDK) and installs, under the prefix:
#
#   lib/cmake/RapidbyteSDK/      RapidbyteSDKConfig.cmake, the exported
#                                targets, RapidbyteConnector.cmake
#   lib/rapidbyte/wasm32-wasi/   the SDK's wasm32 libraries and objects,
#                                the worlds' component-type objects
#   include/rapidbyte/           guest/sdk/, portable/, the generated
#                                bindings per world, rapidjson
#   share/rapidbyte/cmake/       the wasm32-wasi toolchain file
#   share/rapidbyte/wit/         the contract
#
# A connector project then needs only
#   find_package(RapidbyteSDK REQUIRED)
#   rapidbyte_add_connector(NAME ... ROLE ... SOURCES ... LIBRARIES Rapidbyte::arrow)
# configured with that toolchain file (see `rapidbyte scaffold`).
set(rapidbyte_sdk_targets
  rapidbyte_protocol rapidbyte_crypto rapidbyte_arrow rapidbyte_regex
  rapidbyte_rapidjson rapidbyte_sdk_core rapidbyte_guest_memory)
foreach(role source destination transform)
  list(APPEND rapidbyte_sdk_targets rapidbyte_sdk_${role} rapidbyte_bindings_${role})
endforeach()
foreach(target IN LISTS rapidbyte_sdk_targets)
  string(REGEX REPLACE "^rapidbyte_" "" exported ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${exported})
  add_library(Rapidbyte::${exported} ALIAS ${target})
endforeach()

# Every build stages the SDK (see the top-level CMakeLists.txt): name only
# the files that changed.
set(CMAKE_INSTALL_MESSAGE LAZY)
set(rapidbyte_sdk_lib_dir lib/rapidbyte/wasm32-wasi)
set(rapidbyte_sdk_include_dir include/rapidbyte)
set(rapidbyte_sdk_cmake_dir lib/cmake/RapidbyteSDK)

install(TARGETS ${rapidbyte_sdk_targets} EXPORT RapidbyteSDKTargets
  ARCHIVE DESTINATION ${rapidbyte_sdk_lib_dir}
  OBJECTS DESTINATION ${rapidbyte_sdk_lib_dir}/objects
  INCLUDES DESTINATION ${rapidbyte_sdk_include_dir})
install(EXPORT RapidbyteSDKTargets NAMESPACE Rapidbyte:: DESTINATION ${rapidbyte_sdk_cmake_dir})

# Headers, spelled from the repository root as in the tree:
# "guest/sdk/sdk.hpp", "portable/arrow/record_batch.hpp".
install(DIRECTORY ${RAPIDBYTE_ROOT}/guest/sdk/ DESTINATION ${rapidbyte_sdk_include_dir}/guest/sdk
  FILES_MATCHING PATTERN "*.hpp")
install(DIRECTORY ${RAPIDBYTE_ROOT}/portable/ DESTINATION ${rapidbyte_sdk_include_dir}/portable
  FILES_MATCHING PATTERN "*.hpp")
install(FILES ${CMAKE_BINARY_DIR}/generated/guest/sdk/abi/contract_convert.hpp
  DESTINATION ${rapidbyte_sdk_include_dir}/guest/sdk/abi)
install(DIRECTORY ${RAPIDBYTE_RAPIDJSON_DIR}/rapidjson
  DESTINATION ${rapidbyte_sdk_include_dir}/third_party)
foreach(role source destination transform)
  set(generated ${RAPIDBYTE_BINDINGS_DIR}/${role})
  install(FILES ${generated}/rapidbyte_${role}.h ${CMAKE_BINARY_DIR}/bindings/${role}/rapidbyte_world.hpp
    DESTINATION ${rapidbyte_sdk_include_dir}/bindings/${role})
  install(FILES ${generated}/rapidbyte_${role}_component_type.o DESTINATION ${rapidbyte_sdk_lib_dir})
endforeach()

install(FILES ${RAPIDBYTE_ROOT}/cmake/wasm32-wasi.toolchain.cmake DESTINATION share/rapidbyte/cmake)
install(FILES ${RAPIDBYTE_ROOT}/cmake/Platform/WASI.cmake DESTINATION share/rapidbyte/cmake/Platform)
install(FILES ${RAPIDBYTE_WIT_FILE} DESTINATION share/rapidbyte/wit)
install(FILES ${RAPIDBYTE_ROOT}/cmake/RapidbyteConnector.cmake
              ${RAPIDBYTE_ROOT}/cmake/RapidbyteSDKConfig.cmake
  DESTINATION ${rapidbyte_sdk_cmake_dir})
