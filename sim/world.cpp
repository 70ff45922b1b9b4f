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
// Room for one read: a whole UDP datagram, or a whole run sent as one segmented send (by us,
// at most kMaxSegmentedSendBytes, or by another program), so every datagram in a read is
// seen and counted. The buffers are not zeroed: only what the kernel writes is touched.
constexpr std::size_t kReadRoom = 65536;
static_assert(kReadRoom > UdpEndpoint::kMaxSegmentedSendBytes &&
              kReadRoom > wire::kMaxDatagram + DatagramTag::kBytes);
// At most this many datagrams are written to one socket before they are read back: they
// must all fit its kernel receive buffer (Linux's default cap, rmem_max 208 KiB, takes
// about 90 full-size datagrams), or the kernel would drop some. The rest wait for the next
// write pass.
constexpr std::uint32_t kMaxWritesPerSocket = 64;

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

/// A directed link: its impairment, and the actor delivering its datagrams when due. Links
/// live as long as the world, so peers may keep pointers to them.
struct WorldLink final : Actor {
  WorldLink(World& w, SteamId f, SteamId t)
      : world(w), from(f), to(t), impairment(w.config_.seed, f, t), id(w.scheduler_.add(this)) {
    impairment.setConditions(w.sharedConditions(f, t));
  }
  ~WorldLink() override { world.scheduler_.remove(id); }
  WorldLink(const WorldLink&) = delete;
  WorldLink& operator=(const WorldLink&) = delete;
  void act(TimeUs /*now*/, std::uint64_t token) override {
    world.deliver(*this, static_cast<std::uint32_t>(token));
  }

  World& world;
  SteamId from;
  SteamId to;
  LinkImpairment impairment;
  bool own_conditions = false;
  ActorId id;
  // The peers at either end, found at the first delivery (peer slots are never removed).
  World::PeerSlot* from_slot = nullptr;
  World::PeerSlot* to_slot = nullptr;
};

std::uint64_t World::ActionQueue::add(std::function<void()> action) {
  std::uint32_t slot = 0;
  if (!free_slots.empty()) {
    slot = free_slots.back();
    free_slots.pop_back();
    pending[slot] = std::move(action);
  } else {
    slot = static_cast<std::uint32_t>(pending.size());
    pending.push_back(std::move(action));
  }
  return slot;
}

void World::ActionQueue::act(TimeUs /*now*/, std::uint64_t token) {
  if (token >= pending.size()) return;
  world.ready_actions_.push_back(std::move(pending[token]));
  pending[token] = nullptr;
  free_slots.push_back(static_cast<std::uint32_t>(token));
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
  const PeerSlot* slot = slotOf(steam_id);
  const std::size_t index = slot != nullptr ? slot->index : peers_.size();
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
  PeerSlot* slot = slotOf(steam_id);
  return slot != nullptr ? slot->api.get() : nullptr;
}

std::vector<SteamId> World::peerIds() const {
  std::vector<SteamId> ids;
  ids.reserve(peers_.size());
  for (const auto& slot : peers_) ids.push_back(slot->api->steamId());
  return ids;
}

const SocketAddress* World::addressOf(SteamId steam_id) const {
  const PeerSlot* slot = slotOf(steam_id);
  if (slot == nullptr || !slot->core) return nullptr;
  return &slot->core->endpoint().localAddress();
}

void World::crash(SteamId steam_id) {
  PeerSlot* found = slotOf(steam_id);
  if (found == nullptr) throw std::out_of_range("crash: no peer " + std::to_string(steam_id));
  PeerSlot& slot = *found;
  if (!slot.core) return;
  slot.core.reset();  // closes the socket (once no transfer uses it), drops sessions, queues
  ++slot.generation;  // and signals; reads in transfer for the old socket are discarded
  std::erase(signal_peers_, steam_id);
  trace(TraceKind::PeerEvent, steam_id, 0, 0, 0, "crash");
}

