#include "world.hpp"

#include <stdexcept>
#include <thread>

#include "realtime_driver.hpp"

namespace steamsim::detail {

namespace {

std::uint64_t addressKey(const SocketAddress& a) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::uint8_t b : a.ip) h = (h ^ b) * 0x100000001b3ULL;
  h = (h ^ a.port) * 0x100000001b3ULL;
  return h ^ (a.v6 ? 1U : 0U);
}

std::string joinErrors(const std::vector<std::string>& errors) {
  std::string out;
  for (const std::string& e : errors) out += (out.empty() ? "" : "; ") + e;
  return out;
}

// Folds one 64-bit field into the trace hash (multiply-xorshift; order-sensitive).
inline void mixField(std::uint64_t& h, std::uint64_t v) {
  h = (h ^ v) * 0x100000001b3ULL;
  h ^= h >> 29U;
}

constexpr std::chrono::milliseconds kKernelWait{250};

// What a datagram we built carries, for TraceEvent::packet_content (only computed when
// traced; our own datagrams need no checksum check).
std::uint8_t packetContent(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < wire::kHeaderSize) return 0;
  const auto flags = static_cast<std::uint16_t>(datagram[6] | (datagram[7] << 8U));
  std::uint8_t content = (flags & wire::kFlagAckNow) != 0 ? kPacketPing : 0;
  wire::FrameReader reader(datagram.subspan(wire::kHeaderSize));
  wire::Frame frame;
  while (reader.next(frame)) {
    if (frame.type == wire::FrameType::Ack) content |= kPacketAcks;
    if (frame.type == wire::FrameType::ReliableSegment ||
        frame.type == wire::FrameType::Unreliable ||
        frame.type == wire::FrameType::UnreliableFragment) {
      content |= kPacketMessages;
    }
  }
  return content;
}  // our own datagram not yet readable

}  // namespace

// ---------------------------------------------------------------------------------------
// Links

World::Link::Link(World& w, SteamId f, SteamId t)
    : world(w), from(f), to(t), impairment(w.config_.seed, f, t), id(w.scheduler_.add(this)) {
  impairment.setConditions(w.default_conditions_);
}

World::Link::~Link() {
  world.scheduler_.remove(id);
}

void World::Link::act(TimeUs now, std::uint64_t token) {
  world.deliver(*this, static_cast<std::uint32_t>(token), now);
}

void World::ActionQueue::act(TimeUs /*now*/, std::uint64_t token) {
  auto it = pending.find(token);
  if (it == pending.end()) return;
  world.ready_actions_.push_back(std::move(it->second));
  pending.erase(it);
}

World::World(NetworkConfig config) : config_(std::move(config)) {
  const std::vector<std::string> errors = config_.validate();
  if (!errors.empty()) throw std::invalid_argument("invalid NetworkConfig: " + joinErrors(errors));
  actions_ = std::make_unique<ActionQueue>(*this);
  actions_->id = scheduler_.add(actions_.get());
  if (realTime()) driver_ = std::make_unique<RealTimeDriver>(*this);
}

World::~World() {
  driver_.reset();  // stop the thread before anything it touches goes away
  links_.clear();
  for (auto& slot : peers_) slot->core.reset();
}

World::Link& World::linkFor(SteamId from, SteamId to) {
  auto& link = links_[{from, to}];
  if (!link) link = std::make_unique<Link>(*this, from, to);
  return *link;
}

bool World::partitioned(SteamId from, SteamId to) const {
  if (partition_group_.empty()) return false;
  auto a = partition_group_.find(from);
  auto b = partition_group_.find(to);
  return a != partition_group_.end() && b != partition_group_.end() && a->second != b->second;
}

void World::setDefaultLink(const LinkConditions& conditions) {
  const auto errors = conditions.validate();
  if (!errors.empty()) throw std::invalid_argument("invalid LinkConditions: " + joinErrors(errors));
  default_conditions_ = conditions;
  for (auto& [key, link] : links_) {
    if (!link->own_conditions) link->impairment.setConditions(conditions);
  }
  trace(TraceKind::PeerEvent, 0, 0, 0, 0, "default_link");
}

