// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Running a scenario: a fresh Network, one game loop per peer, the timeline at its times,
/// and every expectation checked, with the trace around each failure.

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "steamsim/network.hpp"
#include "steamsim/scenario/model.hpp"
#include "steamsim/scenario/observer.hpp"

namespace steamsim::scenario {

/// The outcome of one check: an expectation, or the results of a timeline action with
/// `expect_result`.
struct CheckResult {
  std::string id;     ///< JSON pointer of what was checked ("/expect/2", "/timeline/4")
  SourcePos pos;      ///< its position in the file
  std::string title;  ///< one line: what is checked (the description if the file has one)
  bool passed = false;
  std::string expected;  ///< what should have happened
  std::string actual;    ///< what happened
  double at_ms = 0.0;    ///< run time when it was decided, ms
  /// Trace lines around `at_ms` that concern the peers involved (failures only).
  std::vector<std::string> context;
  /// Failures only: the behaviour rule that produced the outcome ("B5"), empty if none
  /// applies; `explanation` says how, one paragraph; `proof` are the trace lines showing it.
  std::string rule;
  std::string explanation;
  std::vector<std::string> proof;
  /// Failures only: the session timeline of the pair concerned (state changes, signals,
  /// API calls other than reads, handshake and close packets), one line each.
  std::vector<std::string> timeline;
};

/// The outcome of one run of one scenario.
struct RunResult {
  std::string file;
  std::string name;
  std::uint64_t seed = 0;
  std::uint64_t trace_hash = 0;  ///< Network::traceHash() at the end; equal for equal runs
  double duration_ms = 0.0;      ///< run time simulated
  double wall_ms = 0.0;          ///< wall-clock time the run took
  std::vector<CheckResult> checks;
  /// Non-empty when the run could not complete (e.g. a socket could not be bound); the run
  /// then counts as failed.
  std::string error;
  NetworkCounters counters;
  std::uint64_t trace_events = 0;  ///< trace events seen

  bool passed() const;
  std::size_t failedChecks() const;
};

/// Messages an external peer's process read: `reader` is its Steam ID.
using ExternalReads = std::function<void(SteamId reader, const std::vector<Message>& messages)>;

/// Connects the processes that play a scenario's external peers (`"external": true`) to the
/// run's network; `steamsim serve --scenario` provides one.
class ExternalPeers {
 public:
  virtual ~ExternalPeers() = default;
  /// Called once the network is set up (real-time clock), before the timeline starts.
  /// Returns once a process plays each of `steam_ids`; throws std::runtime_error naming the
  /// Steam IDs still missing when it gives up. Every batch of messages a process reads must
  /// be passed to `reads`, so `received` expectations can count them.
  virtual void attach(Network& network, const std::vector<SteamId>& steam_ids,
                      ExternalReads reads) = 0;
  /// Called when the run is over, before the network goes: lets the processes go.
  virtual void detach() = 0;
};

struct RunOptions {
  /// Seed of the run; unset: the scenario's own.
  std::optional<std::uint64_t> seed;
  /// When set, every trace event is written here as one JSON object per line.
  std::ostream* trace_out = nullptr;
  /// Trace lines kept before and after a failed check's time.
  std::size_t context_before = 12;
  std::size_t context_after = 6;
  /// Told about the network, every trace event and the result (not owned; may be empty).
  std::vector<RunObserver*> observers;
  /// Plays the external peers. A scenario with external peers needs one. With one, the run
  /// uses the real-time clock whatever the file says, and `attach` is called even when the
  /// scenario has no external peer (other processes may still attach).
  ExternalPeers* external = nullptr;
};

/// Runs `scenario` once. Never throws: problems end up in RunResult::error.
RunResult runScenario(const Scenario& scenario, const RunOptions& options = {});

/// "0x0123456789abcdef".
std::string formatHash(std::uint64_t hash);

}  // namespace steamsim::scenario
