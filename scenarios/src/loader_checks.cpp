// SPDX-License-Identifier: MIT
// Checks that need the whole scenario: link conditions in force at every change, the order
// of crashes and restarts, accepts by peers that ignore requests, actions aimed at the
// acting peer itself, and `received` expectations no send could ever satisfy.

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "link_table.hpp"
#include "loader_support.hpp"

namespace steamsim::scenario::detail {

namespace {

/// Timeline entries in the order they run (by time, then file order).
std::vector<const TimelineEntry*> inRunOrder(const Scenario& s) {
  std::vector<const TimelineEntry*> order;
  for (const TimelineEntry& e : s.timeline) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(), [](const TimelineEntry* a, const TimelineEntry* b) {
    return a->at_ms < b->at_ms;
  });
  return order;
}

void checkLinks(Loader& loader, const Scenario& s) {
  const std::vector<std::string> names = loader.peerNames();
  LinkTable table(names);
  const std::size_t max_states = loader.limits().max_link_states;
  bool too_many = false;
  const auto apply = [&](const LinkRule& rule) {
    if (too_many) return;
    std::set<std::string> reported;
    table.apply(rule, [&](const LinkTable::Changed& changed) {
      for (const std::string& problem : changed.conditions->validate()) {
        if (reported.count(problem) != 0) continue;
        const auto link = changed.link();
        if (!link) continue;  // no link is in this state
        reported.insert(problem);
        loader.error(rule.origin.pointer, problem + " on the link " + link->first + " -> " +
                                              link->second + " once this rule is applied");
      }
    });
    if (!table.matchesSomeLink(rule) && names.size() >= 2) {
      loader.error(rule.origin.pointer,
                   "expected a rule matching at least one link between two "
                   "different peers, got from \"" +
                       rule.from + "\" to \"" + rule.to + "\"");
    }
    if (table.states() > max_states) {
      too_many = true;
      loader.error(rule.origin.pointer,
                   "expected link rules that set at most " + std::to_string(max_states) +
                       " distinct link states, got more by this rule (each rule naming a peer "
                       "on one end meets every rule naming a peer on the other end)");
    }
  };
  for (const LinkRule& rule : s.links) apply(rule);
  for (const TimelineEntry* entry : inRunOrder(s)) {
    if (const auto* change = std::get_if<LinksChange>(&entry->action)) {
      for (const LinkRule& rule : change->rules) apply(rule);
    }
  }
}

/// Bounds the work a run would do: messages and payload bytes all sends schedule, and the
/// game loops' ticks.
void checkWork(Loader& loader, const Scenario& s) {
  const LoadLimits& limits = loader.limits();
  // Every tick of every game loop reads every channel the scenario names.
  std::uint64_t ticks = 0;
  for (const PeerSpec& p : s.peers) {
    ticks += static_cast<std::uint64_t>(s.duration_ms / std::max(p.poll_ms, 1)) + 1;
  }
  const std::uint64_t channels = s.channels().size();
  if (ticks * channels > limits.max_poll_ticks) {
    loader.error("/duration_ms",
                 "expected at most " + std::to_string(limits.max_poll_ticks) +
                     " channel reads by the game loops in all (for each peer duration_ms / "
                     "poll_ms ticks, times the " +
                     std::to_string(channels) + " channel(s) named), got " +
                     std::to_string(ticks * channels) +
                     "; raise poll_ms, shorten the run or name fewer channels");
  }
  std::unordered_map<SteamId, std::uint64_t> messages_to;  // receiver -> scheduled messages
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
  bool reported_messages = false;
  bool reported_bytes = false;
  for (const TimelineEntry& entry : s.timeline) {
    const auto* send = std::get_if<SendAction>(&entry.action);
    if (send == nullptr) continue;
    auto count = static_cast<std::uint64_t>(send->count);
    if (send->every_ms > 0.0 && send->count > 1) {  // sends past the end are not made
      const double fit = std::floor((s.duration_ms - entry.at_ms) / send->every_ms) + 1.0;
      count = std::min(count, static_cast<std::uint64_t>(std::max(fit, 1.0)));
    }
    std::uint64_t each = static_cast<std::uint64_t>(send->size);
    if (send->payload) {
      std::uint64_t indexes = 0;  // each "{i}" may grow to the index's digits
      for (std::size_t at = send->payload->find("{i}"); at != std::string::npos;
           at = send->payload->find("{i}", at + 3)) {
        ++indexes;
      }
      each = send->payload->size() + indexes * 7;
    }
    messages += count;
    messages_to[send->to.steam_id] += count;
    bytes += count * each;
    const std::string p = entry.origin.pointer + "/send/count";
    if (messages > limits.max_scheduled_sends && !reported_messages) {
      reported_messages = true;
      loader.error(p, "expected the timeline's sends to schedule at most " +
                          std::to_string(limits.max_scheduled_sends) + " messages in all, got " +
                          std::to_string(messages) +
                          " by this send (those past the end of the run not counted)");
    }
    if (bytes > limits.max_scheduled_bytes && !reported_bytes) {
      reported_bytes = true;
      loader.error(p, "expected the timeline's sends to carry at most " +
                          std::to_string(limits.max_scheduled_bytes) +
                          " payload bytes in all, got " + std::to_string(bytes) +
                          " by this send (count x size)");
    }
  }
  // Each `received` expectation looks at every message its peer read.
  std::uint64_t examined = 0;
  for (const Expectation& e : s.expectations) {
    if (!std::holds_alternative<ReceivedCheck>(e.check)) continue;
    if (auto it = messages_to.find(loader.steamIdOf(e.peer)); it != messages_to.end()) {
      examined += it->second;
    }
  }
  if (examined > limits.max_check_reads) {
    loader.error("/expect", "expected at most " + std::to_string(limits.max_check_reads) +
                                " messages examined by the expectations in all (each expectation "
                                "on a peer, times the messages sent to it), got " +
                                std::to_string(examined));
  }
}

void checkPeerActions(Loader& loader, const Scenario& s) {
  std::set<std::string> crashed;
  for (const TimelineEntry* entry : inRunOrder(s)) {
    const std::string& p = entry->origin.pointer;
    const PeerSpec* actor = loader.findPeer(entry->peer);
    const bool crash_or_restart = std::holds_alternative<CrashAction>(entry->action) ||
                                  std::holds_alternative<RestartAction>(entry->action);
    if (actor != nullptr && actor->external && !crash_or_restart) {
      loader.error(p + "/peer", "expected a peer the runner plays, got \"" + entry->peer +
                                    "\", which is external (its own process acts for it; "
                                    "only crash and restart apply to it)");
    }
    if (std::holds_alternative<CrashAction>(entry->action)) {
      if (!crashed.insert(entry->peer).second) {
        loader.error(p + "/crash", "expected a running peer, got \"" + entry->peer +
                                       "\", which has already crashed by " +
                                       formatNumber(entry->at_ms) + " ms");
      }
    } else if (std::holds_alternative<RestartAction>(entry->action)) {
      if (crashed.erase(entry->peer) == 0) {
        loader.error(p + "/restart", "expected a crashed peer, got \"" + entry->peer +
                                         "\", which is running at " + formatNumber(entry->at_ms) +
                                         " ms (crash it earlier in the timeline)");
      }
    }
    const auto self = [&](const Target& target, const std::string& key) {
      if (actor != nullptr && target.steam_id == actor->steam_id) {
        loader.error(p + key, "expected another peer than the acting one, got \"" + target.label() +
                                  "\" itself");
      }
    };
    if (const auto* send = std::get_if<SendAction>(&entry->action)) self(send->to, "/send/to");
    if (const auto* accept = std::get_if<AcceptAction>(&entry->action)) {
      self(accept->with, "/accept/with");
      if (actor != nullptr && actor->accept == AcceptPolicy::Ignore) {
        loader.error(p + "/accept",
                     "expected a peer whose accept policy is \"manual\" or "
                     "\"auto\", got \"" +
                         entry->peer + "\", which has \"accept\": \"ignore\"");
      }
    }
    if (const auto* close = std::get_if<CloseSessionAction>(&entry->action)) {
      self(close->with, "/close_session/with");
    }
    if (const auto* close = std::get_if<CloseChannelAction>(&entry->action)) {
      self(close->with, "/close_channel/with");
    }
  }
}

/// (receiver, sender, channel) of every timeline send, to answer "could a send feed this".
struct SendKeys {
  std::set<std::tuple<SteamId, SteamId, int>> exact;
  std::set<std::pair<SteamId, SteamId>> any_channel;  // receiver, sender
  std::set<std::pair<SteamId, int>> any_sender;       // receiver, channel
  std::set<SteamId> receivers;
  std::set<SteamId> free_senders;  // external or game peers: their own code may send anything