void World::setLink(SteamId from, SteamId to, const LinkConditions& conditions) {
  const auto errors = conditions.validate();
  if (!errors.empty()) throw std::invalid_argument("invalid LinkConditions: " + joinErrors(errors));
  Link& link = linkFor(from, to);
  link.own_conditions = true;
  link.impairment.setConditions(conditions);
  trace(TraceKind::PeerEvent, from, to, 0, 0, "set_link");
}

void World::clearLink(SteamId from, SteamId to) {
  auto it = links_.find({from, to});
  if (it == links_.end()) return;
  it->second->own_conditions = false;
  it->second->impairment.setConditions(default_conditions_);
  trace(TraceKind::PeerEvent, from, to, 0, 0, "clear_link");
}

LinkConditions World::link(SteamId from, SteamId to) const {
  auto it = links_.find({from, to});
  return it == links_.end() ? default_conditions_ : it->second->impairment.conditions();
}

LinkCounters World::linkCounters(SteamId from, SteamId to) const {
  auto it = links_.find({from, to});
  return it == links_.end() ? LinkCounters{} : it->second->impairment.counters();
}

void World::partition(const std::vector<std::vector<SteamId>>& groups) {
  partition_group_.clear();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (SteamId id : groups[g]) partition_group_[id] = static_cast<int>(g);
  }
  trace(TraceKind::PeerEvent, 0, 0, 0, static_cast<std::int64_t>(groups.size()), "partition");
}

void World::heal() {
  partition_group_.clear();
  trace(TraceKind::PeerEvent, 0, 0, 0, 0, "heal");
}

// ---------------------------------------------------------------------------------------
// Peers

std::uint16_t World::portFor(SteamId steam_id) const {
  if (config_.bind_port == 0) return 0;
  auto it = peer_index_.find(steam_id);
  const std::size_t index = it != peer_index_.end() ? it->second->index : peers_.size();
  return static_cast<std::uint16_t>(config_.bind_port + index);
}

Peer& World::addPeer(SteamId steam_id) {
  if (steam_id == 0) throw std::invalid_argument("addPeer: Steam ID 0 is invalid");
  if (peer_index_.count(steam_id) != 0) {
    throw std::invalid_argument("addPeer: Steam ID " + std::to_string(steam_id) +
                                " is already in this network");
  }
  auto slot = std::make_unique<PeerSlot>();
  slot->index = peers_.size();
  slot->core = std::make_unique<PeerCore>(*this, steam_id, 0);  // may throw: nothing changed yet
  slot->api.reset(new Peer(*this, steam_id));
  PeerSlot& ref = *slot;
  peers_.push_back(std::move(slot));
  peer_index_[steam_id] = &ref;
  indexAddress(ref);
  trace(TraceKind::PeerEvent, steam_id, 0, 0, 0, "add_peer");  // ports differ run to run
  return *ref.api;
}

void World::indexAddress(PeerSlot& slot) {
  address_index_[addressKey(slot.core->endpoint().localAddress())] = slot.core->steamId();
}

Peer* World::peer(SteamId steam_id) {
  auto it = peer_index_.find(steam_id);
  return it == peer_index_.end() ? nullptr : it->second->api.get();
}

PeerCore* World::core(SteamId steam_id) {
  auto it = peer_index_.find(steam_id);
  return it == peer_index_.end() ? nullptr : it->second->core.get();
}

std::vector<SteamId> World::peerIds() const {
  std::vector<SteamId> ids;
  ids.reserve(peers_.size());
  for (const auto& slot : peers_) ids.push_back(slot->api->steamId());
  return ids;
}

const SocketAddress* World::addressOf(SteamId steam_id) const {
  auto it = peer_index_.find(steam_id);
  if (it == peer_index_.end() || !it->second->core) return nullptr;
  return &it->second->core->endpoint().localAddress();
}

void World::crash(SteamId steam_id) {
  auto it = peer_index_.find(steam_id);
  if (it == peer_index_.end())
    throw std::out_of_range("crash: no peer " + std::to_string(steam_id));
  PeerSlot& slot = *it->second;
  if (!slot.core) return;
  address_index_.erase(addressKey(slot.core->endpoint().localAddress()));
  slot.core.reset();  // closes the socket, drops sessions, queues and signals
  slot.expected_datagrams = 0;
  std::erase(signal_peers_, steam_id);
  trace(TraceKind::PeerEvent, steam_id, 0, 0, 0, "crash");
}

