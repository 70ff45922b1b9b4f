include(CMakePackageConfigHelpers)

set(STEAMSIM_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/steamsim")

set(_steamsim_targets steamsim_api steamsim_sim steamsim_scenario steamsim_remote_protocol
  steamsim_remote)
set(STEAMSIM_HAS_MOCK OFF)
if(TARGET steamsim_mock)
  list(APPEND _steamsim_targets steamsim_mock)
  set(STEAMSIM_HAS_MOCK ON)
endif()
if(TARGET steamsim_cli)
  install(TARGETS steamsim_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(TARGETS ${_steamsim_targets}
  EXPORT steamsim-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

install(DIRECTORY api/include/ api/mock_include/ sim/include/ scenarios/include/
  remote/client/include/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp")

install(EXPORT steamsim-targets
  NAMESPACE steamsim::
  DESTINATION ${STEAMSIM_CMAKE_DIR})

# The build tree can be used by find_package too.
export(EXPORT steamsim-targets NAMESPACE steamsim::
  FILE "${PROJECT_BINARY_DIR}/steamsim-targets.cmake")

configure_package_config_file(cmake/steamsim-config.cmake.in
  "${PROJECT_BINARY_DIR}/steamsim-config.cmake"
  INSTALL_DESTINATION ${STEAMSIM_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/steamsim-config-version.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/steamsim-config.cmake"
  "${PROJECT_BINARY_DIR}/steamsim-config-version.cmake"
  DESTINATION ${STEAMSIM_CMAKE_DIR})

# The .pc file finds its prefix relative to itself, so an install moved or made with
# `cmake --install --prefix <dir>` still works.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(STEAMSIM_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _steamsim_pc_up "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
  string(REGEX REPLACE "/$" "" _steamsim_pc_up "${_steamsim_pc_up}")
  set(STEAMSIM_PC_PREFIX "\${pcfiledir}/${_steamsim_pc_up}")
endif()
configure_file(cmake/steamsim.pc.in "${PROJECT_BINARY_DIR}/steamsim.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/steamsim.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(DIRECTORY scenarios/library scenarios/schema
  DESTINATION ${CMAKE_INSTALL_DATADIR}/steamsim/scenarios)
