// SPDX-License-Identifier: MIT
#include "peer_handle.hpp"

#include "world.hpp"

namespace steamsim::detail {

std::shared_ptr<PeerHandle> PeerHandle::create(const std::shared_ptr<World>& world, Peer& peer) {
  auto handle = std::make_shared<PeerHandle>(world, peer);
  // The peer relays its signals to the handle for as long as the handle exists.
  std::weak_ptr<PeerHandle> weak = handle;
  peer.onSessionRequest([weak](SteamId remote) {
    if (auto h = weak.lock()) h->emitSessionRequestSignal(remote);
  });
  peer.onSessionFailed([weak](const SessionFailed& failed) {
    if (auto h = weak.lock()) h->emitSessionFailedSignal(failed);
  });
  return handle;
}

bool PeerHandle::acceptSessionWithUser(SteamId remote_steam_id) {
  return forward(false, [&](Peer& p) { return p.acceptSessionWithUser(remote_steam_id); });
}

bool PeerHandle::closeChannelWithUser(SteamId remote_steam_id, int channel) {
  return forward(false, [&](Peer& p) { return p.closeChannelWithUser(remote_steam_id, channel); });
}

bool PeerHandle::closeSessionWithUser(SteamId remote_steam_id) {
  return forward(false, [&](Peer& p) { return p.closeSessionWithUser(remote_steam_id); });
}

SessionConnectionInfo PeerHandle::getSessionConnectionInfo(SteamId remote_steam_id,
                                                           bool get_connection, bool get_status) {
  return forward(SessionConnectionInfo{}, [&](Peer& p) {
    return p.getSessionConnectionInfo(remote_steam_id, get_connection, get_status);
  });
}

std::vector<Message> PeerHandle::receiveMessagesOnChannel(int channel, int max_messages) {
  return forward(std::vector<Message>{},
                 [&](Peer& p) { return p.receiveMessagesOnChannel(channel, max_messages); });
}

Result PeerHandle::sendMessageToUser(SteamId remote_steam_id, std::span<const std::uint8_t> data,
                                     int flags, int channel) {
  return forward(Result::None, [&](Peer& p) {
    return p.sendMessageToUser(remote_steam_id, data, flags, channel);
  });
}

void PeerHandle::runCallbacks() {
  forward(0, [&](Peer& p) {
    p.runCallbacks();
    return 0;
  });
}

}  // namespace steamsim::detail