void World::restart(SteamId steam_id) {
  auto it = peer_index_.find(steam_id);
  if (it == peer_index_.end()) {
    throw std::out_of_range("restart: no peer " + std::to_string(steam_id));
  }
  PeerSlot& slot = *it->second;
  if (slot.core) return;
  slot.core = std::make_unique<PeerCore>(*this, steam_id, ++slot.incarnation);
  indexAddress(slot);
  trace(TraceKind::PeerEvent, steam_id, 0, 0, 0, "restart");
}

// ---------------------------------------------------------------------------------------
// Datagrams

void World::emit(SteamId from, SteamId to, std::span<const std::uint8_t> datagram) {
  const auto bytes = static_cast<std::uint32_t>(datagram.size());
  const std::int64_t type = datagram.size() > 5 ? datagram[5] : 0;
  const std::uint64_t outer_packet_id = trace_packet_id_;  // emitted while handling another
  const std::uint8_t outer_content = trace_packet_content_;
  trace_packet_id_ = ++next_packet_id_;
  trace_packet_content_ = (trace_sink_ || config_.record_trace) ? packetContent(datagram) : 0;
  trace(TraceKind::DatagramSent, from, to, bytes, type, "sent");
  Link& link = linkFor(from, to);
  const ImpairmentVerdict verdict =
      link.impairment.apply(now_, datagram.size(), partitioned(from, to));
  if (verdict.drop != ImpairmentVerdict::Drop::None) {
    trace(TraceKind::DatagramDropped, from, to, bytes, static_cast<std::int64_t>(verdict.drop),
          toString(verdict.drop));
    trace_packet_id_ = outer_packet_id;
    trace_packet_content_ = outer_content;
    return;
  }
  for (int i = 0; i < verdict.copies; ++i) {
    const ImpairmentVerdict::Copy& copy = verdict.copy[static_cast<std::size_t>(i)];
    const std::uint32_t slot = pool_.acquire(datagram);
    pool_[slot].packet_id = trace_packet_id_;
    pool_[slot].packet_content = trace_packet_content_;
    if (copy.corrupt_bit >= 0) {
      auto& b = pool_[slot];
      const auto bit = static_cast<std::uint32_t>(copy.corrupt_bit);
      if (bit / 8 < b.size) b.bytes[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
      trace(TraceKind::DatagramCorrupted, from, to, bytes, copy.corrupt_bit, "corrupted");
    }
    trace(i == 0 ? TraceKind::DatagramDelayed : TraceKind::DatagramDuplicated, from, to, bytes,
          copy.deliver_at - now_,
          i == 0 ? (copy.reordered ? "reordered" : "delayed") : "duplicate");
    scheduler_.schedule(std::max(copy.deliver_at, now_), link.id, slot);
  }
  trace_packet_id_ = outer_packet_id;
  trace_packet_content_ = outer_content;
}

void World::deliver(Link& link, std::uint32_t slot_index, TimeUs now) {
  DatagramPool::Slot& slot = pool_[slot_index];
  const std::span<const std::uint8_t> bytes(slot.bytes.data(), slot.size);
  auto src = peer_index_.find(link.from);
  auto dst = peer_index_.find(link.to);
  const bool reachable = src != peer_index_.end() && src->second->core &&
                         dst != peer_index_.end() && dst->second->core;
  const std::uint64_t packet_id = slot.packet_id;
  trace_packet_id_ = packet_id;
  trace_packet_content_ = slot.packet_content;
  if (!reachable ||
      !src->second->core->endpoint().sendTo(dst->second->core->endpoint().localAddress(), bytes)) {
    ++link.impairment.counters().undeliverable;
    trace(TraceKind::DatagramDropped, link.from, link.to, slot.size, -1, "undeliverable");
    trace_packet_id_ = 0;
    trace_packet_content_ = 0;
    pool_.release(slot_index);
    return;
  }
  if (capture_) {
    capture(packet_id, src->second->core->endpoint().localAddress(),
            dst->second->core->endpoint().localAddress(), bytes);
  }
  ++link.impairment.counters().delivered;
  link.impairment.counters().delivered_bytes += slot.size;
  ++counters_.datagrams;
  trace(TraceKind::DatagramDelivered, link.from, link.to, slot.size, now, "delivered");
  const std::uint8_t content = slot.packet_content;
  pool_.release(slot_index);
  ++dst->second->expected_datagrams;
  drain(*dst->second, packet_id, content);
  trace_packet_id_ = 0;
  trace_packet_content_ = 0;
}

void World::capture(std::uint64_t packet_id, const SocketAddress& source,
                    const SocketAddress& destination, std::span<const std::uint8_t> bytes) {
  CapturedDatagram d;
  d.time_us = now_;
  d.packet_id = packet_id;
  d.source = {source.ip, source.port, source.v6};
  d.destination = {destination.ip, destination.port, destination.v6};
  d.bytes = bytes;
  capture_->datagram(d);
}

void World::drain(PeerSlot& destination, std::uint64_t packet_id, std::uint8_t content) {
  // Read back what we wrote (and anything else waiting before it), in arrival order.
  while (destination.core && destination.expected_datagrams > 0) {
    UdpEndpoint& endpoint = destination.core->endpoint();
    auto received = endpoint.tryReceive(receive_buffer_);
    if (!received) {
      if (!endpoint.waitReadable(kKernelWait)) {
        counters_.kernel_lost += destination.expected_datagrams;  // the kernel dropped it
        destination.expected_datagrams = 0;
      }
      continue;
    }
    const std::size_t size = std::min(received->size, receive_buffer_.size());
    counters_.socket_bytes_read += size;
    const std::span<const std::uint8_t> bytes(receive_buffer_.data(), size);
    if (address_index_.count(addressKey(received->from)) != 0) {
      --destination.expected_datagrams;
      trace_packet_id_ = packet_id;  // ours: the one just written
      trace_packet_content_ = content;
    } else {
      trace_packet_id_ = 0;  // a stranger's
      trace_packet_content_ = 0;
      if (capture_) capture(0, received->from, endpoint.localAddress(), bytes);
    }
    destination.core->onDatagram(bytes, received->from);
  }
}

// ---------------------------------------------------------------------------------------
// Trace

void World::trace(TraceKind kind, SteamId from, SteamId to, std::uint32_t bytes, std::int64_t value,
                  const char* name, const std::string* extra) {
  std::uint64_t h = trace_hash_;
  mixField(h, static_cast<std::uint64_t>(now_));
  mixField(h, static_cast<std::uint64_t>(kind));
  mixField(h, from);
  mixField(h, to);
  mixField(h, bytes);
  mixField(h, static_cast<std::uint64_t>(value));
  for (const char* p = name; *p != '\0'; ++p)
    h = (h ^ static_cast<std::uint8_t>(*p)) * 0x100000001b3ULL;
  if (extra != nullptr) {
    for (char c : *extra) h = (h ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ULL;
  }
  trace_hash_ = h;
  std::uint64_t message_id = 0;
  if (kind == TraceKind::ApiCall) std::swap(message_id, note_message_id_);
  if (!trace_sink_ && !config_.record_trace) return;
  TraceEvent event{now_, kind, from, to, bytes, value, name};
  if (extra != nullptr && !extra->empty()) event.detail += " " + *extra;
  event.packet_id = trace_packet_id_;
  event.message_id = message_id;
  if (kind <= TraceKind::DatagramRejected) event.packet_content = trace_packet_content_;
  if (config_.record_trace) recorded_.push_back(event);
  if (trace_sink_) trace_sink_(event);
}

void World::observe(TraceKind kind, SteamId from, SteamId to, std::uint32_t bytes,
                    std::int64_t value, const char* name, std::uint64_t message_id) {
  if (!trace_sink_ && !config_.record_trace) return;
  TraceEvent event{now_, kind, from, to, bytes, value, name};
  event.packet_id = trace_packet_id_;
  event.message_id = message_id;
  if (config_.record_trace) recorded_.push_back(event);
  if (trace_sink_) trace_sink_(event);
}

void World::setTraceSink(std::function<void(const TraceEvent&)> sink) {
  trace_sink_ = std::move(sink);
}

NetworkCounters World::counters() const {
  NetworkCounters c = counters_;
  c.events = scheduler_.eventsRun();
  return c;
}

// ---------------------------------------------------------------------------------------
// Running

void World::notePendingSignals(SteamId steam_id) {
  if (std::find(signal_peers_.begin(), signal_peers_.end(), steam_id) == signal_peers_.end()) {
    signal_peers_.push_back(steam_id);
  }
}

void World::schedule(TimeUs at, std::function<void()> action) {
  const std::uint64_t token = actions_->next_token++;
  actions_->pending.emplace(token, std::move(action));
  scheduler_.schedule(std::max(at, now_), actions_->id, token);
}

void World::runDue(TimeUs until) {
  TimeUs event_time = 0;
  while (scheduler_.runOne(until, event_time)) {
  }
}

void World::runCallbacks(SteamId steam_id) {
  std::deque<PendingSignal> signals;
  Peer* api = nullptr;
  {
    std::lock_guard lock(mutex_);
    PeerCore* c = core(steam_id);
    if (c == nullptr) return;
    signals = c->takeSignals();
    std::erase(signal_peers_, steam_id);
    api = peer(steam_id);
  }
  for (const PendingSignal& signal : signals) {
    if (const auto* failed = std::get_if<SessionFailed>(&signal)) {
      api->emitSessionFailedSignal(*failed);
    } else {
      api->emitSessionRequestSignal(std::get<SteamId>(signal));
    }
  }
}

void World::runReadyWork() {
  for (;;) {
    std::vector<std::function<void()>> actions;
    std::vector<SteamId> signal_peers;
    {
      std::lock_guard lock(mutex_);
      actions.swap(ready_actions_);
      if (config_.embed_callbacks) signal_peers = signal_peers_;
    }
    if (actions.empty() && signal_peers.empty()) return;
    for (auto& action : actions) action();
    for (SteamId id : signal_peers) runCallbacks(id);
  }
}

bool World::stepVirtual(TimeUs limit) {
  std::unique_lock lock(mutex_);
  TimeUs event_time = 0;
  return scheduler_.runOne(limit, event_time);
}

void World::advance(TimeUs duration) {
  if (realTime()) {
    waitRealTime(duration, nullptr);
    return;
  }
  TimeUs target = 0;
  {
    std::lock_guard lock(mutex_);
    target = now_ + std::max<TimeUs>(duration, 0);
  }
  runReadyWork();
  while (stepVirtual(target)) runReadyWork();
  std::lock_guard lock(mutex_);
  now_ = std::max(now_, target);
}

bool World::runUntil(const std::function<bool()>& done, TimeUs timeout) {
  if (realTime()) {
    waitRealTime(timeout, &done);
    return done();
  }
  TimeUs deadline = 0;
  {
    std::lock_guard lock(mutex_);
    deadline = now_ + std::max<TimeUs>(timeout, 0);
  }
  runReadyWork();
  if (done()) return true;
  while (stepVirtual(deadline)) {
    runReadyWork();
    if (done()) return true;
  }
  std::lock_guard lock(mutex_);
  now_ = std::max(now_, deadline);
  return false;
}

void World::waitRealTime(TimeUs duration, const std::function<bool()>* done) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(duration);
  for (;;) {
    runReadyWork();
    if (done != nullptr && (*done)()) return;
    const auto now = std::chrono::steady_clock::now();
    if (now >= end) return;
    // Wake for new work, or every millisecond to re-check the predicate.
    std::unique_lock lock(mutex_);
    work_cv_.wait_until(lock, std::min(end, now + std::chrono::milliseconds(1)), [&] {
      return !ready_actions_.empty() || (config_.embed_callbacks && !signal_peers_.empty());
    });
  }
}

void World::syncClock() {
  if (driver_) setNow(driver_->wallNowUs());
}

void World::wakeDriver() {
  if (driver_) driver_->wake();
}

}  // namespace steamsim::detail
