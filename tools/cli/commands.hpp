// SPDX-License-Identifier: MIT
#pragma once
// The subcommands of the steamsim command line. Each returns the process exit status:
// 0 all passed / valid, 1 an expectation failed, 2 invalid input.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "run_outputs.hpp"

namespace steamsim::cli {

inline constexpr int kExitPassed = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitInvalid = 2;
/// The most runs one `steamsim run` takes with --report or --pcap (they keep each run's record).
inline constexpr std::uint64_t kMaxRunsWithOutputs = 10000;

enum class ColorChoice { Auto, Always, Never };

struct CommonOptions {
  std::vector<std::string> paths;
  ColorChoice color = ColorChoice::Auto;
  bool quiet = false;
};

struct RunCommandOptions {
  CommonOptions common;
  std::optional<std::uint64_t> seed;
  std::string seeds;  ///< "A..B", empty if not given
  unsigned jobs = 1;  ///< 0: one per CPU core
  std::string junit;
  std::string json;
  std::string trace;
  std::string shard;  ///< "K/N", empty if not given
  OutputOptions outputs;  ///< --report, --pcap, --trace-format, --trace-filter
  std::size_t context = 12;
  bool verbose = false;
  bool progress = true;
};

int runCommand(const RunCommandOptions& options);
int validateCommand(const CommonOptions& options);
int listCommand(const CommonOptions& options);

}  // namespace steamsim::cli
