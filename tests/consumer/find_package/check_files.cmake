# SPDX-License-Identifier: MIT
# Fails unless every file of FILES exists and holds a JUnit report of three runs.
foreach(file IN LISTS FILES)
  if(NOT EXISTS "${file}")
    message(FATAL_ERROR "missing: ${file}")
  endif()
  file(READ "${file}" xml)
  string(REGEX MATCHALL "<testsuite " suites "${xml}")
  list(LENGTH suites count)
  if(NOT count EQUAL 3)
    message(FATAL_ERROR "${file}: expected 3 runs (seeds 1..3), got ${count}")
  endif()
endforeach()
