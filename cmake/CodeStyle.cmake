# `format` rewrites sources with the repo's .clang-format; `format-check` fails
# when a file differs (run in CI); `lint` runs clang-tidy with .clang-tidy.
find_program(CLANG_FORMAT NAMES clang-format-19 clang-format)
find_program(CLANG_TIDY NAMES clang-tidy-19 clang-tidy)

file(GLOB_RECURSE RAPIDBYTE_STYLE_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/portable/*.hpp ${CMAKE_SOURCE_DIR}/portable/*.cpp
  ${CMAKE_SOURCE_DIR}/host/*.hpp ${CMAKE_SOURCE_DIR}/host/*.cpp
  ${CMAKE_SOURCE_DIR}/guest/*.hpp ${CMAKE_SOURCE_DIR}/guest/*.cpp
  ${CMAKE_SOURCE_DIR}/tests/*.hpp ${CMAKE_SOURCE_DIR}/tests/*.cpp
  ${CMAKE_SOURCE_DIR}/bench/*.hpp ${CMAKE_SOURCE_DIR}/bench/*.cpp)

if(CLANG_FORMAT)
  add_custom_target(format
    COMMAND ${CLANG_FORMAT} -i ${RAPIDBYTE_STYLE_SOURCES}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} COMMENT "Formatting sources" VERBATIM)
  add_custom_target(format-check
    COMMAND ${CLANG_FORMAT} --dry-run --Werror ${RAPIDBYTE_STYLE_SOURCES}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} COMMENT "Checking formatting (.clang-format)" VERBATIM)
endif()

if(CLANG_TIDY)
  file(GLOB_RECURSE RAPIDBYTE_TIDY_SOURCES CONFIGURE_DEPENDS
    ${CMAKE_SOURCE_DIR}/portable/*.cpp ${CMAKE_SOURCE_DIR}/host/*.cpp)
  add_custom_target(lint
    COMMAND ${CLANG_TIDY} -p ${CMAKE_BINARY_DIR} --quiet ${RAPIDBYTE_TIDY_SOURCES}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} COMMENT "Linting (.clang-tidy)" VERBATIM)
endif()
