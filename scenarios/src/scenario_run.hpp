// SPDX-License-Identifier: MIT
#pragma once
// One run of a scenario: the network, each peer's game loop and what it saw, the timeline,
// and the checks. runner.cpp drives it; run_checks.cpp evaluates the expectations.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "flat_table.hpp"
#include "link_table.hpp"
#include "session_history.hpp"
#include "steamsim/network.hpp"
#include "steamsim/scenario/runner.hpp"
#include "trace_format.hpp"

namespace steamsim::scenario::detail {

/// A message a peer's game loop read.
struct ReadMessage {
  enum class Kind { Ok, Duplicate, Unknown };
  std::int64_t t_us = 0;  ///< run time it was read
  SteamId from = 0;
  int channel = 0;
  std::uint64_t seq = 0;  ///< position in its sender's stream to this peer and channel, from 1
  Kind kind = Kind::Ok;
  bool reliable = false;
};

/// A signal delivered to a peer's handler.
struct SignalRecord {
  std::int64_t t_us = 0;
  SignalKind kind = SignalKind::SessionRequest;
  SteamId remote = 0;
  int reason = 0;
  int state = 0;
  std::string debug;
};

struct PeerRun {
  const PeerSpec* spec = nullptr;
  Peer* api = nullptr;
  bool reading = true;
  std::vector<ReadMessage> read;
  std::vector<SignalRecord> signals;
  bool game = false;  ///< played by a game object (runScenarioWith), not the built-in loop
  ScopedSignalConnection on_request;  ///< the run's recording handlers on `api`
  ScopedSignalConnection on_failed;
};

/// The game objects of a runScenarioWith run (game_run.cpp), called by the run.
class GameHooks {
 public:
  virtual ~GameHooks() = default;
  /// Makes peer `peer`'s game object. \return false if the built-in loop plays it.
  virtual bool start(std::size_t peer) = 0;
  virtual void poll(std::size_t peer) = 0;
  /// The peer crashed: its game object goes.
  virtual void crashed(std::size_t peer) = 0;
  /// Destroys every game object (the end of the run).
  virtual void finish() = 0;
};

/// Progress of one check while the run goes on.
struct CheckState {
  CheckResult result;
  bool decided = false;
  std::vector<SteamId> relevant;  ///< peers whose trace lines form its context
  std::int64_t snapshot_us = -1;  ///< when its context was captured
  // Timeline actions with expect_result:
  std::int64_t attempts = 0;
  std::int64_t mismatches = 0;
  std::map<std::string, std::int64_t> outcomes;  ///< result label -> count
  std::string first_mismatch;
};

/// Scenarios with more peers than this resolve link conditions per link, on use.
inline constexpr std::size_t kPairwiseLinkPeers = 64;

class ScenarioRun {
 public:
  /// `external`: run on this network instead of a fresh one; `games`: the game objects.
  ScenarioRun(const Scenario& scenario, const RunOptions& options, Network* external = nullptr,
              GameHooks* games = nullptr);
  /// Stops the network (and its thread, in real time) before any member goes away.
  ~ScenarioRun();
  ScenarioRun(const ScenarioRun&) = delete;
  ScenarioRun& operator=(const ScenarioRun&) = delete;
  RunResult run();

  // ---- used by game_run.cpp ----
  Network& network() { return *net_; }
  PeerRun& peerAt(std::size_t index) { return peers_[index]; }
  /// Records a message peer `index`'s game read, as the built-in loop records its reads.
  void recordRead(std::size_t index, const Message& message);

  // ---- used by run_checks.cpp ----
  std::int64_t nowUs() const;  ///< run time
  std::string nameOf(SteamId id) const;
  PeerRun& peerRun(const std::string& name);
  /// Evaluates a session check now. \return true if it holds; `seen` describes the state.
  bool sessionHolds(const Expectation& e, const SessionCheck& c, std::string& seen);
  void evaluateReceived(const Expectation& e, const ReceivedCheck& c, CheckState& state);
  void evaluateSignal(const Expectation& e, const SignalCheck& c, CheckState& state);
  /// Copies the relevant trace lines before now into the check's context.
  void snapshot(CheckState& state);

 private:
  using Stream = std::tuple<SteamId, SteamId, int>;  // from, to, channel
  struct StreamHash {
    std::size_t operator()(const Stream& s) const {
      const std::uint64_t h = (std::get<0>(s) * 0x9E3779B97F4A7C15ULL) ^ std::get<1>(s);
      return std::hash<std::uint64_t>()(h * 31U + static_cast<std::uint32_t>(std::get<2>(s)));
    }
  };
  /// Sequence numbers of sent messages with the same content, oldest first (usually one,
  /// held without allocating).
  class SeqQueue {
   public:
    bool empty() const { return !has_front_; }
    void push(std::uint64_t seq) {
      if (!has_front_) {
        front_ = seq;
        has_front_ = true;
      } else {
        rest_.push_back(seq);
      }
    }
    std::uint64_t pop() {
      const std::uint64_t seq = front_;
      if (head_ < rest_.size()) {
        front_ = rest_[head_++];
        if (head_ == rest_.size()) {
          rest_.clear();
          head_ = 0;
        }
      } else {
        has_front_ = false;
      }
      return seq;
    }

