// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Writing a run's trace: JSON Lines (one event per line) or the Trace Event JSON format
/// that Perfetto and chrome://tracing open, optionally filtered by peer and kind.

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "steamsim/scenario/observer.hpp"

namespace steamsim::scenario {

enum class TraceFormat {
  JsonLines,  ///< {"run":..,"t_us":..,"kind":..,...} per line
  Chrome,     ///< {"traceEvents":[...]}: a process per run, a thread per peer
};

/// Which events to keep. Terms, comma-separated: `peer=a|b` (events from or to these peers),
/// `kind=k1|k2` (only these kinds; `*` matches any text, e.g. `datagram_*`), `-peer=...` and
/// `-kind=...` (leave these out), `-keepalive` (leave out datagrams that are only pings).
struct TraceFilter {
  std::vector<std::string> peers;
  std::vector<std::string> not_peers;
  std::vector<std::string> kinds;
  std::vector<std::string> not_kinds;
  bool keepalives = true;

  /// Adds the terms of `text`. \return an empty string, or what is wrong with `text`.
  std::string parse(std::string_view text);
  /// true if nothing is left out.
  bool empty() const;
  /// true if `event` is kept; `name` gives a Steam ID's peer name.
  bool keeps(const TraceEvent& event, std::string_view from_name, std::string_view to_name) const;
};

/// Writes one run's events to `out` (not owned) as they happen.
class TraceWriter final : public RunObserver {
 public:
  /// `run_index` numbers the run in a file holding several (Chrome: its process id - 1).
  TraceWriter(std::ostream& out, TraceFormat format, TraceFilter filter, std::size_t run_index);
  void started(Network& network, const Scenario& scenario, std::uint64_t seed,
               std::int64_t start_us) override;
  void event(const TraceEvent& event) override;

  /// What a file of `format` starts with, before any run's events.
  static void writeHeader(std::ostream& out, TraceFormat format);
  /// What it ends with.
  static void writeFooter(std::ostream& out, TraceFormat format);

 private:
  std::string nameOf(SteamId id) const;
  void chrome(const TraceEvent& event);

  std::ostream& out_;
  TraceFormat format_;
  TraceFilter filter_;
  std::size_t run_index_;
  std::string run_name_;
  std::uint64_t seed_ = 0;
  std::int64_t start_us_ = 0;
  std::map<SteamId, std::string> names_;
  std::map<SteamId, int> threads_;
  std::unordered_map<std::uint64_t, std::int64_t> open_packets_;  // id -> packet type
  std::set<std::string> open_messages_;
};

/// "data", "connect_request", ... for a packet type number.
std::string_view packetTypeName(std::int64_t type);

}  // namespace steamsim::scenario
