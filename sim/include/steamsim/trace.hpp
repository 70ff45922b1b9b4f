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
  // Observation-only kinds: seen by the sink and the record, never part of the trace hash,
  // so they add detail without changing any run's hash.
  MessageDelivered,  ///< a message queued for the game (from: sender, to: receiver, bytes:
                     ///< size, value: channel, detail: reliable/unreliable)
  Retransmission,    ///< reliable bytes found lost and queued again (bytes: length, value:
                     ///< stream offset)
};

/// TraceEvent::packet_content bits: what a datagram carries.
inline constexpr std::uint8_t kPacketPing = 1;      ///< asks for an immediate ack (keepalive, ping)
inline constexpr std::uint8_t kPacketMessages = 2;  ///< carries message bytes
inline constexpr std::uint8_t kPacketAcks = 4;      ///< carries acknowledgements

/// true for kinds that are never folded into the trace hash.
constexpr bool isObservationOnly(TraceKind kind) {
  return kind == TraceKind::MessageDelivered || kind == TraceKind::Retransmission;
}

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
  /// Id of the datagram this event concerns, numbered from 1 per network in emission order:
  /// the same id on its datagram_sent, _dropped, _delayed, _duplicated, _corrupted,
  /// _delivered and _rejected events, and on what its arrival caused (state changes,
  /// signals, message_delivered). 0 if none. Not part of the trace hash.
  std::uint64_t packet_id = 0;
  /// Message number within its connection (as Message::message_number): set on a successful
  /// sendMessageToUser api_call and on message_delivered, so (from, to, message_id) follows
  /// one message from send to delivery. 0 if none. Not part of the trace hash.
  std::uint64_t message_id = 0;
  /// Datagram events: kPacket* bits of what the datagram carries (a keepalive is a ping
  /// without messages). Not part of the trace hash.
  std::uint8_t packet_content = 0;
};

}  // namespace steamsim
