// SPDX-License-Identifier: MIT
// Driving one scenario run: network set-up, the peers' game loops, the timeline, and
// collecting the results.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "scenario_run.hpp"
#include "steamsim/scenario/names.hpp"

namespace steamsim::scenario {

bool RunResult::passed() const {
  return error.empty() && failedChecks() == 0;
}

std::size_t RunResult::failedChecks() const {
  return static_cast<std::size_t>(
      std::count_if(checks.begin(), checks.end(), [](const CheckResult& c) { return !c.passed; }));
}

std::string formatHash(std::uint64_t hash) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "0x%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

RunResult runScenario(const Scenario& scenario, const RunOptions& options) {
  try {
    return detail::ScenarioRun(scenario, options).run();
  } catch (const std::exception& e) {
    RunResult result;
    result.file = scenario.file;
    result.name = scenario.name;
    result.seed = options.seed.value_or(scenario.seed);
    result.error = e.what();
    return result;
  }
}

namespace detail {

namespace {

constexpr std::size_t kRingSize = 4096;
constexpr int kDrainBatch = 256;

std::int64_t msToUs(double ms) {
  return std::llround(ms * 1000.0);
}

std::string replaceIndex(const std::string& text, int i) {
  std::string out;
  const std::string index = std::to_string(i);
  std::size_t pos = 0;
  for (;;) {
    const std::size_t next = text.find("{i}", pos);
    out += text.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    if (next == std::string::npos) return out;
    out += index;
    pos = next + 3;
  }
}

std::string seconds(std::int64_t us) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f s", static_cast<double>(us) / 1e6);
  return buffer;
}

}  // namespace

std::uint64_t hashBytes(const std::uint8_t* data, std::size_t size) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ULL;
  return h;
}

std::vector<std::uint8_t> sizedPayload(std::uint64_t seq, std::size_t size) {
  std::vector<std::uint8_t> payload(size);
  for (std::size_t i = 0; i < size; ++i) {
    payload[i] = i < 8 ? static_cast<std::uint8_t>((seq >> (8U * i)) & 0xFFU)
                       : static_cast<std::uint8_t>((seq * 131U + i * 7U + 0x5AU) & 0xFFU);
  }
  return payload;
}

ScenarioRun::ScenarioRun(const Scenario& scenario, const RunOptions& options, Network* external,
                         GameHooks* games)
    : s_(scenario),
      options_(options),
      seed_(options.seed.value_or(external != nullptr ? external->config().seed : scenario.seed)),
      net_(external),
      games_(games) {}

std::int64_t ScenarioRun::nowUs() const {
  return net_->now().count() - t0_;
}

std::string ScenarioRun::nameOf(SteamId id) const {
  auto it = names_.find(id);
  return it != names_.end() ? it->second : std::to_string(id);
}

PeerRun& ScenarioRun::peerRun(const std::string& name) {
  return peers_.at(peer_index_.at(name));
}

ScenarioRun::~ScenarioRun() {
  if (net_ == nullptr) return;
  stopActions();
  if (external_attached_) options_.external->detach();
  if (games_ != nullptr) games_->finish();
  net_->setTraceSink(nullptr);
  owned_net_.reset();
}

void ScenarioRun::scheduleAt(std::int64_t t_us, std::function<void()> action) {
  net_->schedule(std::chrono::microseconds(t0_ + t_us), [gate = gate_, action = std::move(action)] {
    std::lock_guard lock(gate->mutex);
    if (!gate->stopped) action();
  });
}

void ScenarioRun::stopActions() {
  std::lock_guard wait_for_running(gate_->mutex);
  gate_->stopped = true;
}

void ScenarioRun::onTrace(const TraceEvent& event) {
  std::lock_guard lock(trace_mutex_);
  for (RunObserver* o : options_.observers) o->event(event);
  history_.add(event);
  if (event.kind == TraceKind::MessageDelivered) {
    if (auto it = index_of_.find(event.to); it != index_of_.end()) unread_[it->second] = 1;
  }
  if (isObservationOnly(event.kind)) return;
  ++trace_events_;
  if (options_.trace_out != nullptr) {
    *options_.trace_out << traceJsonLine(
                               event, t0_, [this](SteamId id) { return nameOf(id); }, s_.name,
                               seed_)
                        << '\n';
  }
  if (ring_.size() < kRingSize) {
    ring_.push_back(event);
  } else {
    ring_[ring_next_] = event;  // reuses the slot's text buffer
  }
  ring_next_ = (ring_next_ + 1) % kRingSize;
  for (Collector& c : collectors_) {
    if (c.remaining == 0) continue;
    CheckState& state = checks_[c.check];
    const auto& rel = state.relevant;
    if (std::find(rel.begin(), rel.end(), event.from) == rel.end() &&
        std::find(rel.begin(), rel.end(), event.to) == rel.end()) {
      continue;
    }
    state.result.context.push_back(
        "  after " + formatTraceLine(event, t0_, [this](SteamId id) { return nameOf(id); }));
    --c.remaining;
  }
}

