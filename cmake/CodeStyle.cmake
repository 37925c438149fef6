# `format` rewrites sources with the repo's .clang-format; `format-check` fails
# when a file differs (run in CI); `lint` runs clang-tidy with .clang-tidy
# (also run in CI).
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

# scripts/lint.py lints portable/, host/ and guest/ from both builds' compile
# databases and caches its results; the target is a shorthand for it.
find_package(Python3 COMPONENTS Interpreter)
if(CLANG_TIDY AND Python3_Interpreter_FOUND)
  add_custom_target(lint
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_SOURCE_DIR}/scripts/lint.py
            --build-dir ${CMAKE_BINARY_DIR}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} COMMENT "Linting (.clang-tidy)" VERBATIM USES_TERMINAL)
endif()
