# SPDX-License-Identifier: MIT
# steamsim::api's public headers include only standard headers and each other, so a shipped
# game that links only steamsim::api needs no third-party package.
# Usage: cmake -DDIR=<api/include> -P api_headers.cmake
file(GLOB_RECURSE headers "${DIR}/*.hpp")
if(NOT headers)
  message(FATAL_ERROR "no headers under ${DIR}")
endif()
foreach(header IN LISTS headers)
  file(STRINGS "${header}" includes REGEX "^[ \t]*#[ \t]*include")
  foreach(line IN LISTS includes)
    if(line MATCHES "#[ \t]*include[ \t]*\"(steamsim/[a-z_]+\\.hpp)\"")
      if(NOT EXISTS "${DIR}/${CMAKE_MATCH_1}")
        message(FATAL_ERROR "${header}: includes ${CMAKE_MATCH_1}, which is not an api header")
      endif()
    elseif(NOT line MATCHES "#[ \t]*include[ \t]*<[a-z_]+>")
      message(FATAL_ERROR "${header}: not a standard header: ${line}")
    endif()
  endforeach()
endforeach()
message(STATUS "api headers: standard headers only")
