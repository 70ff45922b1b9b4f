#pragma once
/// \file
/// A simulated Steam ID: the full NetworkingMessages API over its own UDP socket.

#include <cstdint>
#include <memory>
#include <string>

#include "steamsim/networking_messages.hpp"

namespace steamsim {

namespace detail {
class World;
class PeerCore;
}  // namespace detail

/// Counters of one peer's receive path.
struct PeerCounters {
  std::uint64_t datagrams_received = 0;    ///< read from its socket
  std::uint64_t datagrams_accepted = 0;    ///< decoded and handled
  std::uint64_t rejected_malformed = 0;    ///< truncated, bad magic/version, bad frames
  std::uint64_t rejected_checksum = 0;     ///< corrupted
  std::uint64_t rejected_foreign = 0;      ///< addressed to another Steam ID, or from a stranger
  std::uint64_t rejected_stale = 0;        ///< for a connection that is not the current one
  std::uint64_t messages_received = 0;     ///< messages queued for the game
  std::uint64_t messages_dropped_cap = 0;  ///< dropped by NetworkConfig::max_unread_bytes
  std::uint64_t retransmissions = 0;       ///< reliable segments sent again
};

/// One simulated Steam ID. Owned by its Network; a `Peer&` stays valid for the Network's
/// lifetime. Every function is thread-safe.
class Peer final : public NetworkingMessages {
 public:
  ~Peer() override;
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  /// This peer's Steam ID.
  SteamId steamId() const { return steam_id_; }

  bool acceptSessionWithUser(SteamId remote_steam_id) override;
  bool closeChannelWithUser(SteamId remote_steam_id, int channel) override;
  bool closeSessionWithUser(SteamId remote_steam_id) override;
  SessionConnectionInfo getSessionConnectionInfo(SteamId remote_steam_id, bool get_connection,
                                                 bool get_status) override;
  std::vector<Message> receiveMessagesOnChannel(int channel, int max_messages) override;
  Result sendMessageToUser(SteamId remote_steam_id, std::span<const std::uint8_t> data, int flags,
                           int channel) override;
  void runCallbacks() override;

  /// Text and other byte ranges: see NetworkingMessages.
  using NetworkingMessages::sendMessageToUser;

  /// The socket's address, "127.0.0.1:<port>"; empty while crashed.
  std::string socketAddress() const;
  /// The socket's UDP port; 0 while crashed.
  std::uint16_t port() const;
  /// true between `Network::crash` and `Network::restart`.
  bool crashed() const;
  /// Receive-path counters.
  PeerCounters counters() const;
  /// Signals queued and not yet delivered.
  std::size_t pendingCallbacks() const;

 private:
  friend class detail::World;
  Peer(detail::World& world, SteamId steam_id);

  detail::World& world_;
  SteamId steam_id_;
};

}  // namespace steamsim
