// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// steamsim::remote: a process attaches to a `steamsim serve` network as a Steam ID and gets
/// the full NetworkingMessages API (RemotePeer), or drives the network itself
/// (RemoteControl). The protocol is documented in remote/protocol/PROTOCOL.md. This header
/// depends on steamsim::api alone.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "steamsim/link_conditions.hpp"
#include "steamsim/message.hpp"
#include "steamsim/networking_messages.hpp"
#include "steamsim/types.hpp"

namespace steamsim {

/// Where and how to attach.
struct RemoteOptions {
  /// The server's address, "HOST:PORT" as `steamsim serve` prints it ("127.0.0.1:40123").
  std::string address;
  /// The token (the contents of the server's token file; surrounding whitespace is
  /// ignored). Empty for a server run with --no-token.
  std::string token;
  /// Longest wait for the connection, the handshake and each response.
  std::chrono::milliseconds timeout{10000};
};

/// Reads a token file as `steamsim serve --token-file` writes it (whitespace trimmed).
/// Throws std::runtime_error if it cannot be read.
std::string readTokenFile(const std::string& path);

/// The server refused the attach or a request, or the connection failed.
class RemoteError : public std::runtime_error {
 public:
  /// \param code the protocol's error code (PROTOCOL.md §4); 0 for a transport failure
  RemoteError(std::uint32_t code, const std::string& what)
      : std::runtime_error(what), code_(code) {}
  /// The protocol's error code (e.g. 5 BadToken, 6 SteamIdInUse); 0: transport failure
  /// (connection refused, closed, timed out).
  std::uint32_t code() const { return code_; }

 private:
  std::uint32_t code_;
};

namespace remote {
class Connection;

/// The simulator's link conditions (`<steamsim/link_conditions.hpp>`, part of steamsim::api).
using LinkConditions = steamsim::LinkConditions;

/// Counters of the whole network.
struct NetworkCounters {
  std::uint64_t events = 0;
  std::uint64_t datagrams = 0;
  std::uint64_t socket_bytes_read = 0;
  std::uint64_t kernel_lost = 0;
};

/// Counters of one directed link (every impairment stage).
struct LinkCounters {
  std::uint64_t offered = 0;
  std::uint64_t offered_bytes = 0;
  std::uint64_t dropped_down = 0;
  std::uint64_t dropped_rate_limit = 0;
  std::uint64_t dropped_loss = 0;
  std::uint64_t dropped_burst = 0;
  std::uint64_t delayed = 0;
  std::uint64_t reordered = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t delivered = 0;
  std::uint64_t delivered_bytes = 0;
  std::uint64_t undeliverable = 0;
};

/// Receive-path counters of one peer.
struct PeerCounters {
  std::uint64_t datagrams_received = 0;
  std::uint64_t datagrams_accepted = 0;
  std::uint64_t rejected_malformed = 0;
  std::uint64_t rejected_checksum = 0;
  std::uint64_t rejected_foreign = 0;
  std::uint64_t rejected_stale = 0;
  std::uint64_t messages_received = 0;
  std::uint64_t messages_dropped_cap = 0;
  std::uint64_t retransmissions = 0;
};

/// One peer of the served network.
struct PeerInfo {
  SteamId steam_id = 0;
  bool attached = false;  ///< a live client plays it
  bool crashed = false;
  std::string socket_address;  ///< its UDP socket, "127.0.0.1:PORT"; empty while crashed
};

/// One send of a batch (RemotePeer::sendMessagesToUser).
struct OutgoingMessage {
  SteamId remote_steam_id = 0;
  std::span<const std::uint8_t> data;  ///< not owned; valid during the call
  int flags = 0;
  int channel = 0;
};
}  // namespace remote

/// A Steam ID of a served network, in this process. Every call is one round trip to the
/// server and returns exactly what the in-process call returns there. Signals stay queued on
/// the server until `runCallbacks()`, which delivers them here in order, on the calling
/// thread (GodotSteam's run_callbacks()). Every function is thread-safe. If the connection is
/// lost, calls answer as GodotSteam does without Steam (send: Result::None, bools false,
/// empty info, no messages) and `connected()` turns false.
class RemotePeer final : public NetworkingMessages {
 public:
  /// Connects and attaches as `steam_id`. Throws RemoteError if the server cannot be
  /// reached or refuses (wrong token, Steam ID already attached, version mismatch, ...).
  RemotePeer(const RemoteOptions& options, SteamId steam_id);
  ~RemotePeer() override;
  RemotePeer(const RemotePeer&) = delete;
  RemotePeer& operator=(const RemotePeer&) = delete;

