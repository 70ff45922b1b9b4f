# SPDX-License-Identifier: MIT
# Installs the steamsim build in BUILD_DIR into a fresh PREFIX (the consumer tests' fixture).
# Usage: cmake -DBUILD_DIR=<build> -DPREFIX=<dir> [-DCONFIG=<config>] -P install.cmake
foreach(var BUILD_DIR PREFIX)
  if(NOT ${var})
    message(FATAL_ERROR "install.cmake: ${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${PREFIX}")
set(config_args)
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${config_args}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${result})")
endif()
foreach(file include/steamsim/steamsim.hpp include/steamsim/mock.hpp
    include/steamsim/matchers.hpp include/steamsim/network.hpp include/steamsim/steamworks.hpp)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()

# The installed command line's help names documentation files that exist in the prefix.
execute_process(COMMAND "${PREFIX}/bin/steamsim" run --help
  OUTPUT_VARIABLE help RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "steamsim run --help failed (${result})")
endif()
foreach(file share/doc/steamsim/scenarios.md share/steamsim/scenarios/schema/scenario.schema.json)
  string(FIND "${help}" "${PREFIX}/${file}" at)
  if(at EQUAL -1 OR NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "the installed help does not name ${PREFIX}/${file}:\n${help}")
  endif()
endforeach()
foreach(file share/doc/steamsim/LICENSE share/doc/steamsim/CHANGELOG.md
    include/steamsim/dictionary.hpp include/steamsim/scenario/gtest.hpp)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()