void World::restart(SteamId steam_id) {
  PeerSlot* found = slotOf(steam_id);
  if (found == nullptr) throw std::out_of_range("restart: no peer " + std::to_string(steam_id));
  PeerSlot& slot = *found;
  if (slot.core) return;
  slot.core = std::make_unique<PeerCore>(*this, steam_id, ++slot.incarnation);
  trace(TraceKind::PeerEvent, steam_id, 0, 0, 0, "restart");
}

// ---------------------------------------------------------------------------------------
// Datagrams

void World::emit(SteamId from, SteamId to, std::span<const std::uint8_t> datagram,
                 RecentLinks& recent) {
  const auto bytes = static_cast<std::uint32_t>(datagram.size());
  const std::int64_t type = datagram.size() > 5 ? datagram[5] : 0;
  const std::uint64_t outer_packet_id = trace_packet_id_;  // emitted while handling another
  const std::uint8_t outer_content = trace_packet_content_;
  trace_packet_id_ = ++next_packet_id_;
  trace_packet_content_ = (trace_sink_ || config_.record_trace) ? packetContent(datagram) : 0;
  trace(TraceKind::DatagramSent, from, to, bytes, type, "sent");
  auto& links = recent.links;
  if (links[0] == nullptr || links[0]->to != to || links[0]->from != from) {
    Link* found = links[1] != nullptr && links[1]->to == to && links[1]->from == from
                      ? links[1]
                      : &linkFor(from, to);
    links[1] = links[0];
    links[0] = found;
  }
  Link& link = *links[0];
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
    const auto [source, target] = endsOf(link);
    if (source != nullptr && target != nullptr && source->core && target->core) {
      queueWrite(slot, link, *source, *target);
    }
    scheduler_.schedule(std::max(copy.deliver_at, now_), link.id, slot);
  }
  trace_packet_id_ = outer_packet_id;
  trace_packet_content_ = outer_content;
}

std::pair<World::PeerSlot*, World::PeerSlot*> World::endsOf(Link& link) {
  if (link.from_slot == nullptr) link.from_slot = slotOf(link.from);
  if (link.to_slot == nullptr) link.to_slot = slotOf(link.to);
  return {link.from_slot, link.to_slot};
}

void World::queueWrite(std::uint32_t slot_index, Link& link, const PeerSlot& source,
                       const PeerSlot& target) {
  DatagramPool::Slot& slot = pool_[slot_index];
  slot.source_generation = source.generation;
  slot.target_generation = target.generation;
  if (slot.copy == DatagramPool::Slot::Copy::Queued && slot.write_id != 0) return;
  slot.copy = DatagramPool::Slot::Copy::Queued;
  slot.write_id = ++next_write_id_;
  writes_.push_back(PendingWrite{slot_index, slot.write_id, &link});
}

void World::deliver(Link& link, std::uint32_t slot_index) {
  const auto [src, dst] = endsOf(link);
  const bool reachable = src != nullptr && src->core && dst != nullptr && dst->core;
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
  // Its copy through the kernel must have crossed the peers' current sockets: if either
  // closed since (or the kernel refused it then), it is written again now.
  DatagramPool::Slot& slot = pool_[slot_index];
  using Copy = DatagramPool::Slot::Copy;
  const bool current =
      slot.source_generation == src->generation && slot.target_generation == dst->generation;
  if (slot.copy == Copy::None || slot.copy == Copy::Refused || !current) {
    if (slot.copy != Copy::Queued) slot.copy = Copy::None;
    queueWrite(slot_index, link, *src, *dst);
  }
  Transfer& t = transfers_.emplace_back();
  t.link = &link;
  t.destination = dst;
  t.generation = dst->generation;
  t.slot = slot_index;
}

bool World::runOneEvent(std::unique_lock<std::mutex>& lock, TimeUs limit) {
  TimeUs event_time = 0;
  if (!scheduler_.runOne(limit, event_time)) return false;
  if (!transfers_.empty()) transferQueued(lock);
  return true;
}

