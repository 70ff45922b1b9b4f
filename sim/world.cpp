// SPDX-License-Identifier: MIT
#include "world.hpp"

#include <random>
#include <stdexcept>
#include <thread>

#include "realtime_driver.hpp"

namespace steamsim::detail {

namespace {

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

// Reading back a datagram of ours is bounded: at most kMaxWaits waits of kKernelWait for it
// to become readable, and at most kMaxForeignReads other datagrams read before it. Past
// either bound it counts as lost (a flood of foreign datagrams cannot stall the network).
constexpr std::chrono::milliseconds kKernelWait{250};
constexpr int kMaxWaits = 4;
constexpr int kMaxForeignReads = 1024;
// Room for one read: the largest datagram of ours plus one byte, so anything longer shows.
constexpr std::size_t kReadRoom = wire::kMaxDatagram + DatagramTag::kBytes + 1;

std::uint64_t randomNonce() {
  std::random_device device;
  std::uint64_t nonce = 0;
  while (nonce == 0) nonce = (std::uint64_t{device()} << 32U) ^ device();
  return nonce;
}

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
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Links

World::Link::Link(World& w, SteamId f, SteamId t)
    : world(w), from(f), to(t), impairment(w.config_.seed, f, t), id(w.scheduler_.add(this)) {
  impairment.setConditions(w.sharedConditions(f, t));
}

World::Link::~Link() {
  world.scheduler_.remove(id);
}

void World::Link::act(TimeUs /*now*/, std::uint64_t token) {
  world.deliver(*this, static_cast<std::uint32_t>(token));
}

void World::ActionQueue::act(TimeUs /*now*/, std::uint64_t token) {
  auto it = pending.find(token);
  if (it == pending.end()) return;
  world.ready_actions_.push_back(std::move(it->second));
  pending.erase(it);
}

World::World(NetworkConfig config) : config_(std::move(config)), nonce_(randomNonce()) {
  const std::vector<std::string> errors = config_.validate();
  if (!errors.empty()) throw std::invalid_argument("invalid NetworkConfig: " + joinErrors(errors));
  actions_ = std::make_unique<ActionQueue>(*this);
  actions_->id = scheduler_.add(actions_.get());
  updateTraceFlags();
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
    if (!link->own_conditions)
      link->impairment.setConditions(sharedConditions(key.first, key.second));
  }
  trace(TraceKind::PeerEvent, 0, 0, 0, 0, "default_link");
}

LinkConditions World::sharedConditions(SteamId from, SteamId to) const {
  return link_resolver_ ? link_resolver_(from, to) : default_conditions_;
}

void World::setLinkResolver(std::function<LinkConditions(SteamId, SteamId)> resolver) {
  link_resolver_ = std::move(resolver);
  refreshLinks();
}

void World::refreshLinks() {
  for (auto& [key, link] : links_) {
    if (link->own_conditions) continue;
    const LinkConditions conditions = sharedConditions(key.first, key.second);
    if (!(conditions == link->impairment.conditions())) link->impairment.setConditions(conditions);
  }
  trace(TraceKind::PeerEvent, 0, 0, 0, 0, "refresh_links");
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
  it->second->impairment.setConditions(sharedConditions(from, to));
  trace(TraceKind::PeerEvent, from, to, 0, 0, "clear_link");
}

LinkConditions World::link(SteamId from, SteamId to) const {
  auto it = links_.find({from, to});
  return it == links_.end() ? sharedConditions(from, to) : it->second->impairment.conditions();
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
  trace(TraceKind::PeerEvent, steam_id, 0, 0, 0, "add_peer");  // ports differ run to run
  return *ref.api;
}

Peer* World::peer(SteamId steam_id) {
  auto it = peer_index_.find(steam_id);
  return it == peer_index_.end() ? nullptr : it->second->api.get();
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
  slot.core.reset();  // closes the socket (once no transfer uses it), drops sessions, queues
  ++slot.generation;  // and signals; reads in transfer for the old socket are discarded
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

void World::deliver(Link& link, std::uint32_t slot_index) {
  auto src = peer_index_.find(link.from);
  auto dst = peer_index_.find(link.to);
  const bool reachable = src != peer_index_.end() && src->second->core &&
                         dst != peer_index_.end() && dst->second->core;
  if (!reachable) {
    ++link.impairment.counters().undeliverable;
    trace_packet_id_ = pool_[slot_index].packet_id;
    trace_packet_content_ = pool_[slot_index].packet_content;
    trace(TraceKind::DatagramDropped, link.from, link.to, pool_[slot_index].size, -1,
          "undeliverable");
    trace_packet_id_ = 0;
    trace_packet_content_ = 0;
    pool_.release(slot_index);
    return;
  }
  Transfer& t = transfers_.emplace_back();
  t.from = src->second->core->sharedEndpoint();
  t.to = dst->second->core->sharedEndpoint();
  t.to_address = t.to->localAddress();
  t.link = &link;
  t.destination = dst->second;
  t.generation = dst->second->generation;
  t.slot = slot_index;
  t.bytes = &pool_[slot_index];  // looked up here: the pool's index may change unlocked
}

bool World::runOneEvent(std::unique_lock<std::mutex>& lock, TimeUs limit) {
  TimeUs event_time = 0;
  if (!scheduler_.runOne(limit, event_time)) return false;
  if (!transfers_.empty()) transferQueued(lock);
  return true;
}

void World::transferQueued(std::unique_lock<std::mutex>& lock) {
  // Socket system calls run with the lock released; one thread at a time does them, so the
  // datagrams of ours on a socket are read back in the order they were written.
  io_busy_ = true;
  transferring_.swap(transfers_);
  lock.unlock();
  reads_.clear();
  read_used_ = 0;
  for (Transfer& t : transferring_) transfer(t);
  lock.lock();
  for (Transfer& t : transferring_) settle(t);
  transferring_.clear();
  io_busy_ = false;
  io_done_.notify_all();
}

void World::transfer(Transfer& t) {
  // The one place a datagram of this network is written to a socket.
  DatagramPool::Slot& slot = *t.bytes;  // slots never move; this one is ours until settled
  const std::uint32_t sequence = t.to->own_written + 1;
  DatagramTag{nonce_, sequence}.writeTo(slot.bytes.data() + slot.size);
  t.written = t.from->sendTo(
      t.to_address, std::span<const std::uint8_t>(slot.bytes.data(),
                                                  std::size_t{slot.size} + DatagramTag::kBytes));
  if (t.written) t.to->own_written = sequence;
  t.reads_begin = reads_.size();
  drain(*t.to, t);
  t.reads_end = reads_.size();
}

std::span<std::uint8_t> World::readSpace() {
  if (read_bytes_.size() < read_used_ + kReadRoom) {
    read_bytes_.resize(std::max(read_bytes_.size() * 2, read_used_ + kReadRoom));
  }
  return {read_bytes_.data() + read_used_, kReadRoom};
}

void World::drain(UdpEndpoint& endpoint, Transfer& t) {
  // The one place datagrams are read from a peer's socket: everything up to and including
  // the last datagram of ours written to it, in arrival order, bounded (see kMaxWaits).
  int waits = 0;
  int foreign = 0;
  while (endpoint.own_read != endpoint.own_written) {
    const std::span<std::uint8_t> space = readSpace();
    const auto received = endpoint.tryReceive(space);
    if (!received) {
      if (waits++ < kMaxWaits && endpoint.waitReadable(kKernelWait)) continue;
      break;  // ours never became readable: the kernel dropped it
    }
    ReadDatagram& read = reads_.emplace_back();
    read.offset = read_used_;
    read.size = std::min(received->size, space.size());
    read.from = received->from;
    read_used_ += read.size;
    DatagramTag tag;
    const auto bytes = space.first(read.size);
    // Ours: this network's nonce and a sequence number written to this socket and not yet
    // read back. A gap means the kernel dropped the ones in between.
    if (DatagramTag::readFrom(bytes, tag) && tag.nonce == nonce_ &&
        static_cast<std::int32_t>(tag.sequence - endpoint.own_read) > 0 &&
        static_cast<std::int32_t>(endpoint.own_written - tag.sequence) >= 0) {
      t.lost += tag.sequence - endpoint.own_read - 1;
      endpoint.own_read = tag.sequence;
      read.size -= DatagramTag::kBytes;
      read.own = true;
    } else if (++foreign >= kMaxForeignReads) {
      break;
    }
  }
  t.lost += endpoint.own_written - endpoint.own_read;  // given up on: counted as lost
  endpoint.own_read = endpoint.own_written;
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

void World::settle(Transfer& t) {
  Link& link = *t.link;
  const DatagramPool::Slot& slot = pool_[t.slot];
  const std::uint16_t size = slot.size;
  const std::uint64_t packet_id = slot.packet_id;
  const std::uint8_t content = slot.packet_content;
  if (capture_ && t.written) {
    capture(packet_id, t.from->localAddress(), t.to_address,
            std::span<const std::uint8_t>(slot.bytes.data(), size));
  }
  pool_.release(t.slot);
  trace_packet_id_ = packet_id;
  trace_packet_content_ = content;
  if (!t.written) {
    ++link.impairment.counters().undeliverable;
    trace(TraceKind::DatagramDropped, link.from, link.to, size, -1, "undeliverable");
  } else {
    ++link.impairment.counters().delivered;
    link.impairment.counters().delivered_bytes += size;
    ++counters_.datagrams;
    trace(TraceKind::DatagramDelivered, link.from, link.to, size, now_, "delivered");
  }
  PeerSlot& destination = *t.destination;
  const bool same_socket = destination.core && destination.generation == t.generation;
  for (std::size_t i = t.reads_begin; i < t.reads_end && same_socket; ++i) {
    const ReadDatagram& read = reads_[i];
    counters_.socket_bytes_read += read.size;
    const std::span<const std::uint8_t> bytes(read_bytes_.data() + read.offset, read.size);
    trace_packet_id_ = read.own ? packet_id : 0;  // ours is the one just written
    trace_packet_content_ = read.own ? content : 0;
    if (capture_ && !read.own) capture(0, read.from, t.to_address, bytes);  // a stranger's
    destination.core->onDatagram(bytes, read.from, read.own);
  }
  trace_packet_id_ = 0;
  trace_packet_content_ = 0;
  if (t.lost != 0) {
    counters_.kernel_lost += t.lost;
    trace(TraceKind::DatagramDropped, 0, link.to, 0, t.lost, "kernel_lost");
  }
}

// ---------------------------------------------------------------------------------------
// Trace

void World::traceEvent(TraceKind kind, SteamId from, SteamId to, std::uint32_t bytes,
                       std::int64_t value, const char* name, const std::string* extra) {
  if (!realTime()) hashTraceEvent(kind, from, to, bytes, value, name, extra);
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

void World::observeEvent(TraceKind kind, SteamId from, SteamId to, std::uint32_t bytes,
                         std::int64_t value, const char* name, std::uint64_t message_id) {
  TraceEvent event{now_, kind, from, to, bytes, value, name};
  event.packet_id = trace_packet_id_;
  event.message_id = message_id;
  if (config_.record_trace) recorded_.push_back(event);
  if (trace_sink_) trace_sink_(event);
}

void World::hashTraceEvent(TraceKind kind, SteamId from, SteamId to, std::uint32_t bytes,
                           std::int64_t value, const char* name, const std::string* extra) {
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
}

void World::setTraceSink(std::function<void(const TraceEvent&)> sink) {
  trace_sink_ = std::move(sink);
  updateTraceFlags();
}

void World::updateTraceFlags() {
  watched_ = trace_sink_ || config_.record_trace;
  untraced_ = realTime() && !watched_;
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

bool World::runDue(std::unique_lock<std::mutex>& lock, TimeUs until) {
  if (io_busy_) return false;  // that thread runs what is due once its I/O is settled
  bool ran = false;
  while (runOneEvent(lock, until)) ran = true;
  return ran;
}

void World::runDueForCaller(std::unique_lock<std::mutex>& lock) {
  if (!driver_) return;
  last_caller_run_ = now_;
  if (runDue(lock, now_) && (!ready_actions_.empty() || !signal_peers_.empty())) notifyWork();
}

void World::runCallbacks(SteamId steam_id) {
  const std::shared_ptr<World> keep = shared_from_this();  // a handler may destroy the Network
  std::deque<PendingSignal> signals;
  Peer* api = nullptr;
  {
    std::unique_lock lock(mutex_);
    syncClock();
    runDueForCaller(lock);
    PeerCore* c = core(steam_id);
    if (c == nullptr) return;
    signals = c->takeSignals();
    std::erase(signal_peers_, steam_id);
    api = peer(steam_id);
  }
  for (const PendingSignal& signal : signals) {
    if (closed_) return;
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
    for (auto& action : actions) {
      if (closed_) return;
      action();
    }
    for (SteamId id : signal_peers) {
      if (closed_) return;
      runCallbacks(id);
    }
  }
}

bool World::stepVirtual(TimeUs limit) {
  std::unique_lock lock(mutex_);
  io_done_.wait(lock, [this] { return !io_busy_; });  // another thread's event is not over
  return runOneEvent(lock, limit);
}

void World::advance(TimeUs duration) {
  if (realTime()) {
    waitRealTime(duration, nullptr);
    return;
  }
  TimeUs target = 0;
  {
    std::lock_guard lock(mutex_);
    target = timeAfter(now_, duration);
  }
  runReadyWork();
  while (!closed_ && stepVirtual(target)) runReadyWork();
  if (closed_) return;
  std::lock_guard lock(mutex_);
  now_ = std::max(now_, target);
}

bool World::runUntil(const std::function<bool()>& done, TimeUs timeout) {
  if (realTime()) {
    waitRealTime(timeout, &done);
    return !closed_ && done();
  }
  TimeUs deadline = 0;
  {
    std::lock_guard lock(mutex_);
    deadline = timeAfter(now_, timeout);
  }
  runReadyWork();
  if (closed_) return false;
  if (done()) return true;
  while (stepVirtual(deadline)) {
    runReadyWork();
    if (closed_) return false;
    if (done()) return true;
  }
  std::lock_guard lock(mutex_);
  now_ = std::max(now_, deadline);
  return false;
}

void World::waitRealTime(TimeUs duration, const std::function<bool()>* done) {
  const auto start = std::chrono::steady_clock::now();
  const auto room = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::time_point::max() - start);
  const auto end = std::chrono::microseconds(duration) >= room
                       ? std::chrono::steady_clock::time_point::max()
                       : start + std::chrono::microseconds(std::max<TimeUs>(duration, 0));
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      syncClock();
      runDueForCaller(lock);  // this thread drives the network while it waits
    }
    runReadyWork();
    if (closed_) return;
    if (done != nullptr && (*done)()) return;
    const auto now = std::chrono::steady_clock::now();
    if (now >= end) return;
    // Wake for new work, for the next event (this thread runs it), or every millisecond to
    // re-check the predicate.
    std::unique_lock lock(mutex_);
    auto until = std::min(end, now + std::chrono::milliseconds(1));
    const TimeUs next = scheduler_.nextTime();
    if (next != kNever) until = std::min(until, driver_->wallTime(next));
    work_cv_.wait_until(lock, until, [&] {
      return !ready_actions_.empty() || (config_.embed_callbacks && !signal_peers_.empty());
    });
  }
}

void World::syncClock() {
  if (driver_) setNow(driver_->wallNowUs());
}

void World::wakeDriver() {
  if (driver_) driver_->wake(scheduler_.nextTime(), now_);
}

}  // namespace steamsim::detail