void ScenarioRun::snapshot(CheckState& state) {
  const std::int64_t now = nowUs();  // before the lock: the sink runs under the network's
  std::lock_guard lock(trace_mutex_);
  if (state.snapshot_us >= 0) return;
  state.snapshot_us = now;
  std::vector<std::string> lines;
  const auto& rel = state.relevant;
  for (std::size_t back = 1; back <= ring_.size() && lines.size() < options_.context_before;
       ++back) {  // newest first
    const TraceEvent& e = ring_[(ring_next_ + kRingSize - back) % kRingSize];
    if (std::find(rel.begin(), rel.end(), e.from) == rel.end() &&
        std::find(rel.begin(), rel.end(), e.to) == rel.end()) {
      continue;
    }
    lines.push_back("        " +
                    formatTraceLine(e, t0_, [this](SteamId id) { return nameOf(id); }));
  }
  state.result.context.assign(lines.rbegin(), lines.rend());
  if (options_.context_after > 0) {
    collectors_.push_back(
        {static_cast<std::size_t>(&state - checks_.data()), options_.context_after});
  }
}

// ---- set-up ---------------------------------------------------------------------------

void ScenarioRun::setUp() {
  const bool has_external =
      std::any_of(s_.peers.begin(), s_.peers.end(), [](const PeerSpec& p) { return p.external; });
  if (has_external && options_.external == nullptr) {
    std::string names;
    for (const PeerSpec& p : s_.peers) {
      if (p.external) names += (names.empty() ? "\"" : ", \"") + p.name + "\"";
    }
    throw std::runtime_error("peers " + names +
                             " are external (played by other processes): run this scenario "
                             "with steamsim serve --scenario " +
                             s_.file);
  }
  if (net_ == nullptr) {
    NetworkConfig config = s_.networkConfig(seed_);
    if (options_.external != nullptr) config.clock = ClockMode::RealTime;
    owned_net_ = std::make_unique<Network>(config);
    net_ = owned_net_.get();
  }
  net_->setTraceSink([this](const TraceEvent& event) { onTrace(event); });
  t0_ = net_->now().count();
  for (RunObserver* o : options_.observers) o->started(*net_, s_, seed_, t0_);
  end_us_ = msToUs(s_.duration_ms);
  channels_ = s_.channels();

  peers_.reserve(s_.peers.size());
  for (const PeerSpec& spec : s_.peers) names_[spec.steam_id] = spec.name;
  if (names_.size() != s_.peers.size()) {
    throw std::invalid_argument("two peers of the scenario have the same Steam ID");
  }
  for (const PeerSpec& spec : s_.peers) {
    Peer& api =
        net_->hasPeer(spec.steam_id) ? net_->peer(spec.steam_id) : net_->addPeer(spec.steam_id);
    peer_index_[spec.name] = peers_.size();
    PeerRun& run = peers_.emplace_back();
    run.spec = &spec;
    run.api = &api;
    run.reading = spec.reading;
  }
  {
    std::lock_guard lock(trace_mutex_);
    for (std::size_t i = 0; i < peers_.size(); ++i) index_of_[peers_[i].spec->steam_id] = i;
    unread_.assign(peers_.size(), 1);  // whatever is queued already is read at the first tick
  }
  embed_callbacks_ = net_->config().embed_callbacks;
  for (std::size_t i = 0; i < peers_.size(); ++i) {
    PeerRun* p = &peers_[i];
    p->on_request = p->api->onSessionRequest([this, p](SteamId remote) {
      const std::int64_t t = nowUs();
      {
        std::lock_guard lock(state_mutex_);
        p->signals.push_back({t, SignalKind::SessionRequest, remote, 0, 0, {}});
      }
      if (!p->game && !p->spec->external && p->spec->accept == AcceptPolicy::Auto) {
        (void)p->api->acceptSessionWithUser(remote);
      }
    });
    p->on_failed = p->api->onSessionFailed([this, p](const SessionFailed& failed) {
      const std::int64_t t = nowUs();
      std::lock_guard lock(state_mutex_);
      p->signals.push_back({t, SignalKind::SessionFailed, failed.remote_steam_id, failed.reason,
                            static_cast<int>(failed.connection_state), failed.debug_message});
    });
  }

  session_checks_.resize(peers_.size());
  for (std::size_t e = 0; e < s_.expectations.size(); ++e) {
    const Expectation& ex = s_.expectations[e];
    if (std::holds_alternative<SessionCheck>(ex.check)) {
      session_checks_[peer_index_.at(ex.peer)].push_back(e);
    }
  }
  always_poll_.assign(peers_.size(), 0);
  for (std::size_t i = 0; i < peers_.size(); ++i) {
    const bool callbacks = !embed_callbacks_ && !peers_[i].spec->external;
    if (games_ != nullptr || !session_checks_[i].empty() || callbacks) always_poll_[i] = 1;
  }

  // Default for Steam IDs outside the scenario: the rules naming "*" on both ends.
  LinkConditions outside;
  for (const LinkRule& rule : s_.links) {
    if (rule.from == "*" && rule.to == "*") rule.patch.applyTo(outside);
  }
  net_->setDefaultLink(outside);
  if (s_.peers.size() > kPairwiseLinkPeers) {
    std::vector<std::string> names;
    for (const PeerSpec& spec : s_.peers) names.push_back(spec.name);
    link_table_ = std::make_unique<LinkTable>(std::move(names));
    outside_ = outside;
    for (const LinkRule& rule : s_.links) link_table_->apply(rule);
    net_->setLinkResolver([this](SteamId from, SteamId to) {
      auto a = names_.find(from);
      auto b = names_.find(to);
      if (a == names_.end() || b == names_.end() || from == to) return outside_;
      std::lock_guard lock(link_mutex_);
      return link_table_->at(a->second, b->second);
    });
    return;
  }
  for (const PeerSpec& a : s_.peers) {
    for (const PeerSpec& b : s_.peers) {
      if (a.steam_id != b.steam_id) links_[{a.steam_id, b.steam_id}] = LinkConditions{};
    }
  }
  applyLinkRules(s_.links);
  if (games_ != nullptr) {
    for (std::size_t i = 0; i < peers_.size(); ++i) peers_[i].game = games_->start(i);
  }
}

