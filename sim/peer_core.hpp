// SPDX-License-Identifier: MIT
#pragma once
// The state of one running peer: its socket, sessions, receive queues and queued signals.
// Implements the Messages API semantics; `steamsim::Peer` forwards to it under the world's
// lock. A crash destroys the PeerCore; a restart makes a new one.

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <span>
#include <unordered_map>
#include <variant>
#include <vector>

#include "connection.hpp"
#include "message_queue.hpp"
#include "rng.hpp"
#include "session.hpp"
#include "steamsim/peer.hpp"
#include "udp_endpoint.hpp"

namespace steamsim::detail {

class World;
struct WorldLink;

/// The links a peer sent its last datagrams on, most recent first (World's; a peer with one
/// session sends data one way and acknowledgements the other way on two links).
struct RecentLinks {
  std::array<WorldLink*, 2> links{};
};

/// A signal waiting for runCallbacks(): a session request (the remote ID) or a failure.
using PendingSignal = std::variant<SteamId, SessionFailed>;

class PeerCore final : public ConnectionHost {
 public:
  PeerCore(World& world, SteamId steam_id, std::uint32_t incarnation);
  ~PeerCore() override;
  PeerCore(const PeerCore&) = delete;
  PeerCore& operator=(const PeerCore&) = delete;

  // The Messages API (world lock held).
  bool acceptSessionWithUser(SteamId remote);
  bool closeChannelWithUser(SteamId remote, int channel);
  bool closeSessionWithUser(SteamId remote);
  SessionConnectionInfo getSessionConnectionInfo(SteamId remote, bool get_connection,
                                                 bool get_status);
  std::vector<Message> receiveMessagesOnChannel(int channel, int max_messages);
  Result sendMessageToUser(SteamId remote, std::span<const std::uint8_t> data, int flags,
                           int channel);

  /// Handles one datagram read from this peer's socket. `own`: it carried this network's
  /// tag (see datagram_tag.hpp); anything else is decoded only to count why it is rejected.
  void onDatagram(std::span<const std::uint8_t> datagram, const SocketAddress& from, bool own);
  /// Runs a session's timers (called by the session's actor).
  void thinkSession(Session& session, TimeUs now);

  /// Removes and returns the queued signals, oldest first.
  std::deque<PendingSignal> takeSignals();
  std::size_t pendingSignals() const { return signals_.size(); }

  UdpEndpoint& endpoint() { return *endpoint_; }
  /// The socket, shared with socket I/O running outside the world's lock.
  const std::shared_ptr<UdpEndpoint>& sharedEndpoint() const { return endpoint_; }
  SteamId steamId() const { return steam_id_; }
  PeerCounters& counters() { return counters_; }

  // ConnectionHost
  const NetworkConfig& config() const override;
  void sendDatagram(SteamId to, std::span<const std::uint8_t> datagram) override;
  void deliverMessage(SteamId from, StreamMessage&& message, bool reliable, TimeUs now) override;
  void deliverUnreliable(SteamId from, std::uint64_t message_number, std::int32_t channel,
                         std::span<const std::uint8_t> payload, TimeUs now) override;
  void traceStateChange(SteamId remote, ConnectionState from, ConnectionState to, int reason,
                        const std::string& debug) override;
  void countRetransmission(SteamId remote, std::uint64_t offset, std::uint64_t bytes) override;

 private:
  /// A connection we closed or that failed: stray packets for it get its Close again.
  struct FinWait {
    SteamId remote = 0;
    std::uint32_t local_id = 0;
    std::uint32_t remote_id = 0;
    int reason = 0;
    std::string debug;
    TimeUs expires = 0;
  };

  TimeUs now() const;
  Session* findSession(SteamId remote) {
    if (remote == last_remote_ && last_session_ != nullptr) return last_session_;
    return lookUpSession(remote);
  }
  Session* lookUpSession(SteamId remote);
  Session& session(SteamId remote) {
    if (Session* found = findSession(remote)) return *found;
    return newSession(remote);
  }
  Session& newSession(SteamId remote);
  MessageQueue& channelQueue(int channel);
  std::uint32_t newConnectionId();
  void startConnection(Session& session, bool outgoing, std::uint32_t remote_id);
  /// After any connection activity: Steam's CheckConnection (B13) and idle bookkeeping.
  void checkConnection(Session& session, TimeUs now);
  void destroySession(SteamId remote);
  void discardUnread(SteamId remote, const int* channel);
  void rememberFinWait(const Connection& connection, TimeUs now);
  const FinWait* findFinWait(SteamId remote, std::uint32_t local_id, std::uint32_t remote_id,
                             TimeUs now);
  void replyTo(const wire::PacketHeader& header, wire::PacketType type, int reason,
               const std::string& debug);
  void postSignal(PendingSignal signal);
  /// Queues a message of `size` bytes from `from` on its channel, payload left empty for
  /// the caller to fill. \return it, or null if it is not taken (no session, cap reached).
  Message* admitMessage(SteamId from, std::uint64_t message_number, std::int32_t channel,
                        std::size_t size, bool reliable, TimeUs now);
  ConnectionInfo connectionInfo(const Session& session) const;

  World& world_;
  SteamId steam_id_;
  std::shared_ptr<UdpEndpoint> endpoint_;
  Rng id_rng_;
  std::unordered_map<SteamId, std::unique_ptr<Session>> sessions_;
  std::map<int, MessageQueue> channels_;
  // One-entry caches of the lookups every message makes.
  SteamId last_remote_ = 0;
  Session* last_session_ = nullptr;
  int last_channel_ = 0;
  MessageQueue* last_queue_ = nullptr;
  std::size_t unread_bytes_ = 0;
  RecentLinks recent_links_;
  std::deque<PendingSignal> signals_;
  std::vector<FinWait> fin_wait_;
  PeerCounters counters_;
};

}  // namespace steamsim::detail
