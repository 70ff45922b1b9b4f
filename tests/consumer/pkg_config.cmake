# SPDX-License-Identifier: MIT
# Compiles and runs a program against the installed steamsim using only what
# `pkg-config --cflags --libs steamsim` prints.
# Usage: cmake -DPKG_CONFIG=<exe> -DPREFIX=<install> -DLIBDIR=<lib> -DCXX=<compiler>
#   [-DCXX_FLAGS=<flags>] -DSOURCE=<main.cpp> -DOUTPUT=<exe> -P pkg_config.cmake
set(ENV{PKG_CONFIG_PATH} "${PREFIX}/${LIBDIR}/pkgconfig")
execute_process(COMMAND "${PKG_CONFIG}" --cflags --libs steamsim
  OUTPUT_VARIABLE flags ERROR_VARIABLE error RESULT_VARIABLE result
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "pkg-config steamsim failed: ${error}")
endif()
message(STATUS "pkg-config --cflags --libs steamsim: ${flags}")
# The .pc file must point into the prefix it was installed to, not the configured one.
string(FIND "${flags}" "-I${PREFIX}/" at)
if(at EQUAL -1)
  message(FATAL_ERROR "pkg-config flags do not point into ${PREFIX}: ${flags}")
endif()

separate_arguments(flags UNIX_COMMAND "${flags}")
separate_arguments(extra UNIX_COMMAND "${CXX_FLAGS}")
get_filename_component(output_dir "${OUTPUT}" DIRECTORY)
file(MAKE_DIRECTORY "${output_dir}")
execute_process(COMMAND "${CXX}" ${extra} "${SOURCE}" -o "${OUTPUT}" ${flags}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "compiling with the pkg-config flags failed")
endif()
execute_process(COMMAND "${OUTPUT}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the pkg-config consumer failed (${result})")
endif()