void ScenarioRun::applyLinkRules(const std::vector<LinkRule>& rules) {
  if (link_table_) {
    {
      std::lock_guard lock(link_mutex_);
      for (const LinkRule& rule : rules) link_table_->apply(rule);
    }
    net_->refreshLinks();
    return;
  }
  for (auto& [pair, conditions] : links_) {
    const LinkConditions before = conditions;
    const std::string& from = names_.at(pair.first);
    const std::string& to = names_.at(pair.second);
    for (const LinkRule& rule : rules) {
      if (rule.matches(from, to)) rule.patch.applyTo(conditions);
    }
    if (!(conditions == before) || !(net_->link(pair.first, pair.second) == conditions)) {
      net_->setLink(pair.first, pair.second, conditions);
    }
  }
}

// ---- game loops -----------------------------------------------------------------------

void ScenarioRun::schedulePollGroup(std::shared_ptr<const std::vector<std::size_t>> group,
                                    std::int64_t period_us, std::int64_t t_us) {
  if (t_us > end_us_) return;
  scheduleAt(t_us, [this, group, period_us, t_us] {
    // Only the loops with something to do this tick: one look at two bytes per peer.
    due_.clear();
    {
      std::lock_guard lock(trace_mutex_);
      for (std::size_t peer : *group) {
        if (always_poll_[peer] != 0 || unread_[peer] != 0) due_.push_back(peer);
      }
    }
    for (std::size_t peer : due_) poll(peer);
    schedulePollGroup(group, period_us, t_us + period_us);
  });
}

void ScenarioRun::schedulePoll(std::size_t peer, std::int64_t t_us) {
  if (t_us > end_us_) return;
  scheduleAt(t_us, [this, peer, t_us] {
    poll(peer);
    schedulePoll(peer, t_us + static_cast<std::int64_t>(peers_[peer].spec->poll_ms) * 1000);
  });
}