  SendKeys(const Scenario& s, const Loader& loader) {
    for (const PeerSpec& peer : s.peers) {
      if (peer.external || peer.game) free_senders.insert(peer.steam_id);
    }
    for (const TimelineEntry& entry : s.timeline) {
      const auto* send = std::get_if<SendAction>(&entry.action);
      if (send == nullptr) continue;
      const SteamId from = loader.steamIdOf(entry.peer);
      exact.emplace(send->to.steam_id, from, send->channel);
      any_channel.emplace(send->to.steam_id, from);
      any_sender.emplace(send->to.steam_id, send->channel);
      receivers.insert(send->to.steam_id);
    }
  }

  /// true if an external or game peer other than `receiver` could be the sender `check`
  /// counts.
  bool freeSenderMaySend(SteamId receiver, const ReceivedCheck& check) const {
    if (check.from) return free_senders.count(check.from->steam_id) != 0;
    return free_senders.size() > free_senders.count(receiver);
  }

  /// true if some timeline send could deliver a message `check` counts, to `receiver`.
  bool feed(SteamId receiver, const ReceivedCheck& check) const {
    if (receiver == 0) return false;
    if (freeSenderMaySend(receiver, check)) return true;
    if (check.from && check.channel) {
      return exact.count({receiver, check.from->steam_id, *check.channel}) != 0;
    }
    if (check.from) return any_channel.count({receiver, check.from->steam_id}) != 0;
    if (check.channel) return any_sender.count({receiver, *check.channel}) != 0;
    return receivers.count(receiver) != 0;
  }
};

void checkExpectations(Loader& loader, const Scenario& s) {
  const SendKeys sends(s, loader);
  for (const Expectation& e : s.expectations) {
    const std::string& p = e.origin.pointer;
    const SteamId peer_id = loader.steamIdOf(e.peer);
    if (const auto* received = std::get_if<ReceivedCheck>(&e.check)) {
      if (!received->count.matches(0) && !sends.feed(peer_id, *received)) {
        std::string what = "a timeline send to \"" + e.peer + "\"";
        if (received->from) what += " from \"" + received->from->label() + "\"";
        if (received->channel) what += " on channel " + std::to_string(*received->channel);
        loader.error(p + "/received",
                     "expected " + what +
                         " that could deliver these messages (or a sender marked \"game\": "
                         "true), got none; the expectation could never be met");
      }
    } else if (const auto* session = std::get_if<SessionCheck>(&e.check)) {
      if (peer_id != 0 && session->with.steam_id == peer_id) {
        loader.error(p + "/session/with",
                     "expected another peer than \"" + e.peer + "\", got the peer itself");
      }
    }
  }
}

}  // namespace

void crossCheck(Loader& loader, const Scenario& scenario) {
  checkWork(loader, scenario);
  checkLinks(loader, scenario);
  checkPeerActions(loader, scenario);
  checkExpectations(loader, scenario);
}

}  // namespace steamsim::scenario::detail