   private:
    std::uint64_t front_ = 0;
    bool has_front_ = false;
    std::vector<std::uint64_t> rest_;  // after front_, from head_
    std::size_t head_ = 0;
  };
  /// Messages of one content (payload hash) on a stream.
  struct SentContent {
    SeqQueue pending;        ///< sent, not read yet
    std::uint64_t last = 0;  ///< sequence number of the last one read, 0 if none (from 1)
  };
  struct SentIndex {
    std::uint64_t next_seq = 1;
    std::unordered_map<std::uint64_t, SentContent> by_hash;
  };
  /// Scheduled actions run only while the run lasts, even on a network that outlives it.
  struct ActionGate {
    std::mutex mutex;  // held while a scheduled action runs
    bool stopped = false;
  };
  struct Collector {
    std::size_t check = 0;
    std::size_t remaining = 0;
  };

  void setUp();
  /// No scheduled action runs after this returns (real time: waits for a running one).
  void stopActions();
  void applyLinkRules(const std::vector<LinkRule>& rules);
  void scheduleAt(std::int64_t t_us, std::function<void()> action);
  void schedulePoll(std::size_t peer, std::int64_t t_us);
  void schedulePollGroup(std::shared_ptr<const std::vector<std::size_t>> group,
                         std::int64_t period_us, std::int64_t t_us);
  void poll(std::size_t peer);
  void drain(PeerRun& p);
  /// Records a batch of messages `p` read.
  void record(PeerRun& p, const std::vector<Message>& batch);
  /// Connects the external peers' processes (RunOptions::external).
  void attachExternal();
  void recordReadLocked(PeerRun& p, const Message& m, std::int64_t t);
  void scheduleTimeline();
  void runEntry(std::size_t index);
  void sendSeries(std::size_t entry, int i);
  void runSend(std::size_t entry, const SendAction& send, PeerRun& p, int i);
  void noteResult(std::size_t entry, bool ok, const std::string& outcome,
                  const std::string& detail);
  void scheduleChecks();
  void checkSessionLive(std::size_t index);
  void decideSession(std::size_t index, bool final_check);
  void onTrace(const TraceEvent& event);
  /// Fills a failed check's rule, explanation, proof and session timeline (explain_run.cpp).
  void explainFailure(CheckState& state);
  std::string title(const Expectation& e) const;

  const Scenario& s_;
  RunOptions options_;
  std::uint64_t seed_ = 0;
  std::unique_ptr<Network> owned_net_;  // unless the run is on an external network
  Network* net_ = nullptr;
  GameHooks* games_ = nullptr;
  std::atomic<std::int64_t> t0_{0};  // reset once external peers attached; read by their reads
  std::int64_t end_us_ = 0;
  std::vector<PeerRun> peers_;
  std::unordered_map<std::string, std::size_t> peer_index_;
  std::unordered_map<SteamId, std::string> names_;
  std::vector<int> channels_;
  /// Up to kPairwiseLinkPeers peers: every directed pair's conditions, each set on the
  /// network on its own (a set_link trace event each, as trace hashes have always had).
  std::map<std::pair<SteamId, SteamId>, LinkConditions> links_;
  /// More peers: the rules' states, answered per link by the network's link resolver.
  std::unique_ptr<LinkTable> link_table_;
  std::mutex link_mutex_;  // guards link_table_ (the resolver runs under the network's lock)
  LinkConditions outside_;
  /// Per peer index: the `session` expectations its game loop checks at every tick.
  std::vector<std::vector<std::size_t>> session_checks_;
  /// Per timeline entry: the index of its peer (entries without a peer: 0, unused).
  std::vector<std::size_t> entry_peer_;

  std::shared_ptr<ActionGate> gate_ = std::make_shared<ActionGate>();
  bool external_attached_ = false;
  std::mutex state_mutex_;                         // records; never held across a Network call
  FlatTable<Stream, SentIndex, StreamHash> sent_;  // values never move
  std::vector<CheckState> checks_;
  std::vector<std::size_t> expectation_check_;       // expectation index -> checks_ index
  std::map<std::size_t, std::size_t> action_check_;  // timeline index -> checks_ index

  std::mutex trace_mutex_;  // the sink runs under the network's lock
  /// Per peer index (guarded by trace_mutex_): a message was queued for the peer since its
  /// game loop last read (the network's message_delivered events). A loop with nothing else
  /// to do skips the tick when nothing is queued: reading an empty queue changes nothing.
  std::vector<std::uint8_t> unread_;
  /// Per peer index: its loop has more to do at every tick than read messages (a game
  /// object, session checks, or callbacks to run).
  std::vector<std::uint8_t> always_poll_;
  std::vector<std::size_t> due_;                       // scratch of a group tick: the peers polled
  std::unordered_map<SteamId, std::size_t> index_of_;  // Steam ID -> peers_ index
  bool embed_callbacks_ = true;
  /// The last trace events, oldest overwritten first: ring_next_ is where the next goes.
  std::vector<TraceEvent> ring_;
  std::size_t ring_next_ = 0;
  SessionHistory history_;
  std::vector<Collector> collectors_;
  std::uint64_t trace_events_ = 0;
};

/// FNV-1a of some bytes.
std::uint64_t hashBytes(const std::uint8_t* data, std::size_t size);
/// A payload of `size` bytes carrying `seq` (little-endian, first 8 bytes) and a pattern.
std::vector<std::uint8_t> sizedPayload(std::uint64_t seq, std::size_t size);

}  // namespace steamsim::scenario::detail