void World::transferQueued(std::unique_lock<std::mutex>& lock) {
  // A write pass is needed when a due datagram's copy is still queued; it writes every
  // queued datagram (due now or later), so most deliveries find theirs already read back.
  // A pass writes at most kMaxWritesPerSocket to a socket, so several may be needed.
  transferring_.swap(transfers_);
  const auto needPass = [&] {
    for (const Transfer& t : transferring_) {
      if (pool_[t.slot].copy == DatagramPool::Slot::Copy::Queued) return true;
    }
    return false;
  };
  if (needPass()) {
    // Socket system calls run with the lock released; one thread at a time does them, so
    // the datagrams of ours on a socket are read back in the order they were written.
    io_busy_ = true;
    do {
      prepareWrites();
      lock.unlock();
      writePass();
      lock.lock();
      settleReads();
    } while (needPass());
    io_busy_ = false;
    io_done_.notify_all();
  }
  for (Transfer& t : transferring_) settle(t);
  transferring_.clear();
}

void World::prepareWrites() {
  outgoing_.clear();
  std::size_t kept = 0;  // writes_[0, kept): left for the next pass, in order
  for (const PendingWrite& w : writes_) {
    DatagramPool::Slot& slot = pool_[w.slot];
    if (slot.write_id != w.write_id || slot.copy != DatagramPool::Slot::Copy::Queued) continue;
    const auto [src, dst] = endsOf(*w.link);
    const bool open = src != nullptr && dst != nullptr && src->core && dst->core &&
                      src->generation == slot.source_generation &&
                      dst->generation == slot.target_generation;
    if (open) {
      const std::uint32_t group = dst->core->endpoint().target_group;
      if (group != UdpEndpoint::kNoGroup && targets_[group].writes >= kMaxWritesPerSocket) {
        writes_[kept++] = w;  // that socket is full for this pass
        continue;
      }
    }
    slot.copy = DatagramPool::Slot::Copy::None;  // unless written below
    if (!open)
      continue;  // a socket closed: its delivery writes it again, or finds it undeliverable
    Outgoing& o = outgoing_.emplace_back();
    o.slot = w.slot;
    o.bytes = &slot;  // looked up here: the pool's index may change unlocked
    o.from = src->core->sharedEndpoint();
    o.to = dst->core->sharedEndpoint();
    slot.source = o.from->localAddress();
    slot.target = o.to->localAddress();
    // Group by receiving socket, for reading back.
    if (o.to->target_group == UdpEndpoint::kNoGroup) {
      o.to->target_group = static_cast<std::uint32_t>(targets_.size());
      ReadTarget& target = targets_.emplace_back();
      target.endpoint = o.to;
      target.destination = dst;
      target.generation = dst->generation;
    }
    o.group = o.to->target_group;
    ++targets_[o.group].writes;
  }
  writes_.resize(kept);
}

