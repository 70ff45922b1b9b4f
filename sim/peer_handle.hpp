// SPDX-License-Identifier: MIT
#pragma once
// A NetworkingMessages that forwards to a Peer while its World lives and answers like an
// uninitialised Steam afterwards (Network::handle).

#include <memory>

#include "steamsim/peer.hpp"

namespace steamsim::detail {

class World;

class PeerHandle final : public NetworkingMessages,
                         public std::enable_shared_from_this<PeerHandle> {
 public:
  /// A handle on `peer` of `world`; the peer's signals reach the handle's handlers too.
  static std::shared_ptr<PeerHandle> create(const std::shared_ptr<World>& world, Peer& peer);

  bool acceptSessionWithUser(SteamId remote_steam_id) override;
  bool closeChannelWithUser(SteamId remote_steam_id, int channel) override;
  bool closeSessionWithUser(SteamId remote_steam_id) override;
  SessionConnectionInfo getSessionConnectionInfo(SteamId remote_steam_id, bool get_connection,
                                                 bool get_status) override;
  std::vector<Message> receiveMessagesOnChannel(int channel, int max_messages) override;
  Result sendMessageToUser(SteamId remote_steam_id, std::span<const std::uint8_t> data, int flags,
                           int channel) override;
  void runCallbacks() override;

  PeerHandle(std::weak_ptr<World> world, Peer& peer) : world_(std::move(world)), peer_(peer) {}

 private:
  /// Runs `call` on the peer while the world is kept alive; `fallback` once it is gone.
  template <typename R, typename Call>
  R forward(R fallback, Call&& call) {
    const std::shared_ptr<World> alive = world_.lock();
    return alive ? call(peer_) : fallback;
  }

  std::weak_ptr<World> world_;
  Peer& peer_;  // valid while world_ can be locked
};

}  // namespace steamsim::detail