void ScenarioRun::poll(std::size_t index) {
  PeerRun& p = peers_[index];
  if (!p.game && session_checks_[index].empty() && (embed_callbacks_ || p.spec->external)) {
    // This tick the loop could only read messages: nothing to do unless some were queued.
    if (p.spec->external || !p.reading) return;
    std::lock_guard lock(trace_mutex_);
    if (unread_[index] == 0) return;
    unread_[index] = 0;
  }
  if (p.api->crashed()) return;
  if (p.game) {
    games_->poll(index);
  } else if (!p.spec->external) {
    if (!net_->config().embed_callbacks) p.api->runCallbacks();
    if (p.reading) drain(p);
  }
  for (std::size_t e : session_checks_[index]) checkSessionLive(e);
}

void ScenarioRun::drain(PeerRun& p) {
  for (int channel : channels_) {
    for (;;) {
      std::vector<Message> batch = p.api->receiveMessagesOnChannel(channel, kDrainBatch);
      if (batch.empty()) break;
      record(p, batch);
      if (batch.size() < static_cast<std::size_t>(kDrainBatch)) break;
    }
  }
}

void ScenarioRun::record(PeerRun& p, const std::vector<Message>& batch) {
  const std::int64_t t = nowUs();
  std::lock_guard lock(state_mutex_);
  for (const Message& m : batch) recordReadLocked(p, m, t);
}

void ScenarioRun::attachExternal() {
  std::vector<SteamId> ids;
  for (const PeerSpec& spec : s_.peers) {
    if (spec.external) ids.push_back(spec.steam_id);
  }
  if (options_.external == nullptr) return;
  external_attached_ = true;
  options_.external->attach(*net_, ids, [this](SteamId reader, const std::vector<Message>& batch) {
    for (PeerRun& p : peers_) {
      if (p.spec->steam_id == reader) {
        record(p, batch);
        return;
      }
    }
  });
  // Run time starts once every process is there.
  t0_ = net_->now().count();
}

void ScenarioRun::recordRead(std::size_t index, const Message& message) {
  const std::int64_t t = nowUs();
  std::lock_guard lock(state_mutex_);
  recordReadLocked(peers_[index], message, t);
}

void ScenarioRun::recordReadLocked(PeerRun& p, const Message& m, std::int64_t t) {
  ReadMessage r;
  r.t_us = t;
  r.from = m.identity;
  r.channel = m.channel;
  r.reliable = (m.flags & NETWORKING_SEND_RELIABLE) != 0;
  const std::uint64_t h = hashBytes(m.payload.data(), m.payload.size());
  SentIndex* stream = sent_.find({m.identity, p.spec->steam_id, m.channel});
  if (stream == nullptr) {
    r.kind = ReadMessage::Kind::Unknown;
  } else if (auto c = stream->by_hash.find(h); c == stream->by_hash.end()) {
    r.kind = ReadMessage::Kind::Unknown;
  } else if (!c->second.pending.empty()) {
    r.seq = c->second.pending.pop();
    c->second.last = r.seq;
  } else if (c->second.last != 0) {
    r.kind = ReadMessage::Kind::Duplicate;
    r.seq = c->second.last;
  } else {
    r.kind = ReadMessage::Kind::Unknown;
  }
  p.read.push_back(r);
}

// ---- timeline -------------------------------------------------------------------------

void ScenarioRun::scheduleTimeline() {
  entry_peer_.assign(s_.timeline.size(), 0);
  for (std::size_t i = 0; i < s_.timeline.size(); ++i) {
    if (auto it = peer_index_.find(s_.timeline[i].peer); it != peer_index_.end()) {
      entry_peer_[i] = it->second;
    }
  }
  std::vector<std::size_t> order(s_.timeline.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
    return s_.timeline[a].at_ms < s_.timeline[b].at_ms;
  });
  for (std::size_t i : order) {
    scheduleAt(msToUs(s_.timeline[i].at_ms), [this, i] { runEntry(i); });
  }
}

void ScenarioRun::noteResult(std::size_t entry, bool ok, const std::string& outcome,
                             const std::string& detail) {
  auto it = action_check_.find(entry);
  if (it == action_check_.end()) return;
  const std::int64_t t = nowUs();
  CheckState& state = checks_[it->second];
  {
    std::lock_guard lock(state_mutex_);
    ++state.attempts;
    ++state.outcomes[outcome];
    if (ok || state.mismatches++ > 0) return;
    state.first_mismatch = detail + " at " + seconds(t);
    state.result.at_ms = static_cast<double>(t) / 1e3;
  }
  snapshot(state);
}