void World::writePass() {
  // Group by sending socket (one batch each), keeping the order within each (a counting
  // sort: group_starts_ holds each group's first position in send_order_).
  group_starts_.clear();
  for (Outgoing& o : outgoing_) {
    if (o.from->source_group == UdpEndpoint::kNoGroup) {
      o.from->source_group = static_cast<std::uint32_t>(group_starts_.size());
      group_starts_.push_back(0);
    }
    ++group_starts_[o.from->source_group];
  }
  std::uint32_t position = 0;
  for (std::uint32_t& start : group_starts_) {
    const std::uint32_t count = start;
    start = position;
    position += count;
  }
  send_order_.resize(outgoing_.size());
  for (std::uint32_t i = 0; i < outgoing_.size(); ++i) {
    send_order_[group_starts_[outgoing_[i].from->source_group]++] = i;
  }
  for (Outgoing& o : outgoing_) o.from->source_group = UdpEndpoint::kNoGroup;
  const std::vector<std::uint32_t>& order = send_order_;
  // Each receiving socket's sequence numbers of this pass, at most as many as its writes.
  sequence_slots_.clear();
  for (ReadTarget& target : targets_) {
    target.first_sequence = target.endpoint->own_written + 1;
    target.by_sequence = sequence_slots_.size();
    target.unsent = target.writes;
    sequence_slots_.resize(sequence_slots_.size() + target.writes, UINT32_MAX);
  }
  reads_.clear();
  read_used_ = 0;
  std::size_t begin = 0;
  while (begin < order.size()) {
    std::size_t end = begin + 1;
    while (end < order.size() && outgoing_[order[end]].from == outgoing_[order[begin]].from) ++end;
    sendFrom(begin, end);
    // A socket that has been sent all of this pass's datagrams is read back now, while what
    // the kernel queued for it (and what it keeps of the socket) is still in the caches.
    for (std::size_t k = begin; k < end; ++k) {
      ReadTarget& target = targets_[outgoing_[order[k]].group];
      if (--target.unsent == 0) readBack(target);
    }
    begin = end;
  }
}

void World::sendFrom(std::size_t begin, std::size_t end) {
  // The one place datagrams of this network are written to sockets. Each carries the tag
  // that identifies it when read back: this network's nonce and the next sequence number of
  // the receiving socket, so sequence order is the order the kernel queues them in.
  //
  // Where the socket sends runs of equal-sized datagrams to one destination as one
  // segmented send, the datagrams of a run but its last are padded with zeros to the
  // run's longest, the tag after the padding; reading back strips both.
  UdpEndpoint& from = *outgoing_[send_order_[begin]].from;
  while (begin < end) {
    batch_.clear();
    std::size_t run_end = begin;  // the run of one destination that k is in ends here
    std::size_t run_longest = 0;
    for (std::size_t k = begin; k < end; ++k) {
      Outgoing& o = outgoing_[send_order_[k]];
      DatagramPool::Slot& slot = *o.bytes;  // slots never move; ours until settled
      if (k == run_end) {
        run_longest = slot.size;
        run_end = k + 1;
        while (run_end < end && outgoing_[send_order_[run_end]].to == o.to) {
          run_longest =
              std::max(run_longest, std::size_t{outgoing_[send_order_[run_end]].bytes->size});
          ++run_end;
        }
      }
      std::size_t size = slot.size;
      if (from.sendsSegments() && k + 1 < run_end) {
        std::fill(slot.bytes.begin() + size, slot.bytes.begin() + run_longest, std::uint8_t{0});
        size = run_longest;
      }
      o.sequence = ++o.to->own_written;
      const ReadTarget& target = targets_[o.group];
      sequence_slots_[target.by_sequence + (o.sequence - target.first_sequence)] = send_order_[k];
      o.wire_size = static_cast<std::uint32_t>(size + DatagramTag::kBytes);
      DatagramTag{nonce_, o.sequence}.writeTo(slot.bytes.data() + size);
      batch_.push_back(UdpEndpoint::Outgoing{
          &slot.target, std::span<const std::uint8_t>(slot.bytes.data(), o.wire_size)});
    }
    const std::size_t sent = from.sendBatch(batch_);
    // The first refused one is not sent; the ones after it get their sequence numbers
    // back and are tried again.
    for (std::size_t k = end; k-- > begin + sent;) {
      Outgoing& o = outgoing_[send_order_[k]];
      const ReadTarget& target = targets_[o.group];
      sequence_slots_[target.by_sequence + (o.sequence - target.first_sequence)] = UINT32_MAX;
      --o.to->own_written;
      o.sequence = 0;
    }
    if (begin + sent < end) {
      outgoing_[send_order_[begin + sent]].bytes->copy = DatagramPool::Slot::Copy::Refused;
    }
    begin += sent + 1;
  }
}

