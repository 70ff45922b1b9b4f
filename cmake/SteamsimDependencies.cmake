# System packages only: every dependency is found, never downloaded.
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.9 REQUIRED)

# Asio (standalone) ships no CMake package on Debian; it is header-only and is used
# privately by steamsim::sim, so only its include directory is needed.
find_path(STEAMSIM_ASIO_INCLUDE_DIR asio.hpp
  HINTS ENV ASIO_ROOT
  PATH_SUFFIXES include)
if(NOT STEAMSIM_ASIO_INCLUDE_DIR)
  message(FATAL_ERROR "steamsim: standalone Asio not found (Debian: apt-get install libasio-dev)")
endif()

# GoogleTest: reuse GTest::gtest / GTest::gmock when the including project already defines
# them (its own find_package, FetchContent or add_subdirectory of googletest); otherwise look
# for the system's. The mock is optional: without GoogleMock it is skipped with a message.
if(NOT TARGET GTest::gmock AND TARGET gmock)
  add_library(GTest::gmock ALIAS gmock)
endif()
if(NOT TARGET GTest::gtest AND TARGET gtest)
  add_library(GTest::gtest ALIAS gtest)
endif()
if(NOT TARGET GTest::gtest_main AND TARGET gtest_main)
  add_library(GTest::gtest_main ALIAS gtest_main)
endif()
if(STEAMSIM_BUILD_TESTS AND NOT TARGET GTest::gtest)
  find_package(GTest REQUIRED)
elseif(STEAMSIM_BUILD_MOCK AND NOT TARGET GTest::gmock)
  find_package(GTest QUIET)
endif()
if(STEAMSIM_BUILD_MOCK AND NOT TARGET GTest::gmock)
  message(STATUS "steamsim: GoogleMock not found, so steamsim::mock is not built "
                 "(Debian: apt-get install libgmock-dev; or define GTest::gmock before adding "
                 "steamsim; or set STEAMSIM_BUILD_MOCK=OFF to silence this)")
endif()
if(STEAMSIM_BUILD_TESTS AND NOT TARGET GTest::gmock)
  message(FATAL_ERROR "steamsim: its tests need GoogleMock (Debian: apt-get install libgmock-dev)")
endif()

if(STEAMSIM_BUILD_TOOLS OR STEAMSIM_BUILD_CLI)
  find_package(CLI11 REQUIRED)
endif()
