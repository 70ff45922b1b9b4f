// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// The event trace: every datagram and its impairment decision, API calls, signals and
/// state changes, with a stable hash for determinism checks.

#include <cstdint>
#include <string>
#include <string_view>

#include "steamsim/types.hpp"

namespace steamsim {

enum class TraceKind : std::uint8_t {
  DatagramSent,        ///< emitted by a peer onto a link (detail: packet type)
  DatagramDropped,     ///< dropped by impairment (detail: stage)
  DatagramDelayed,     ///< scheduled for delivery (value: delivery time, µs)
  DatagramDuplicated,  ///< an extra copy scheduled (value: delivery time, µs)
  DatagramCorrupted,   ///< a bit flipped (value: bit index)
  DatagramDelivered,   ///< written to the receiver's socket and read back
  DatagramRejected,    ///< read from a socket but failed to decode (detail: why)
  ApiCall,             ///< a NetworkingMessages call (detail: function and result)
  Signal,              ///< a signal queued (detail: which, with arguments)
  StateChange,         ///< a connection changed state (detail: old -> new, reason)
  PeerEvent,           ///< crash, restart, partition, heal, link change
};

/// Name of a kind in snake case ("datagram_sent").
std::string_view toString(TraceKind kind);

struct TraceEvent {
  std::int64_t time_us = 0;  ///< virtual (or real-time) clock, µs
  TraceKind kind = TraceKind::DatagramSent;
  SteamId from = 0;         ///< sender / acting peer; 0 if none
  SteamId to = 0;           ///< receiver / remote peer; 0 if none
  std::uint32_t bytes = 0;  ///< datagram size where relevant
  std::int64_t value = 0;   ///< kind-specific number (see TraceKind)
  std::string detail;       ///< kind-specific text
};

}  // namespace steamsim