void World::readBack(ReadTarget& target) {
  // The one place datagrams are read from a peer's socket: everything waiting up to and
  // including the last datagram of ours written to it, in arrival order, bounded (see
  // kMaxWaits, kMaxForeignReads). Ours are kept in their slots until their delivery; a
  // gap in the sequence means the kernel dropped the ones in between.
  UdpEndpoint& endpoint = *target.endpoint;
  endpoint.target_group = UdpEndpoint::kNoGroup;  // the next pass groups afresh
  if (!batch_bytes_) {
    batch_bytes_.reset(new std::uint8_t[UdpEndpoint::kBatch * kReadRoom]);
    for (std::size_t i = 0; i < UdpEndpoint::kBatch; ++i) {
      batch_buffers_.emplace_back(batch_bytes_.get() + i * kReadRoom, kReadRoom);
    }
    batch_received_.resize(UdpEndpoint::kBatch);
  }
  target.reads_begin = reads_.size();
  int waits = 0;
  int foreign = 0;
  while (endpoint.own_read != endpoint.own_written && foreign < kMaxForeignReads) {
    // Room for what of ours is still out, and a few more (strangers' datagrams).
    const std::size_t room = std::min<std::size_t>(
        UdpEndpoint::kBatch, std::size_t{endpoint.own_written - endpoint.own_read} + 4);
    const std::size_t got = endpoint.receiveBatch(
        std::span<const std::span<std::uint8_t>>(batch_buffers_).first(room), batch_received_);
    if (got == 0) {
      if (waits++ < kMaxWaits && endpoint.waitReadable(kKernelWait)) continue;
      break;  // ours never became readable: the kernel dropped it
    }
    for (std::size_t i = 0; i < got; ++i) {
      const UdpEndpoint::Received& received = batch_received_[i];
      const auto read = batch_buffers_[i].first(std::min(received.size, kReadRoom));
      // A read is one datagram, or a run sent as one segmented send: datagrams of
      // `segment` bytes back to back, the last possibly shorter.
      const std::size_t step = received.segment != 0 ? received.segment : read.size();
      std::size_t at = 0;
      do {  // an empty datagram is a datagram too
        takeRead(target, read.subspan(at, std::min(step, read.size() - at)), received.from,
                 foreign);
        at += step;
      } while (at < read.size());
    }
  }
  markLost(target, endpoint.own_read, endpoint.own_written);  // given up on: counted as lost
  endpoint.own_read = endpoint.own_written;
  target.reads_end = reads_.size();
}

World::Outgoing* World::outgoingOf(const ReadTarget& target, std::uint32_t sequence) {
  if (static_cast<std::int32_t>(sequence - target.first_sequence) < 0) return nullptr;
  const std::uint32_t index =
      sequence_slots_[target.by_sequence + (sequence - target.first_sequence)];
  return index == UINT32_MAX ? nullptr : &outgoing_[index];
}

void World::markLost(const ReadTarget& target, std::uint32_t from, std::uint32_t to) {
  for (std::uint32_t q = from + 1; q != to + 1; ++q) {  // (from, to]
    if (Outgoing* o = outgoingOf(target, q)) o->bytes->copy = DatagramPool::Slot::Copy::Lost;
  }
}

void World::takeRead(const ReadTarget& target, std::span<const std::uint8_t> bytes,
                     const SocketAddress& from, int& foreign) {
  UdpEndpoint& endpoint = *target.endpoint;
  DatagramTag tag;
  // Ours: this network's nonce and a sequence number written to this socket and not yet
  // read back, with the size it was written with (padding included).
  if (DatagramTag::readFrom(bytes, tag) && tag.nonce == nonce_ &&
      static_cast<std::int32_t>(tag.sequence - endpoint.own_read) > 0 &&
      static_cast<std::int32_t>(endpoint.own_written - tag.sequence) >= 0) {
    Outgoing* o = outgoingOf(target, tag.sequence);
    if (o != nullptr && bytes.size() == o->wire_size) {
      markLost(target, endpoint.own_read, tag.sequence - 1);
      endpoint.own_read = tag.sequence;
      DatagramPool::Slot& slot = *o->bytes;
      std::copy_n(bytes.begin(), slot.size, slot.bytes.begin());  // the bytes read
      slot.read_from = from;
      slot.copy = DatagramPool::Slot::Copy::Arrived;
      return;
    }
  }
  ++foreign;
  const std::size_t size = bytes.size();
  if (read_bytes_.size() < read_used_ + size) {
    read_bytes_.resize(std::max(read_bytes_.size() * 2, read_used_ + kReadRoom));
  }
  std::copy_n(bytes.begin(), size, read_bytes_.begin() + static_cast<std::ptrdiff_t>(read_used_));
  reads_.push_back(ReadDatagram{read_used_, size, from});
  read_used_ += size;
}

