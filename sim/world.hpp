// SPDX-License-Identifier: MIT
#pragma once
// The simulated world behind steamsim::Network: one clock, one scheduler, the peers, the
// directed links with their impairment, the datagram path through real sockets, the trace,
// and (in real-time mode) the driver thread. See sim/README.md.

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "datagram_pool.hpp"
#include "impairment.hpp"
#include "peer_core.hpp"
#include "scheduler.hpp"
#include "steamsim/network.hpp"
#include "time.hpp"

namespace steamsim::detail {

class RealTimeDriver;
struct WorldLink;

class World : public std::enable_shared_from_this<World> {
 public:
  explicit World(NetworkConfig config);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // --- Used by peers and connections (lock held) ---
  const NetworkConfig& config() const { return config_; }
  Scheduler& scheduler() { return scheduler_; }
  TimeUs nowUs() const { return now_; }
  /// Port to bind for a new peer socket (config.bind_port + index, or 0).
  std::uint16_t portFor(SteamId steam_id) const;
  /// The socket address of a running peer, or null.
  const SocketAddress* addressOf(SteamId steam_id) const;
  /// A peer emits a datagram: impairment decides its fate; survivors are scheduled.
  /// `recent` is the sending peer's own memory of the links it used last: a peer sending
  /// to a recent remote again finds its link without a lookup.
  void emit(SteamId from, SteamId to, std::span<const std::uint8_t> datagram, RecentLinks& recent);
  void notePendingSignals(SteamId steam_id);
  /// Scratch for the frames of the datagram being handled (one at a time, lock held).
  wire::ParsedFrames& parsedFrames() { return parsed_frames_; }
  /// Adds an event to the trace hash (and to the sink/record when present). `name` is a
  /// static string; `extra` is appended to the detail text.
  void trace(TraceKind kind, SteamId from, SteamId to, std::uint32_t bytes, std::int64_t value,
             const char* name, const std::string* extra = nullptr) {
    if (untraced_) {  // real time (nothing hashed) and nobody watching: nothing to do
      if (kind == TraceKind::ApiCall) note_message_id_ = 0;
      return;
    }
    traceEvent(kind, from, to, bytes, value, name, extra);
  }
  /// An observation-only event (see isObservationOnly): to the sink/record, never hashed.
  void observe(TraceKind kind, SteamId from, SteamId to, std::uint32_t bytes, std::int64_t value,
               const char* name, std::uint64_t message_id = 0) {
    if (watched_) observeEvent(kind, from, to, bytes, value, name, message_id);
  }
  /// The message number a send just took: carried by the next api_call event.
  void noteMessageId(std::uint64_t message_id) { note_message_id_ = message_id; }

  // --- Network's implementation ---
  std::mutex& mutex() { return mutex_; }
  Peer& addPeer(SteamId steam_id);
  Peer* peer(SteamId steam_id);
  PeerCore* core(SteamId steam_id) {
    PeerSlot* slot = slotOf(steam_id);
    return slot != nullptr ? slot->core.get() : nullptr;
  }
  std::vector<SteamId> peerIds() const;
  void setDefaultLink(const LinkConditions& conditions);
  void setLink(SteamId from, SteamId to, const LinkConditions& conditions);
  void clearLink(SteamId from, SteamId to);
  LinkConditions link(SteamId from, SteamId to) const;
  void setLinkResolver(std::function<LinkConditions(SteamId, SteamId)> resolver);
  void refreshLinks();
  LinkCounters linkCounters(SteamId from, SteamId to) const;
  void partition(const std::vector<std::vector<SteamId>>& groups);
  void heal();
  void crash(SteamId steam_id);
  void restart(SteamId steam_id);
  void advance(TimeUs duration);
  /// The Network is gone: nothing more runs (calls in progress return).
  void close() { closed_ = true; }
  bool closed() const { return closed_; }
  bool runUntil(const std::function<bool()>& done, TimeUs timeout);
  void schedule(TimeUs at, std::function<void()> action);
  std::uint64_t traceHash() const { return trace_hash_; }
  std::vector<TraceEvent> recordedTrace() const { return recorded_; }
  void setTraceSink(std::function<void(const TraceEvent&)> sink);
  void setCapture(std::shared_ptr<DatagramCapture> capture) { capture_ = std::move(capture); }
  NetworkCounters counters() const;
  /// Delivers the signals of `steam_id` to its handlers (lock NOT held).
  void runCallbacks(SteamId steam_id);
  /// Called after any API call in real-time mode: the driver re-arms its timer.
  void wakeDriver();
  bool realTime() const { return config_.clock == ClockMode::RealTime; }