void ScenarioRun::runSend(std::size_t entry, const SendAction& send, PeerRun& p, int i) {
  if (p.api->crashed()) {
    noteResult(entry, false, "not sent (peer crashed)",
               "message " + std::to_string(i) + " not sent: " + p.spec->name + " had crashed");
    return;
  }
  const Stream stream{p.spec->steam_id, send.to.steam_id, send.channel};
  std::vector<std::uint8_t> bytes;
  std::uint64_t seq = 0;
  SentIndex* index = nullptr;  // entries of sent_ are never erased
  {
    std::lock_guard lock(state_mutex_);
    index = &sent_[stream];
    seq = index->next_seq;
  }
  if (send.payload) {
    const std::string text = replaceIndex(*send.payload, i);
    bytes.assign(text.begin(), text.end());
  } else {
    bytes = sizedPayload(seq, static_cast<std::size_t>(send.size));
  }
  for (RunObserver* o : options_.observers) {
    o->sending(p.spec->steam_id, send.to.steam_id, send.channel, send.flags, bytes.size());
  }
  const Result result = p.api->sendMessageToUser(
      send.to.steam_id, std::span<const std::uint8_t>(bytes.data(), bytes.size()), send.flags,
      send.channel);
  if (result == Result::OK) {
    std::lock_guard lock(state_mutex_);
    ++index->next_seq;
    index->by_hash[hashBytes(bytes.data(), bytes.size())].pending.push(seq);
  }
  const int code = static_cast<int>(result);
  if (send.expect_result) {
    noteResult(entry, code == *send.expect_result, resultLabel(code),
               "message " + std::to_string(i) + " returned " + resultLabel(code));
  }
}

void ScenarioRun::sendSeries(std::size_t index, int i) {
  const TimelineEntry& entry = s_.timeline[index];
  const auto& send = std::get<SendAction>(entry.action);
  runSend(index, send, peers_[entry_peer_[index]], i);
  if (i + 1 >= send.count) return;
  const std::int64_t next = msToUs(entry.at_ms + send.every_ms * (i + 1));
  if (next > end_us_) return;
  scheduleAt(next, [this, index, i] { sendSeries(index, i + 1); });
}

void ScenarioRun::runEntry(std::size_t index) {
  const TimelineEntry& entry = s_.timeline[index];
  std::visit(
      [&](const auto& action) {
        using T = std::decay_t<decltype(action)>;
        if constexpr (std::is_same_v<T, LinksChange>) {
          applyLinkRules(action.rules);
        } else if constexpr (std::is_same_v<T, PartitionChange>) {
          std::vector<std::vector<SteamId>> groups;
          for (const auto& group : action.groups) {
            std::vector<SteamId> ids;
            for (const std::string& name : group) ids.push_back(peerRun(name).spec->steam_id);
            groups.push_back(std::move(ids));
          }
          net_->partition(groups);
        } else if constexpr (std::is_same_v<T, HealChange>) {
          net_->heal();
        } else if constexpr (std::is_same_v<T, SendAction>) {
          PeerRun& p = peerRun(entry.peer);
          if (action.every_ms <= 0.0 || action.count == 1) {
            for (int i = 0; i < action.count; ++i) runSend(index, action, p, i);
          } else {
            sendSeries(index, 0);
          }
        } else if constexpr (std::is_same_v<T, CrashAction>) {
          PeerRun& p = peerRun(entry.peer);
          net_->crash(p.spec->steam_id);
          if (p.game) games_->crashed(peer_index_.at(entry.peer));
        } else if constexpr (std::is_same_v<T, RestartAction>) {
          PeerRun& p = peerRun(entry.peer);
          const bool was_crashed = p.api->crashed();
          net_->restart(p.spec->steam_id);
          if (games_ != nullptr && was_crashed && !p.api->crashed()) {
            p.game = games_->start(peer_index_.at(entry.peer));
          }
        } else if constexpr (std::is_same_v<T, ReadingAction>) {
          peerRun(entry.peer).reading = action.on;
        } else {
          // accept, close_session, close_channel
          PeerRun& p = peerRun(entry.peer);
          if (p.api->crashed()) {
            noteResult(index, false, "not called (peer crashed)",
                       "not called: " + p.spec->name + " had crashed");
            return;
          }
          bool got = false;
          if constexpr (std::is_same_v<T, AcceptAction>) {
            got = p.api->acceptSessionWithUser(action.with.steam_id);
          } else if constexpr (std::is_same_v<T, CloseSessionAction>) {
            got = p.api->closeSessionWithUser(action.with.steam_id);
          } else {
            got = p.api->closeChannelWithUser(action.with.steam_id, action.channel);
          }
          if (action.expect_result) {
            noteResult(index, got == *action.expect_result, got ? "true" : "false",
                       std::string("returned ") + (got ? "true" : "false"));
          }
        }
      },
      entry.action);
}