void World::settleReads() {
  for (ReadTarget& target : targets_) {
    PeerSlot& destination = *target.destination;
    for (std::size_t i = target.reads_begin; i < target.reads_end; ++i) {
      if (!destination.core || destination.generation != target.generation) break;
      const ReadDatagram& read = reads_[i];
      counters_.socket_bytes_read += read.size;
      const std::span<const std::uint8_t> bytes(read_bytes_.data() + read.offset, read.size);
      if (capture_) capture(0, read.from, target.endpoint->localAddress(), bytes);  // a stranger's
      destination.core->onDatagram(bytes, read.from, false);
    }
  }
  targets_.clear();  // closes sockets only these held
  outgoing_.clear();
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
  DatagramPool::Slot& slot = pool_[t.slot];
  using Copy = DatagramPool::Slot::Copy;
  const bool written = slot.copy == Copy::Arrived || slot.copy == Copy::Lost;
  const std::uint16_t size = slot.size;
  if (capture_ && written) {
    capture(slot.packet_id, slot.source, slot.target,
            std::span<const std::uint8_t>(slot.bytes.data(), size));
  }
  trace_packet_id_ = slot.packet_id;
  trace_packet_content_ = slot.packet_content;
  if (!written) {
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
  if (slot.copy == Copy::Arrived && same_socket) {
    counters_.socket_bytes_read += size;
    destination.core->onDatagram(std::span<const std::uint8_t>(slot.bytes.data(), size),
                                 slot.read_from, true);
  }
  trace_packet_id_ = 0;
  trace_packet_content_ = 0;
  if (slot.copy == Copy::Lost) {
    ++counters_.kernel_lost;
    trace(TraceKind::DatagramDropped, 0, link.to, 0, 1, "kernel_lost");
  }
  pool_.release(t.slot);
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
  const std::uint64_t token = actions_->add(std::move(action));
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
  return stepVirtual(lock, limit);
}

bool World::stepVirtual(std::unique_lock<std::mutex>& lock, TimeUs limit) {
  io_done_.wait(lock, [this] { return !io_busy_; });  // another thread's event is not over
  return runOneEvent(lock, limit);
}

void World::advance(TimeUs duration) {
  if (realTime()) {
    waitRealTime(duration, nullptr);
    return;
  }
  // The events of one call run under one hold of the lock; it is let go only to run ready
  // work (as runReadyWork, in the same order as stepping with it in between).
  std::unique_lock lock(mutex_);
  const TimeUs target = timeAfter(now_, duration);
  for (;;) {
    if (readyWorkPending()) {
      lock.unlock();
      runReadyWork();
      lock.lock();
    }
    if (closed_) return;
    if (!stepVirtual(lock, target)) break;
  }
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
  while (stepVirtual(deadline)) {  // the predicate is checked after every event
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
    work_cv_.wait_until(lock, until, [&] { return readyWorkPending(); });
  }
}

void World::syncClock() {
  if (driver_) setNow(driver_->wallNowUs());
}

void World::wakeDriver() {
  if (driver_) driver_->wake(scheduler_.nextTime(), now_);
}

}  // namespace steamsim::detail