  // --- Used by the real-time driver (lock held) ---
  /// Runs every event due at or before `until`. `lock` holds the world's mutex; it is
  /// released while datagrams go through the sockets. Returns false at once if another
  /// thread is doing the socket I/O (that thread runs what is due).
  bool runDue(std::unique_lock<std::mutex>& lock, TimeUs until);
  void setNow(TimeUs now) { now_ = std::max(now_, now); }
  /// Real time: the calling thread of an API call runs the events that are due, so a busy
  /// application drives the network itself and the driver thread stays asleep (lock held).
  void runDueForCaller(std::unique_lock<std::mutex>& lock);
  /// Real time: when an application thread last ran due events (µs, network clock).
  TimeUs lastCallerRun() const { return last_caller_run_; }
  /// Runs scheduled actions and embedded callbacks that are ready (lock NOT held).
  void runReadyWork();
  /// Wakes threads waiting in advance/runUntil (real time).
  void notifyWork() { work_cv_.notify_all(); }
  /// Real time: brings the clock up to the wall clock before an API call (lock held).
  void syncClock();

 private:
  friend struct WorldLink;
  using Link = WorldLink;  // a directed link (world.cpp)
  struct PeerSlot {
    std::unique_ptr<Peer> api;
    std::unique_ptr<PeerCore> core;
    std::uint32_t incarnation = 0;
    std::uint32_t generation = 0;  // changes when its socket closes
    std::size_t index = 0;
  };
  /// A datagram whose delivery is due, queued under the lock by `deliver` and settled under
  /// it by `settle` once its write pass (if it needed one) is over.
  struct Transfer {
    Link* link = nullptr;
    PeerSlot* destination = nullptr;
    std::uint32_t generation = 0;
    std::uint32_t slot = 0;
  };
  /// A datagram queued for the next write pass (its slot is Queued with this write_id).
  struct PendingWrite {
    std::uint32_t slot = 0;
    std::uint64_t write_id = 0;
    Link* link = nullptr;
  };
  /// A datagram of a write pass, resolved to its sockets under the lock.
  struct Outgoing {
    std::uint32_t slot = 0;
    DatagramPool::Slot* bytes = nullptr;  // the slot itself (stable during the pass)
    std::shared_ptr<UdpEndpoint> from;
    std::shared_ptr<UdpEndpoint> to;
    std::uint32_t group = 0;      // index of its receiving socket in targets_
    std::uint32_t sequence = 0;   // its tag's sequence number on `to` (0: not sent)
    std::uint32_t wire_size = 0;  // bytes written: the datagram, padding, the tag
  };
  /// A socket written to in a write pass, read back as soon as all its datagrams of the pass
  /// are handed to the kernel.
  struct ReadTarget {
    std::shared_ptr<UdpEndpoint> endpoint;
    PeerSlot* destination = nullptr;
    std::uint32_t generation = 0;
    std::uint32_t first_sequence = 0;  // of this pass on the socket
    std::size_t by_sequence = 0;       // its entries in sequence_slots_ start here
    std::size_t reads_begin = 0;       // strangers' datagrams read from it, in reads_
    std::size_t reads_end = 0;
    std::uint32_t writes = 0;  // datagrams of this pass written to it
    std::uint32_t unsent = 0;  // of those, not yet handed to the kernel (read back at 0)
  };
  /// A datagram not of ours read from a socket during a write pass, bytes in `read_bytes_`.
  struct ReadDatagram {
    std::size_t offset = 0;
    std::size_t size = 0;
    SocketAddress from;
  };
  struct ActionQueue final : Actor {
    explicit ActionQueue(World& w) : world(w) {}
    void act(TimeUs now, std::uint64_t token) override;
    World& world;
    /// Queues `action`. \return its token: the index of its slot, reused once it ran.
    std::uint64_t add(std::function<void()> action);
    std::vector<std::function<void()>> pending;  // by token; each token runs once
    std::vector<std::uint32_t> free_slots;
    ActorId id;
  };
  struct PairHash {
    std::size_t operator()(const std::pair<SteamId, SteamId>& p) const {
      return std::hash<std::uint64_t>()(p.first * 0x9E3779B97F4A7C15ULL ^ p.second);
    }
  };