// ---- the run --------------------------------------------------------------------------

RunResult ScenarioRun::run() {
  const auto wall_start = std::chrono::steady_clock::now();
  setUp();
  attachExternal();
  scheduleChecks();
  scheduleTimeline();
  if (link_table_) {
    // Many peers: the game loops of one period tick together, in peer order, as one event.
    std::map<int, std::vector<std::size_t>> by_period;
    for (std::size_t i = 0; i < peers_.size(); ++i) by_period[peers_[i].spec->poll_ms].push_back(i);
    for (auto& [period_ms, group] : by_period) {
      schedulePollGroup(std::make_shared<const std::vector<std::size_t>>(std::move(group)),
                        static_cast<std::int64_t>(period_ms) * 1000, 0);
    }
  } else {
    for (std::size_t i = 0; i < peers_.size(); ++i) schedulePoll(i, 0);
  }

  net_->advance(std::chrono::microseconds(end_us_));
  stopActions();  // in real time the network thread would go on running game loops
  if (external_attached_) {
    external_attached_ = false;
    options_.external->detach();
  }

  // The game loops' last look at the end of the run.
  for (std::size_t i = 0; i < peers_.size(); ++i) {
    PeerRun& p = peers_[i];
    if (p.api->crashed() || p.spec->external) continue;
    if (p.game) {
      games_->poll(i);
      continue;
    }
    if (!net_->config().embed_callbacks) p.api->runCallbacks();
    if (p.reading) drain(p);
  }
  if (games_ != nullptr) games_->finish();
  for (std::size_t e = 0; e < s_.expectations.size(); ++e) {
    const Expectation& ex = s_.expectations[e];
    CheckState& state = checks_[expectation_check_[e]];
    if (const auto* c = std::get_if<ReceivedCheck>(&ex.check)) {
      evaluateReceived(ex, *c, state);
    } else if (const auto* c2 = std::get_if<SignalCheck>(&ex.check)) {
      evaluateSignal(ex, *c2, state);
    } else if (!state.decided) {
      decideSession(e, true);
    }
  }
  // Timeline actions with expect_result.
  for (const auto& [entry, index] : action_check_) {
    CheckState& state = checks_[index];
    std::string outcomes;
    for (const auto& [label, n] : state.outcomes) {
      if (!outcomes.empty()) outcomes += ", ";
      outcomes += std::to_string(n) + " x " + label;
    }
    state.result.passed = state.attempts > 0 && state.mismatches == 0;
    if (state.attempts == 0) {
      state.result.actual = "the action never ran (the run ended first)";
    } else if (state.mismatches == 0) {
      state.result.actual = outcomes;
    } else {
      state.result.actual = outcomes + "; first: " + state.first_mismatch;
    }
    if (!state.result.passed && state.result.context.empty()) snapshot(state);
  }

  RunResult result;
  result.file = s_.file;
  result.name = s_.name;
  result.seed = seed_;
  result.trace_hash = net_->traceHash();
  result.duration_ms = s_.duration_ms;
  result.counters = net_->counters();
  {
    std::lock_guard lock(trace_mutex_);
    result.trace_events = trace_events_;
    collectors_.clear();
  }
  net_->setTraceSink(nullptr);
  for (PeerRun& p : peers_) {
    p.on_request.disconnect();
    p.on_failed.disconnect();
  }
  for (CheckState& state : checks_) {
    if (state.result.passed) {
      state.result.context.clear();
    } else {
      explainFailure(state);
    }
    result.checks.push_back(std::move(state.result));
  }
  result.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start)
          .count();
  for (RunObserver* o : options_.observers) o->finished(*net_, result);
  return result;
}

}  // namespace detail
}  // namespace steamsim::scenario
