// SPDX-License-Identifier: MIT
#pragma once
// steamsim serve: one simulated network in real time that other processes attach to as
// Steam IDs (remote/protocol/PROTOCOL.md).

#include <cstdint>
#include <optional>
#include <string>

#include "commands.hpp"

namespace CLI {
class App;
}

namespace steamsim::cli {

struct ServeCommandOptions {
  std::string listen = "127.0.0.1:0";
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::string ready_file;
  std::string token_file;
  bool no_token = false;
  std::uint64_t attach_timeout_ms = 60000;
  std::optional<std::uint64_t> timeout_initial_ms;
  std::optional<std::uint64_t> timeout_connected_ms;
  std::optional<std::uint64_t> idle_timeout_ms;
  std::string junit;
  std::string json;
  std::string trace;
  std::string report;  ///< --report FILE.html (with --scenario)
  std::string pcap;    ///< --pcap FILE (with --scenario)
  std::string color = "auto";
  bool quiet = false;
  bool verbose = false;
  bool no_status = false;
};

/// Adds the `serve` subcommand and its options to `app`.
CLI::App* addServeCommand(CLI::App& app, ServeCommandOptions& options);
/// Runs `steamsim serve`. \return the exit status: 0 on a clean stop (or the scenario
/// passed), 1 an expectation failed, 2 invalid input or the server could not start.
int serveCommand(const ServeCommandOptions& options);

}  // namespace steamsim::cli