  void traceEvent(TraceKind kind, SteamId from, SteamId to, std::uint32_t bytes, std::int64_t value,
                  const char* name, const std::string* extra);
  void observeEvent(TraceKind kind, SteamId from, SteamId to, std::uint32_t bytes,
                    std::int64_t value, const char* name, std::uint64_t message_id);
  /// Recomputes watched_ and untraced_ (a sink was set or cleared).
  void updateTraceFlags();
  void hashTraceEvent(TraceKind kind, SteamId from, SteamId to, std::uint32_t bytes,
                      std::int64_t value, const char* name, const std::string* extra);
  Link& linkFor(SteamId from, SteamId to);
  /// Conditions of a link without its own: the resolver's answer, or the default.
  LinkConditions sharedConditions(SteamId from, SteamId to) const;
  bool partitioned(SteamId from, SteamId to) const;
  void deliver(Link& link, std::uint32_t slot);
  /// The peers at the ends of `link` (null: not in this network).
  std::pair<PeerSlot*, PeerSlot*> endsOf(Link& link);
  /// Queues slot's copy for the next write pass, through the peers' current sockets.
  void queueWrite(std::uint32_t slot, Link& link, const PeerSlot& source, const PeerSlot& target);
  /// Runs one due event and, if it queued transfers, their socket I/O (lock released).
  bool runOneEvent(std::unique_lock<std::mutex>& lock, TimeUs limit);
  void transferQueued(std::unique_lock<std::mutex>& lock);
  /// Lock held: the queued writes, resolved to their sockets, into outgoing_.
  void prepareWrites();
  /// Lock released: writes outgoing_ (one batch per sending socket), then reads every
  /// socket written to until all of ours are back.
  void writePass();
  void sendFrom(std::size_t begin, std::size_t end);
  void readBack(ReadTarget& target);
  /// Of the datagrams written to `target` in this pass, the one with this sequence number.
  Outgoing* outgoingOf(const ReadTarget& target, std::uint32_t sequence);
  /// Sequence numbers (from, to] on `target` were not read back: the kernel dropped them.
  void markLost(const ReadTarget& target, std::uint32_t from, std::uint32_t to);
  /// One datagram read from `target`: ours back into its slot, or a stranger's kept for
  /// settleReads (counted in `foreign`).
  void takeRead(const ReadTarget& target, std::span<const std::uint8_t> bytes,
                const SocketAddress& from, int& foreign);
  /// Lock held: hands the strangers' datagrams read in the pass to their peers.
  void settleReads();
  void settle(Transfer& t);
  void capture(std::uint64_t packet_id, const SocketAddress& source,
               const SocketAddress& destination, std::span<const std::uint8_t> bytes);
  /// Runs the next event due by `limit` under the lock; false if there is none.
  bool stepVirtual(TimeUs limit);
  /// The same with the lock held (`lock`), once no other thread's event is in its I/O.
  bool stepVirtual(std::unique_lock<std::mutex>& lock, TimeUs limit);
  /// Lock held: scheduled actions or embedded callbacks wait to run outside the lock.
  bool readyWorkPending() const {
    return !ready_actions_.empty() || (config_.embed_callbacks && !signal_peers_.empty());
  }
  void waitRealTime(TimeUs until, const std::function<bool()>* done);

  NetworkConfig config_;
  mutable std::mutex mutex_;
  TimeUs now_ = kVirtualEpochUs;
  Scheduler scheduler_{now_};

