// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// The structures the API returns: received messages, connection info, real-time status,
/// session info and the session-failed signal's arguments. Field names are GodotSteam's
/// dictionary keys.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "steamsim/types.hpp"

namespace steamsim {

/// A message as `receiveMessagesOnChannel` returns it (SteamNetworkingMessage_t).
struct Message {
  std::vector<std::uint8_t> payload;    ///< the bytes sent, without any header; owned
  int size = 0;                         ///< payload size in bytes
  std::uint32_t connection = 0;         ///< always 0: the Messages API hides the connection
  SteamId identity = 0;                 ///< the sender
  std::int64_t receiver_user_data = 0;  ///< connection user data; 0 for Messages
  std::int64_t time_received = 0;       ///< receiver's local clock when it arrived, µs
  std::int64_t message_number = 0;      ///< sender's per-connection counter, from 1
  int channel = 0;                      ///< channel it was sent on
  int flags = 0;                        ///< 8 if it was sent reliably, else 0
  std::int64_t sender_user_data = 0;    ///< always 0 on receive
};

/// SteamNetConnectionInfo_t.
struct ConnectionInfo {
  SteamId identity = 0;             ///< the remote peer
  std::int64_t user_data = 0;       ///< -1 for Messages connections
  std::uint32_t listen_socket = 0;  ///< always 0 for Messages
  std::string remote_address;       ///< remote IP address, no port ("127.0.0.1")
  std::uint32_t remote_pop = 0;     ///< 0: not relayed
  std::uint32_t pop_relay = 0;      ///< 0: not relayed
  ConnectionState connection_state = ConnectionState::None;
  int end_reason = 0;             ///< a ConnectionEnd value, 0 while open
  std::string end_debug;          ///< human-readable end reason
  std::string debug_description;  ///< "#<conn> P2P steamid:<id> msg vport"
  int info_flags = 0;  ///< bit mask: 1 unauthenticated, 2 unencrypted, 8 fast, 16 relayed
};

/// SteamNetConnectionRealTimeStatus_t.
struct RealTimeStatus {
  ConnectionState state = ConnectionState::None;
  int ping = 0;                          ///< ms; -1 while unknown
  float local_quality = 0.0F;            ///< 0..1 over the last 5 s; -1 if no packets
  float remote_quality = 0.0F;           ///< the peer's local_quality; -1 if unknown
  float packets_out_per_second = 0.0F;   ///< datagrams sent per second over the last 5 s
  float bytes_out_per_second = 0.0F;     ///< wire bytes sent per second over the last 5 s
  float packets_in_per_second = 0.0F;    ///< datagrams received per second
  float bytes_in_per_second = 0.0F;      ///< wire bytes received per second
  int send_rate = 0;                     ///< pacing rate, bytes per second
  int pending_unreliable = 0;            ///< unreliable bytes queued, not yet sent
  int pending_reliable = 0;              ///< reliable bytes queued or due for retransmit
  int sent_unacknowledged_reliable = 0;  ///< reliable bytes on the wire, not yet acked
  std::int64_t queue_time = 0;           ///< µs to drain the queue; INT64_MAX unless Connected
};

/// What `getSessionConnectionInfo` returns.
struct SessionConnectionInfo {
  ConnectionState connection_state = ConnectionState::None;  ///< None when there is no session
  std::optional<ConnectionInfo> connection;                  ///< present when requested
  std::optional<RealTimeStatus> status;                      ///< present when requested
};

/// Arguments of `network_messages_session_failed`, in GodotSteam's order.
struct SessionFailed {
  int reason = 0;  ///< a ConnectionEnd value
  SteamId remote_steam_id = 0;
  ConnectionState connection_state = ConnectionState::None;  ///< 4 or 5
  std::string debug_message;
};

}  // namespace steamsim