  /// The Steam ID this process acts as.
  SteamId steamId() const { return steam_id_; }
  /// false once the connection to the server is lost.
  bool connected() const;
  /// Why the connection was lost (empty while connected).
  std::string lastError() const;

  bool acceptSessionWithUser(SteamId remote_steam_id) override;
  bool closeChannelWithUser(SteamId remote_steam_id, int channel) override;
  bool closeSessionWithUser(SteamId remote_steam_id) override;
  SessionConnectionInfo getSessionConnectionInfo(SteamId remote_steam_id, bool get_connection,
                                                 bool get_status) override;
  std::vector<Message> receiveMessagesOnChannel(int channel, int max_messages) override;
  Result sendMessageToUser(SteamId remote_steam_id, std::span<const std::uint8_t> data, int flags,
                           int channel) override;
  void runCallbacks() override;

  /// Convenience: sends text bytes (no terminating NUL).
  Result sendMessageToUser(SteamId remote_steam_id, std::string_view text, int flags, int channel);
  /// Several sends in one round trip, executed in order, each exactly as
  /// `sendMessageToUser`. \return one Result per message. The batch's total size must fit one
  /// frame (about 512 KiB); larger batches are split into several round trips.
  std::vector<Result> sendMessagesToUser(std::span<const remote::OutgoingMessage> messages);

 private:
  std::unique_ptr<remote::Connection> connection_;
  SteamId steam_id_;
  // One runCallbacks at a time, so signals stay in order; recursive, since a handler may
  // call runCallbacks itself.
  std::recursive_mutex callbacks_mutex_;
};

/// Drives a served network: links, partitions, crashes, counters, trace hash, as `Network`
/// does in-process. Every function is thread-safe and throws RemoteError when the server
/// refuses (an unknown Steam ID, invalid link conditions) or the connection fails.
class RemoteControl {
 public:
  /// Connects with the control role. Throws RemoteError.
  explicit RemoteControl(const RemoteOptions& options);
  ~RemoteControl();
  RemoteControl(const RemoteControl&) = delete;
  RemoteControl& operator=(const RemoteControl&) = delete;

  /// Conditions of every link that has none of its own.
  void setDefaultLink(const remote::LinkConditions& conditions);
  /// Conditions of one direction, `from -> to`.
  void setLink(SteamId from, SteamId to, const remote::LinkConditions& conditions);
  /// `from -> to` follows the default again.
  void clearLink(SteamId from, SteamId to);
  /// Conditions in force on `from -> to`.
  remote::LinkConditions link(SteamId from, SteamId to);
  /// Cuts every link between peers of different groups (replaces an earlier partition).
  void partition(const std::vector<std::vector<SteamId>>& groups);
  /// Removes the partition.
  void heal();
  /// The peer stops: its socket closes and its sessions are lost (its client stays attached
  /// and sees a crashed peer).
  void crash(SteamId steam_id);
  /// A crashed peer comes back with a new socket and no sessions.
  void restart(SteamId steam_id);
  /// Adds a peer no client plays (it exists, answers the protocol, reads nothing).
  void addPeer(SteamId steam_id);
  /// Every peer of the network, in the order they were added.
  std::vector<remote::PeerInfo> peers();
  remote::NetworkCounters counters();
  remote::LinkCounters linkCounters(SteamId from, SteamId to);
  remote::PeerCounters peerCounters(SteamId steam_id);
  /// Hash of every trace event so far; equal for equal runs.
  std::uint64_t traceHash();
  /// The network's clock, µs.
  std::chrono::microseconds now();

 private:
  std::unique_ptr<remote::Connection> connection_;
};

}  // namespace steamsim