  std::vector<std::unique_ptr<PeerSlot>> peers_;
  std::unordered_map<SteamId, PeerSlot*> peer_index_;
  /// The slot of `steam_id`, nullptr if it has none. The last two found are remembered (a
  /// pair of peers talking looks each other up in turn); slots live as long as the world.
  PeerSlot* slotOf(SteamId steam_id) const {
    if (recent_slots_[0].slot != nullptr && recent_slots_[0].id == steam_id) {
      return recent_slots_[0].slot;
    }
    if (recent_slots_[1].slot != nullptr && recent_slots_[1].id == steam_id) {
      std::swap(recent_slots_[0], recent_slots_[1]);
      return recent_slots_[0].slot;
    }
    const auto it = peer_index_.find(steam_id);
    if (it == peer_index_.end()) return nullptr;
    recent_slots_[1] = recent_slots_[0];
    recent_slots_[0] = {steam_id, it->second};
    return it->second;
  }
  struct RecentSlot {
    SteamId id = 0;
    PeerSlot* slot = nullptr;
  };
  mutable std::array<RecentSlot, 2> recent_slots_{};  // slotOf()'s memory, most recent first
  std::unordered_map<std::pair<SteamId, SteamId>, std::unique_ptr<Link>, PairHash> links_;
  LinkConditions default_conditions_;
  std::function<LinkConditions(SteamId, SteamId)> link_resolver_;
  std::unordered_map<SteamId, int> partition_group_;

  DatagramPool pool_;
  NetworkCounters counters_;
  wire::ParsedFrames parsed_frames_;
  const std::uint64_t nonce_;           // this network's datagram tag
  std::vector<Transfer> transfers_;     // queued by events, lock held
  std::vector<Transfer> transferring_;  // owned by the thread doing socket I/O
  std::vector<PendingWrite> writes_;    // queued by emit/deliver, lock held
  std::uint64_t next_write_id_ = 0;
  // Owned by the thread doing socket I/O during a write pass:
  std::vector<Outgoing> outgoing_;
  std::vector<std::uint32_t> send_order_;  // outgoing_ indices grouped by sending socket
  std::vector<std::uint32_t> group_starts_;
  std::vector<UdpEndpoint::Outgoing> batch_;  // one sending socket's datagrams
  std::vector<ReadTarget> targets_;
  std::vector<std::uint32_t> sequence_slots_;  // per target: outgoing_ index by sequence
  std::vector<ReadDatagram> reads_;
  std::vector<std::uint8_t> read_bytes_;
  std::size_t read_used_ = 0;
  std::unique_ptr<std::uint8_t[]> batch_bytes_;  // UdpEndpoint::kBatch read buffers (not
                                                 // zeroed: the kernel fills what is read)
  std::vector<std::span<std::uint8_t>> batch_buffers_;
  std::vector<UdpEndpoint::Received> batch_received_;
  bool io_busy_ = false;  // a thread is doing socket I/O with the lock released
  std::condition_variable io_done_;
  TimeUs last_caller_run_ = 0;

  std::vector<SteamId> signal_peers_;  // peers with undelivered signals, in order
  std::vector<std::function<void()>> ready_actions_;
  std::unique_ptr<ActionQueue> actions_;

  std::uint64_t trace_hash_ = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
  std::uint64_t next_packet_id_ = 0;                  // last datagram id given out
  std::uint64_t trace_packet_id_ = 0;                 // the datagram the current events concern
  std::uint8_t trace_packet_content_ = 0;
  std::uint64_t note_message_id_ = 0;  // for the next api_call event
  std::shared_ptr<DatagramCapture> capture_;
  std::vector<TraceEvent> recorded_;
  std::function<void(const TraceEvent&)> trace_sink_;
  bool watched_ = false;   // a sink is set or the trace is recorded
  bool untraced_ = false;  // real time and not watched: trace events cost nothing

  std::atomic<bool> closed_{false};
  std::condition_variable work_cv_;
  std::unique_ptr<RealTimeDriver> driver_;
};

}  // namespace steamsim::detail
