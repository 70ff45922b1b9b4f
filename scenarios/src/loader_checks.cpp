// Checks that need the whole scenario: link conditions in force at every change, the order
// of crashes and restarts, accepts by peers that ignore requests, actions aimed at the
// acting peer itself, and `received` expectations no send could ever satisfy.

#include <algorithm>
#include <map>
#include <set>

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

class LinkState {
 public:
  explicit LinkState(const Scenario& s) {
    for (const PeerSpec& a : s.peers) {
      for (const PeerSpec& b : s.peers) {
        if (a.name != b.name) links_[{a.name, b.name}] = LinkConditions{};
      }
    }
  }

  void apply(Loader& loader, const LinkRule& rule) {
    bool matched = false;
    std::set<std::string> reported;
    for (auto& [pair, conditions] : links_) {
      if (!rule.matches(pair.first, pair.second)) continue;
      matched = true;
      rule.patch.applyTo(conditions);
      for (const std::string& problem : conditions.validate()) {
        if (!reported.insert(problem).second) continue;
        loader.error(rule.origin.pointer, problem + " on the link " + pair.first + " -> " +
                                              pair.second + " once this rule is applied");
      }
    }
    if (!matched && links_.size() > 0) {
      loader.error(rule.origin.pointer,
                   "expected a rule matching at least one link between two "
                   "different peers, got from \"" +
                       rule.from + "\" to \"" + rule.to + "\"");
    }
  }

 private:
  std::map<std::pair<std::string, std::string>, LinkConditions> links_;
};

void checkLinks(Loader& loader, const Scenario& s) {
  LinkState state(s);
  for (const LinkRule& rule : s.links) state.apply(loader, rule);
  for (const TimelineEntry* entry : inRunOrder(s)) {
    if (const auto* change = std::get_if<LinksChange>(&entry->action)) {
      for (const LinkRule& rule : change->rules) state.apply(loader, rule);
    }
  }
}

void checkPeerActions(Loader& loader, const Scenario& s) {
  std::set<std::string> crashed;
  for (const TimelineEntry* entry : inRunOrder(s)) {
    const std::string& p = entry->origin.pointer;
    const PeerSpec* actor = s.findPeer(entry->peer);
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

/// true if some timeline send, or an external peer's process, could deliver a message
/// `check` counts, to `receiver`.
bool someSendFeeds(const Scenario& s, const std::string& receiver, const ReceivedCheck& check) {
  const PeerSpec* to = s.findPeer(receiver);
  for (const PeerSpec& peer : s.peers) {
    if (peer.external && peer.name != receiver &&
        (!check.from || check.from->steam_id == peer.steam_id)) {
      return true;
    }
  }
  for (const TimelineEntry& entry : s.timeline) {
    const auto* send = std::get_if<SendAction>(&entry.action);
    if (send == nullptr || to == nullptr || send->to.steam_id != to->steam_id) continue;
    if (check.from && s.findPeer(entry.peer)->steam_id != check.from->steam_id) continue;
    if (check.channel && send->channel != *check.channel) continue;
    return true;
  }
  return false;
}

void checkExpectations(Loader& loader, const Scenario& s) {
  for (const Expectation& e : s.expectations) {
    const std::string& p = e.origin.pointer;
    const PeerSpec* peer = s.findPeer(e.peer);
    if (const auto* received = std::get_if<ReceivedCheck>(&e.check)) {
      if (!received->count.matches(0) && !someSendFeeds(s, e.peer, *received)) {
        std::string what = "a timeline send to \"" + e.peer + "\"";
        if (received->from) what += " from \"" + received->from->label() + "\"";
        if (received->channel) what += " on channel " + std::to_string(*received->channel);
        loader.error(p + "/received", "expected " + what +
                                          " that could deliver these messages, got none; "
                                          "the expectation could never be met");
      }
    } else if (const auto* session = std::get_if<SessionCheck>(&e.check)) {
      if (peer != nullptr && session->with.steam_id == peer->steam_id) {
        loader.error(p + "/session/with",
                     "expected another peer than \"" + e.peer + "\", got the peer itself");
      }
    }
  }
}

}  // namespace

void crossCheck(Loader& loader, const Scenario& scenario) {
  checkLinks(loader, scenario);
  checkPeerActions(loader, scenario);
  checkExpectations(loader, scenario);
}

}  // namespace steamsim::scenario::detail
