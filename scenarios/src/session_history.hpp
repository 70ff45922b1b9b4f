// SPDX-License-Identifier: MIT
#pragma once
// What happened between each pair of peers, kept for explaining failures: state changes,
// signals, API calls (sends collapsed into runs), handshake and close packets, crashes and
// partitions, and per directed link the last datagram that got through and the drops since.

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "flat_table.hpp"
#include "steamsim/trace.hpp"

namespace steamsim::scenario::detail {

class SessionHistory {
 public:
  struct Entry {
    TraceEvent event;
    std::uint32_t repeats = 0;  ///< further identical sendMessageToUser results folded in
  };
  struct LinkActivity {
    std::int64_t last_delivered_us = -1;               ///< absolute clock; -1 never
    std::map<std::string, std::uint64_t> drops_since;  ///< stage -> datagrams dropped since
    std::map<std::string, std::uint64_t> drops;        ///< stage -> datagrams dropped in all
  };

  /// Feeds one trace event (keeps only what matters for sessions).
  void add(const TraceEvent& event);

  /// Entries of the pair {a, b} (either direction) and the network-wide ones (partitions,
  /// crashes of either peer), in time order.
  std::vector<const Entry*> pair(SteamId a, SteamId b) const;
  /// Datagram activity of the directed link `from -> to`.
  const LinkActivity* link(SteamId from, SteamId to) const;
  /// The peer with the most entries shared with `a`, or 0.
  SteamId busiestPartner(SteamId a) const;

 private:
  using Key = std::pair<SteamId, SteamId>;  // unordered pair, smaller id first
  static constexpr std::size_t kNoSend = static_cast<std::size_t>(-1);
  static Key key(SteamId a, SteamId b) { return a < b ? Key{a, b} : Key{b, a}; }
  void keep(const Key& k, const TraceEvent& event);
  void forgetSend(const Key& directed);

  PairTable<std::vector<Entry>> pairs_;
  std::vector<Entry> global_;      // partition, heal, crash, restart
  PairTable<LinkActivity> links_;  // directed (from, to)
  std::unordered_map<std::uint64_t, std::int64_t> control_packets_;  // packet id -> type
  /// Directed (from, to) -> index of its last send entry in the pair's entries, kNoSend
  /// if the next send starts a new entry.
  PairTable<std::size_t> last_send_;
};

}  // namespace steamsim::scenario::detail
