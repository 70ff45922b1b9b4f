# SPDX-License-Identifier: MIT
# steamsim_warnings: an internal INTERFACE target carrying the project's warning set.
# Errors are opt-in through CMAKE_COMPILE_WARNING_AS_ERROR (set by the ci preset).
add_library(steamsim_warnings INTERFACE)
if(STEAMSIM_WARNINGS)
  if(MSVC)
    target_compile_options(steamsim_warnings INTERFACE /W4 /permissive-)
  else()
    target_compile_options(steamsim_warnings INTERFACE
      -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion)
    # GCC 12 reports -Wrestrict inside libstdc++ for ordinary "literal" + std::string at -O2
    # and above (GCC bug 105329): a false positive in the standard library, not our code.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
       AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(steamsim_warnings INTERFACE -Wno-restrict)
    endif()
  endif()
endif()

# Attach the warning set to a target. Compile options, not a link: a private link of a static
# library is recorded in its exported interface, and export() rejects unexported targets.
function(steamsim_enable_warnings target)
  target_compile_options(${target} PRIVATE
    $<TARGET_PROPERTY:steamsim_warnings,INTERFACE_COMPILE_OPTIONS>)
endfunction()
