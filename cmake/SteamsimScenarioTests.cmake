# steamsim_add_scenario_tests(DIRECTORY <dir> [SEEDS <a..b>] [LABELS <label>...]
#                             [JUNIT_DIR <dir>] [PREFIX <name>] [TIMEOUT <seconds>])
#
# Registers one CTest test per scenario file (*.json, searched recursively, sorted) under
# DIRECTORY (relative paths are from the calling CMakeLists.txt). Each test runs
#   steamsim run <file> [--seeds <a..b>] [--junit <JUNIT_DIR>/<name>.xml]
# with the steamsim::cli target, so it passes when every expectation holds on every seed
# and shows the command line's report when one does not. Test names are PREFIX (default
# "scenario.") followed by the file's path under DIRECTORY without ".json". LABELS are set
# on every test (default: scenario). With add_subdirectory, set STEAMSIM_BUILD_CLI=ON before
# adding steamsim; the function then also makes `all` build the command line.
include_guard(GLOBAL)

function(steamsim_add_scenario_tests)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "DIRECTORY;SEEDS;JUNIT_DIR;PREFIX;TIMEOUT" "LABELS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "steamsim_add_scenario_tests: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_DIRECTORY)
    message(FATAL_ERROR "steamsim_add_scenario_tests: DIRECTORY <dir> is required")
  endif()
  if(NOT TARGET steamsim::cli)
    message(FATAL_ERROR "steamsim_add_scenario_tests: the steamsim::cli target does not exist "
                        "(with add_subdirectory, set STEAMSIM_BUILD_CLI=ON before adding steamsim)")
  endif()
  if(arg_SEEDS AND NOT arg_SEEDS MATCHES "^[0-9]+(\\.\\.[0-9]+)?$")
    message(FATAL_ERROR "steamsim_add_scenario_tests: SEEDS must be A..B or N, got \"${arg_SEEDS}\"")
  endif()
  if(NOT DEFINED arg_PREFIX)
    set(arg_PREFIX "scenario.")
  endif()
  if(NOT arg_LABELS)
    set(arg_LABELS scenario)
  endif()

  get_filename_component(dir "${arg_DIRECTORY}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT IS_DIRECTORY "${dir}")
    message(FATAL_ERROR "steamsim_add_scenario_tests: not a directory: ${dir}")
  endif()
  file(GLOB_RECURSE files LIST_DIRECTORIES false CONFIGURE_DEPENDS "${dir}/*.json")
  list(SORT files)
  if(NOT files)
    message(FATAL_ERROR "steamsim_add_scenario_tests: no *.json scenario file under ${dir}")
  endif()
  if(arg_JUNIT_DIR)
    get_filename_component(junit_dir "${arg_JUNIT_DIR}" ABSOLUTE
      BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
    file(MAKE_DIRECTORY "${junit_dir}")
  endif()

  # Built by `all` when steamsim is part of this build (not when found as a package).
  get_target_property(cli_imported steamsim::cli IMPORTED)
  if(NOT cli_imported)
    get_target_property(cli_target steamsim::cli ALIASED_TARGET)
    if(NOT cli_target)
      set(cli_target steamsim::cli)
    endif()
    string(MAKE_C_IDENTIFIER "steamsim_scenario_tests_${dir}" build_target)
    if(NOT TARGET ${build_target})
      add_custom_target(${build_target} ALL)
      add_dependencies(${build_target} ${cli_target})
    endif()
  endif()

  foreach(file IN LISTS files)
    file(RELATIVE_PATH relative "${dir}" "${file}")
    string(REGEX REPLACE "\\.json$" "" relative "${relative}")
    set(command $<TARGET_FILE:steamsim::cli> run "${file}" --no-progress --color never)
    if(arg_SEEDS)
      list(APPEND command --seeds "${arg_SEEDS}")
    endif()
    if(arg_JUNIT_DIR)
      string(REPLACE "/" "." junit_name "${relative}")
      list(APPEND command --junit "${junit_dir}/${junit_name}.xml")
    endif()
    set(name "${arg_PREFIX}${relative}")
    add_test(NAME "${name}" COMMAND ${command})
    set_tests_properties("${name}" PROPERTIES LABELS "${arg_LABELS}")
    if(arg_TIMEOUT)
      set_tests_properties("${name}" PROPERTIES TIMEOUT "${arg_TIMEOUT}")
    endif()
  endforeach()
endfunction()
