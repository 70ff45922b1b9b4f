// SPDX-License-Identifier: MIT
#include "peer_core.hpp"

#include <algorithm>
#include <limits>

#include "world.hpp"

namespace steamsim::detail {

namespace {

constexpr TimeUs kFinWaitUs = 5'000'000;  // k_usecFinWaitTimeout
constexpr std::uint64_t kConnectionIdStream = 0xC0117EC7;

bool isSet(int flags, int bit) {
  return (flags & bit) != 0;
}

}  // namespace

PeerCore::PeerCore(World& world, SteamId steam_id, std::uint32_t incarnation)
    : world_(world),
      steam_id_(steam_id),
      endpoint_(
          std::make_shared<UdpEndpoint>(world.config().bind_address, world.portFor(steam_id))),
      id_rng_(Rng::forStream(world.config().seed ^ kConnectionIdStream, steam_id, incarnation)) {
  (void)endpoint_->receiveCoalesced();  // the network's read-back splits runs itself
}

PeerCore::~PeerCore() = default;

TimeUs PeerCore::now() const {
  return world_.nowUs();
}

const NetworkConfig& PeerCore::config() const {
  return world_.config();
}

Session* PeerCore::lookUpSession(SteamId remote) {
  auto it = sessions_.find(remote);
  if (it == sessions_.end()) return nullptr;
  last_remote_ = remote;
  last_session_ = it->second.get();
  return last_session_;
}

Session& PeerCore::newSession(SteamId remote) {
  auto& slot = sessions_[remote];
  slot = std::make_unique<Session>(*this, world_.scheduler(), remote);
  last_remote_ = remote;
  last_session_ = slot.get();
  return *slot;
}

MessageQueue& PeerCore::channelQueue(int channel) {
  if (last_queue_ == nullptr || channel != last_channel_) {
    last_queue_ = &channels_[channel];  // entries are never erased: the pointer stays valid
    last_channel_ = channel;
  }
  return *last_queue_;
}

std::uint32_t PeerCore::newConnectionId() {
  for (;;) {
    const auto id = static_cast<std::uint32_t>(id_rng_.next());
    if (id != 0) return id;
  }
}

void PeerCore::postSignal(PendingSignal signal) {
  if (const auto* failed = std::get_if<SessionFailed>(&signal)) {
    world_.trace(TraceKind::Signal, steam_id_, failed->remote_steam_id, 0, failed->reason,
                 "network_messages_session_failed", &failed->debug_message);
  } else {
    world_.trace(TraceKind::Signal, steam_id_, std::get<SteamId>(signal), 0, 0,
                 "network_messages_session_request");
  }
  signals_.push_back(std::move(signal));
  world_.notePendingSignals(steam_id_);
}

std::deque<PendingSignal> PeerCore::takeSignals() {
  std::deque<PendingSignal> out;
  out.swap(signals_);
  return out;
}

void PeerCore::startConnection(Session& s, bool outgoing, std::uint32_t remote_id) {
  const TimeUs t = now();
  s.failed = false;  // a new connection wipes the recorded failure
  s.connection = std::make_unique<Connection>(*this, steam_id_, s.remote, newConnectionId(), t);
  if (outgoing) {
    s.connection->startOutgoing(t);
  } else {
    s.connection->startIncoming(remote_id, t);
  }
  s.last_phase = s.connection->phase();
  s.markUsed(t, config().idle_timeout);
}

// ---------------------------------------------------------------------------------------
// API

Result PeerCore::sendMessageToUser(SteamId remote, std::span<const std::uint8_t> data, int flags,
                                   int channel) {
  if (remote == 0 || remote == steam_id_ ||
      data.size() > static_cast<std::size_t>(kMaxMessageSizeSend) ||
      (data.data() == nullptr && !data.empty())) {
    return Result::InvalidParam;
  }
  Session& s = session(remote);
  if (s.failed && !s.connection) {
    if (!isSet(flags, k_nSteamNetworkingSend_AutoRestartBrokenSession)) {
      return static_cast<Result>(config().broken_session_result);
    }
    s.failed = false;  // AutoRestartBrokenSession: wipe the failure and reconnect
  }
  if (!s.connection) {
    startConnection(s, true, 0);
  } else if (s.connection->awaitingAccept()) {
    s.connection->accept(now());  // sending to a peer that asked accepts implicitly
  }
  Connection& c = *s.connection;
  const TimeUs t = now();
  // A message queued behind data that is already due (or waiting for pacing) changes no
  // timer of the connection: the session's wake-up stays unless the idle deadline was it.
  // (Queueing keeps Due and Pacing as they are: it changes neither the pacing tokens nor
  // what made the data due.)
  const bool steady = c.phase() == Connection::Phase::Connected &&
                      s.last_phase == Connection::Phase::Connected &&
                      (flags & k_nSteamNetworkingSend_UseCurrentThread) == 0;
  const Connection::DataWait wait_before = steady ? c.dataWait() : Connection::DataWait::None;
  const TimeUs idle_before = s.idle_deadline;
  const Result result = c.send(data, flags, channel, t);
  if (result == Result::OK) {
    world_.noteMessageId(c.lastMessageNumber());
    s.markUsed(t, config().idle_timeout);
  }
  if (wait_before == Connection::DataWait::Due || wait_before == Connection::DataWait::Pacing) {
    s.rearmAfterSend(idle_before);  // still Connected: checkConnection has nothing to do
    return result;
  }
  checkConnection(s, t);  // resets a failed connection; the session stays
  s.rearm();
  return result;
}

bool PeerCore::acceptSessionWithUser(SteamId remote) {
  Session* s = findSession(remote);
  if (s == nullptr || !s->connection || !s->connection->isOpen()) return false;
  if (s->connection->awaitingAccept()) s->connection->accept(now());
  s->markUsed(now(), config().idle_timeout);
  checkConnection(*s, now());
  s->rearm();
  return true;
}

bool PeerCore::closeSessionWithUser(SteamId remote) {
  Session* s = findSession(remote);
  if (s == nullptr) return false;
  if (s->connection && s->connection->isOpen()) {
    s->connection->closeLocally(static_cast<int>(ConnectionEnd::P2PSessionClosed),
                                "CloseSessionWithUser", now());
    rememberFinWait(*s->connection, now());
  }
  destroySession(remote);
  return true;
}

bool PeerCore::closeChannelWithUser(SteamId remote, int channel) {
  Session* s = findSession(remote);
  if (s == nullptr || !s->closeChannel(channel)) return false;
  discardUnread(remote, &channel);
  if (s->open_channels.empty()) closeSessionWithUser(remote);
  return true;
}

ConnectionInfo PeerCore::connectionInfo(const Session& s) const {
  ConnectionInfo info;
  info.identity = s.remote;
  info.user_data = -1;
  info.listen_socket = 0;
  if (const SocketAddress* address = world_.addressOf(s.remote)) {
    info.remote_address = address->ipString();
  }
  std::uint32_t local_id = s.failed_local_id;
  if (s.connection) {
    info.connection_state = s.connection->apiState();
    info.end_reason = s.connection->endReason();
    info.end_debug = s.connection->endDebug();
    local_id = s.connection->localId();
  } else if (s.failed) {
    info.connection_state = s.failed_state;
    info.end_reason = s.failed_reason;
    info.end_debug = s.failed_debug;
  }
  std::string& description = info.debug_description;
  description.append("#").append(std::to_string(local_id));
  description.append(" P2P steamid:").append(std::to_string(s.remote)).append(" msg vport");
  info.info_flags = config().info_flags;
  return info;
}

SessionConnectionInfo PeerCore::getSessionConnectionInfo(SteamId remote, bool get_connection,
                                                         bool get_status) {
  SessionConnectionInfo out;
  if (get_connection) out.connection = ConnectionInfo{};
  if (get_status) out.status = RealTimeStatus{};
  Session* s = findSession(remote);
  if (s == nullptr || (!s->connection && !s->failed)) return out;  // None, all zero
  if (s->connection) {
    out.connection_state = s->connection->apiState();
    if (get_status) out.status = s->connection->status(now());
  } else {
    out.connection_state = s->failed_state;
    if (get_status) {
      out.status->state = s->failed_state;
      out.status->ping = -1;
      out.status->local_quality = -1.0F;
      out.status->remote_quality = -1.0F;
      out.status->send_rate = config().send_rate;
      out.status->queue_time = std::numeric_limits<std::int64_t>::max();
    }
  }
  if (get_connection) out.connection = connectionInfo(*s);
  return out;
}

std::vector<Message> PeerCore::receiveMessagesOnChannel(int channel, int max_messages) {
  std::vector<Message> out;
  if (max_messages <= 0) return out;
  auto it = channels_.find(channel);
  if (it == channels_.end()) return out;
  MessageQueue& queue = it->second;
  const std::size_t n = std::min(queue.size(), static_cast<std::size_t>(max_messages));
  out.reserve(n);
  unread_bytes_ -= queue.popInto(out, n);
  return out;
}

// ---------------------------------------------------------------------------------------
// Connection events

void PeerCore::checkConnection(Session& s, TimeUs t) {
  if (!s.connection) return;
  Connection& c = *s.connection;
  const Connection::Phase phase = c.phase();
  if (phase != s.last_phase) {
    // Entering Connecting or Connected counts as use of the session.
    if (phase == Connection::Phase::Connected) s.markUsed(t, config().idle_timeout);
    s.last_phase = phase;
  }
  if (c.isOpen()) return;
  if (phase == Connection::Phase::ClosedLocally) {
    s.connection.reset();
    return;
  }
  // The connection went to ClosedByPeer or ProblemDetectedLocally.
  if (phase == Connection::Phase::ProblemDetectedLocally) rememberFinWait(c, t);
  const bool was_idle = c.everConnected() && !c.endedWithPendingData();
  if (was_idle) {
    // Established and idle: reset silently; the next send reconnects (B13).
    s.failed = false;
  } else {
    s.failed = true;
    s.failed_state = c.apiState();
    s.failed_reason = c.endReason();
    s.failed_debug = c.endDebug();
    s.failed_local_id = c.localId();
    postSignal(SessionFailed{c.endReason(), s.remote, c.apiState(), c.endDebug()});
  }
  s.connection.reset();
}

void PeerCore::thinkSession(Session& s, TimeUs t) {
  const SteamId remote = s.remote;
  if (s.connection) {
    s.connection->think(t);
    checkConnection(s, t);
  }
  if (t >= s.idle_deadline) {
    if (s.connection && (s.connection->hasPartialMessage() || s.connection->hasUnackedReliable())) {
      s.idle_deadline = t + 1'000'000;  // busy: extend in 1 s steps
    } else {
      // Idle expiry: close with 1002, discard unread messages, no signal here.
      if (s.connection && s.connection->isOpen()) {
        s.connection->closeLocally(static_cast<int>(ConnectionEnd::P2PSessionIdleTimeout),
                                   "Session Idle Timeout", t);
        rememberFinWait(*s.connection, t);
      }
      destroySession(remote);
      return;
    }
  }
  s.rearm();
}

void PeerCore::destroySession(SteamId remote) {
  discardUnread(remote, nullptr);
  if (remote == last_remote_) last_session_ = nullptr;
  sessions_.erase(remote);
}

void PeerCore::discardUnread(SteamId remote, const int* channel) {
  auto discard = [&](MessageQueue& queue) {
    unread_bytes_ -= queue.removeIf([&](const Message& m) { return m.identity == remote; });
  };
  if (channel != nullptr) {
    auto it = channels_.find(*channel);
    if (it != channels_.end()) discard(it->second);
  } else {
    for (auto& [number, queue] : channels_) discard(queue);
  }
}

void PeerCore::rememberFinWait(const Connection& c, TimeUs t) {
  std::erase_if(fin_wait_, [&](const FinWait& f) { return f.expires <= t; });
  fin_wait_.push_back(
      FinWait{c.remote(), c.localId(), c.remoteId(), c.endReason(), c.endDebug(), t + kFinWaitUs});
}

const PeerCore::FinWait* PeerCore::findFinWait(SteamId remote, std::uint32_t local_id,
                                               std::uint32_t remote_id, TimeUs t) {
  for (const FinWait& f : fin_wait_) {
    if (f.expires <= t || f.remote != remote) continue;
    if ((local_id != 0 && f.local_id == local_id) || (remote_id != 0 && f.remote_id == remote_id)) {
      return &f;
    }
  }
  return nullptr;
}

void PeerCore::replyTo(const wire::PacketHeader& header, wire::PacketType type, int reason,
                       const std::string& debug) {
  std::array<std::uint8_t, wire::kMaxDatagram> buffer{};
  wire::PacketHeader reply;
  reply.type = type;
  reply.from = steam_id_;
  reply.to = header.from;
  reply.from_conn = header.to_conn;
  reply.to_conn = header.from_conn;
  const std::size_t size = wire::writeControlPacket(buffer, reply, reason, debug);
  sendDatagram(header.from, std::span<const std::uint8_t>(buffer.data(), size));
}

void PeerCore::onDatagram(std::span<const std::uint8_t> datagram, const SocketAddress& from,
                          bool own) {
  ++counters_.datagrams_received;
  wire::PacketHeader header;
  std::span<const std::uint8_t> frames;
  wire::ParsedFrames& parsed = world_.parsedFrames();
  const wire::DecodeError error = wire::decode(datagram, header, frames, &parsed);
  if (error != wire::DecodeError::None) {
    if (error == wire::DecodeError::BadChecksum) {
      ++counters_.rejected_checksum;
    } else {
      ++counters_.rejected_malformed;
    }
    world_.trace(TraceKind::DatagramRejected, 0, steam_id_,
                 static_cast<std::uint32_t>(datagram.size()), static_cast<std::int64_t>(error),
                 wire::toString(error));
    return;
  }
  // Written by this network, addressed to us, from a peer of this network, through that
  // peer's own socket.
  const SocketAddress* sender = world_.addressOf(header.from);
  if (!own || header.to != steam_id_ || header.from == steam_id_ || sender == nullptr ||
      !(*sender == from)) {
    ++counters_.rejected_foreign;
    world_.trace(TraceKind::DatagramRejected, header.from, steam_id_,
                 static_cast<std::uint32_t>(datagram.size()), 0, "foreign");
    return;
  }
  const TimeUs t = now();
  Session* s = findSession(header.from);
  Connection* c = (s != nullptr && s->connection) ? s->connection.get() : nullptr;

  if (header.type == wire::PacketType::ConnectRequest) {
    ++counters_.datagrams_accepted;
    if (c != nullptr &&
        (c->remoteId() == header.from_conn || c->phase() == Connection::Phase::Connecting)) {
      c->onConnectRequest(header, t);  // a retry, or both sides connecting at once (B5)
      checkConnection(*s, t);
      s->rearm();
      return;
    }
    if (const FinWait* f = findFinWait(header.from, 0, header.from_conn, t)) {
      replyTo(header, wire::PacketType::Close, f->reason, f->debug);  // that attempt is over
      return;
    }
    // A new connection attempt. If it replaces a live connection the app had accepted,
    // it is taken as accepted; otherwise the app is asked (B2).
    const bool accepted_before = c != nullptr && c->everConnected();
    if (c != nullptr) c->closeLocally(0, {}, t, true);
    Session& target = session(header.from);
    startConnection(target, false, header.from_conn);
    if (accepted_before) {
      target.connection->accept(t);
    } else {
      postSignal(header.from);
    }
    checkConnection(target, t);
    target.rearm();
    return;
  }

  const bool matches =
      c != nullptr &&
      (header.to_conn == c->localId() ||
       (header.to_conn == 0 && c->remoteId() != 0 && header.from_conn == c->remoteId()));
  if (!matches) {
    ++counters_.rejected_stale;
    if (header.type == wire::PacketType::Data) {
      if (const FinWait* f = findFinWait(header.from, header.to_conn, 0, t)) {
        replyTo(header, wire::PacketType::Close, f->reason, f->debug);
      } else {
        replyTo(header, wire::PacketType::NoConnection, 0, {});
      }
    }
    return;
  }
  ++counters_.datagrams_accepted;
  c->onPacket(header, frames, datagram.size(), t, &parsed);
  checkConnection(*s, t);
  s->rearm();
}

// ---------------------------------------------------------------------------------------
// ConnectionHost

void PeerCore::sendDatagram(SteamId to, std::span<const std::uint8_t> datagram) {
  world_.emit(steam_id_, to, datagram, recent_links_);
}

void PeerCore::deliverMessage(SteamId from, StreamMessage&& message, bool reliable, TimeUs t) {
  Message* m = admitMessage(from, message.message_number, message.channel, message.payload.size(),
                            reliable, t);
  if (m != nullptr) m->payload = std::move(message.payload);
}

void PeerCore::deliverUnreliable(SteamId from, std::uint64_t message_number, std::int32_t channel,
                                 std::span<const std::uint8_t> payload, TimeUs t) {
  Message* m = admitMessage(from, message_number, channel, payload.size(), false, t);
  if (m != nullptr) m->payload.assign(payload.begin(), payload.end());  // the one copy
}

Message* PeerCore::admitMessage(SteamId from, std::uint64_t message_number, std::int32_t channel,
                                std::size_t size, bool reliable, TimeUs t) {
  Session* s = findSession(from);
  if (s == nullptr) return nullptr;
  const std::size_t cap = config().max_unread_bytes;
  if (cap != 0 && unread_bytes_ + size > cap) {
    ++counters_.messages_dropped_cap;
    return nullptr;
  }
  world_.observe(TraceKind::MessageDelivered, from, steam_id_, static_cast<std::uint32_t>(size),
                 channel, reliable ? "reliable" : "unreliable", message_number);
  s->openChannel(channel);
  // Built in place in the channel's queue.
  Message& m = channelQueue(channel).emplace();
  m.size = static_cast<int>(size);
  m.connection = 0;
  m.identity = from;
  m.receiver_user_data = 0;
  m.time_received = t;
  m.message_number = static_cast<std::int64_t>(message_number);
  m.channel = channel;
  m.flags = reliable ? k_nSteamNetworkingSend_Reliable : 0;
  m.sender_user_data = 0;
  unread_bytes_ += size;
  ++counters_.messages_received;
  return &m;
}

void PeerCore::countRetransmission(SteamId remote, std::uint64_t offset, std::uint64_t bytes) {
  ++counters_.retransmissions;
  world_.observe(TraceKind::Retransmission, steam_id_, remote, static_cast<std::uint32_t>(bytes),
                 static_cast<std::int64_t>(offset), "lost");
}

void PeerCore::traceStateChange(SteamId remote, ConnectionState from, ConnectionState to,
                                int reason, const std::string& debug) {
  std::string detail(toString(from));
  detail.append(" -> ").append(toString(to));
  if (reason != 0) detail.append(" ").append(std::to_string(reason)).append(" ").append(debug);
  world_.trace(TraceKind::StateChange, steam_id_, remote, 0, static_cast<int>(to), "state",
               &detail);
}

}  // namespace steamsim::detail
