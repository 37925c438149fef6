# Reads the pinned versions from scripts/versions.sh so that the shell setup and
# the build agree on one source of truth.
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/../scripts/versions.sh _rapidbyte_version_lines
     REGEX "^[A-Z_]+_VERSION=")
foreach(_line IN LISTS _rapidbyte_version_lines)
  string(REGEX MATCH "^([A-Z_]+_VERSION)=(.*)$" _ ${_line})
  set(${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
endforeach()

if(DEFINED ENV{RAPIDBYTE_CACHE_DIR})
  set(RAPIDBYTE_CACHE_DIR $ENV{RAPIDBYTE_CACHE_DIR})
else()
  set(RAPIDBYTE_CACHE_DIR $ENV{HOME}/.cache/rapidbyte)
endif()
