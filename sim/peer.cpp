#include "steamsim/peer.hpp"

#include <mutex>

#include "world.hpp"

namespace steamsim {

Peer::Peer(detail::World& world, SteamId steam_id) : world_(world), steam_id_(steam_id) {}

Peer::~Peer() = default;

namespace {

// Runs `call` on the peer's running state under the world's lock; `fallback` while the peer
// is crashed. Every call is traced as "<function> -> <result>". In real time every call but
// a send first runs the events that are due on this thread (a send only queues, so that
// messages sent together share datagrams).
template <typename Result, typename Call>
Result onCore(detail::World& world, SteamId self, SteamId remote, const char* function,
              Result fallback, Call&& call, bool run_due = true) {
  std::unique_lock lock(world.mutex());
  world.syncClock();
  if (run_due) world.runDueForCaller(lock);
  const detail::TimeUs next_before = world.scheduler().nextTime();
  detail::PeerCore* core = world.core(self);
  Result result = core != nullptr ? call(*core) : fallback;
  if constexpr (std::is_same_v<Result, bool> || std::is_same_v<Result, steamsim::Result>) {
    world.trace(TraceKind::ApiCall, self, remote, 0, static_cast<std::int64_t>(result), function);
  }
  // Real time: the driver sleeps until its next event; wake it only if the call made
  // something due earlier.
  if (world.scheduler().nextTime() < next_before) world.wakeDriver();
  return result;
}

}  // namespace

bool Peer::acceptSessionWithUser(SteamId remote_steam_id) {
  return onCore(world_, steam_id_, remote_steam_id, "acceptSessionWithUser", false,
                [&](detail::PeerCore& c) { return c.acceptSessionWithUser(remote_steam_id); });
}

bool Peer::closeChannelWithUser(SteamId remote_steam_id, int channel) {
  return onCore(
      world_, steam_id_, remote_steam_id, "closeChannelWithUser", false,
      [&](detail::PeerCore& c) { return c.closeChannelWithUser(remote_steam_id, channel); });
}

bool Peer::closeSessionWithUser(SteamId remote_steam_id) {
  return onCore(world_, steam_id_, remote_steam_id, "closeSessionWithUser", false,
                [&](detail::PeerCore& c) { return c.closeSessionWithUser(remote_steam_id); });
}

SessionConnectionInfo Peer::getSessionConnectionInfo(SteamId remote_steam_id, bool get_connection,
                                                     bool get_status) {
  SessionConnectionInfo none;
  if (get_connection) none.connection = ConnectionInfo{};
  if (get_status) none.status = RealTimeStatus{};
  return onCore(world_, steam_id_, remote_steam_id, "getSessionConnectionInfo", none,
                [&](detail::PeerCore& c) {
                  return c.getSessionConnectionInfo(remote_steam_id, get_connection, get_status);
                });
}

std::vector<Message> Peer::receiveMessagesOnChannel(int channel, int max_messages) {
  return onCore(
      world_, steam_id_, 0, "receiveMessagesOnChannel", std::vector<Message>{},
      [&](detail::PeerCore& c) { return c.receiveMessagesOnChannel(channel, max_messages); });
}

Result Peer::sendMessageToUser(SteamId remote_steam_id, std::span<const std::uint8_t> data,
                               int flags, int channel) {
  return onCore(
      world_, steam_id_, remote_steam_id, "sendMessageToUser", Result::Fail,
      [&](detail::PeerCore& c) {
        return c.sendMessageToUser(remote_steam_id, data, flags, channel);
      },
      false);
}

Result Peer::sendMessageToUser(SteamId remote_steam_id, std::string_view text, int flags,
                               int channel) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  return sendMessageToUser(remote_steam_id, std::span<const std::uint8_t>(bytes, text.size()),
                           flags, channel);
}

void Peer::runCallbacks() {
  world_.runCallbacks(steam_id_);
}

std::string Peer::socketAddress() const {
  std::lock_guard lock(world_.mutex());
  const detail::SocketAddress* address = world_.addressOf(steam_id_);
  return address != nullptr ? address->toString() : std::string();
}

std::uint16_t Peer::port() const {
  std::lock_guard lock(world_.mutex());
  const detail::SocketAddress* address = world_.addressOf(steam_id_);
  return address != nullptr ? address->port : 0;
}

bool Peer::crashed() const {
  std::lock_guard lock(world_.mutex());
  return world_.core(steam_id_) == nullptr;
}

PeerCounters Peer::counters() const {
  std::lock_guard lock(world_.mutex());
  detail::PeerCore* core = world_.core(steam_id_);
  return core != nullptr ? core->counters() : PeerCounters{};
}

std::size_t Peer::pendingCallbacks() const {
  std::lock_guard lock(world_.mutex());
  detail::PeerCore* core = world_.core(steam_id_);
  return core != nullptr ? core->pendingSignals() : 0;
}

}  // namespace steamsim
