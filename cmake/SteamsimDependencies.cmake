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

if(STEAMSIM_BUILD_MOCK OR STEAMSIM_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

if(STEAMSIM_BUILD_TOOLS)
  find_package(CLI11 REQUIRED)
endif()
