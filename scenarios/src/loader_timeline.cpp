// SPDX-License-Identifier: MIT
// Reading one timeline entry: its time and exactly one network change or peer action.

#include <limits>

#include "loader_support.hpp"

namespace steamsim::scenario::detail {

namespace {

// One byte beyond Steam's limit is allowed, to test InvalidParam; more would only cost memory.
constexpr std::int64_t kMaxSendSize = kMaxMessageSizeSend + 1;
constexpr std::int64_t kMaxCount = 10000000;
constexpr std::int64_t kIntMin = std::numeric_limits<int>::min();
constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();

const std::vector<std::string>& networkActions() {
  static const std::vector<std::string> names = {"links", "partition", "heal"};
  return names;
}
const std::vector<std::string>& peerActions() {
  static const std::vector<std::string> names = {
      "send", "accept", "close_session", "close_channel", "crash", "restart", "reading"};
  return names;
}

std::optional<int> readFlags(Loader& loader, const Json& value, const std::string& pointer) {
  const int all = NETWORKING_SEND_NO_NAGLE | NETWORKING_SEND_NO_DELAY | NETWORKING_SEND_RELIABLE |
                  NETWORKING_SEND_USE_CURRENT_THREAD | NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION;
  if (value.is_number()) {
    auto v = loader.integer(value, pointer, 0, all, "send flags (an int)");
    if (!v) return std::nullopt;
    if ((*v & ~static_cast<std::int64_t>(all)) != 0) {
      loader.error(pointer,
                   "expected a combination of the bits 1, 4, 8, 16 and 32, got " + describe(value));
      return std::nullopt;
    }
    return static_cast<int>(*v);
  }
  const bool list = value.is_array();
  if (!list && !value.is_string()) {
    loader.error(pointer,
                 "expected send flags (an int, a flag name or a list of flag names), got " +
                     describe(value));
    return std::nullopt;
  }
  int flags = 0;
  bool ok = true;
  const std::size_t n = list ? value.size() : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const Json& item = list ? value[i] : value;
    const std::string p = list ? child(pointer, i) : pointer;
    if (auto v = loader.named(item, p, sendFlagNames(), "a send flag name")) {
      if (!item.is_string()) {
        loader.error(p, "expected a send flag name in a list of names, got " + describe(item));
        ok = false;
      } else {
        flags |= *v;
      }
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return flags;
}

std::optional<SendAction> readSend(Loader& loader, const Json& value, const std::string& pointer) {
  if (!loader.object(value, pointer, "a send object ({\"to\": ..., \"payload\": ...})")) {
    return std::nullopt;
  }
  loader.checkKeys(value, pointer, "send");
  const std::size_t errors_before = loader.errorCount();
  SendAction send;
  if (auto it = value.find("to"); it != value.end()) {
    if (auto t = loader.target(*it, child(pointer, "to"))) send.to = *t;
  } else {
    loader.missing(pointer, "to", "the receiving peer's name or Steam ID");
  }
  if (auto it = value.find("channel"); it != value.end()) {
    if (auto v = loader.integer(*it, child(pointer, "channel"), kIntMin, kIntMax, "a channel")) {
      send.channel = static_cast<int>(*v);
    }
  }
  if (auto it = value.find("flags"); it != value.end()) {
    if (auto v = readFlags(loader, *it, child(pointer, "flags"))) send.flags = *v;
  }
  const auto payload = value.find("payload");
  const auto size = value.find("size");
  if (payload != value.end() && size != value.end()) {
    loader.errorAtKey(child(pointer, "size"), "expected either \"payload\" or \"size\", got both");
  } else if (payload != value.end()) {
    if (auto v = loader.string(*payload, child(pointer, "payload"))) send.payload = *v;
  } else if (size != value.end()) {
    if (auto v =
            loader.integer(*size, child(pointer, "size"), 0, kMaxSendSize,
                           "a payload size in bytes (524288 is Steam's message limit, 524289 tests "
                           "InvalidParam)")) {
      send.size = static_cast<int>(*v);
    }
  } else {
    loader.missing(pointer, "payload", "a text \"payload\" or a \"size\" in bytes");
  }
  if (auto it = value.find("count"); it != value.end()) {
    if (auto v = loader.integer(*it, child(pointer, "count"), 1, kMaxCount, "a message count")) {
      send.count = static_cast<int>(*v);
    }
  }
  if (auto it = value.find("every_ms"); it != value.end()) {
    if (auto v = loader.number(*it, child(pointer, "every_ms"), 0.0, 86400000.0,
                               "a period in milliseconds")) {
      send.every_ms = *v;
    }
  }
  if (auto it = value.find("expect_result"); it != value.end()) {
    if (auto v = loader.named(*it, child(pointer, "expect_result"), resultNames(), "a Result")) {
      send.expect_result = *v;
    }
  }
  if (loader.errorCount() != errors_before) return std::nullopt;
  return send;
}

/// `with` and `expect_result` (bool) of accept / close_session / close_channel.
bool readWith(Loader& loader, const Json& value, const std::string& pointer, Target& with,
              std::optional<bool>& expect_result) {
  const std::size_t errors_before = loader.errorCount();
  if (auto it = value.find("with"); it != value.end()) {
    if (auto t = loader.target(*it, child(pointer, "with"))) with = *t;
  } else {
    loader.missing(pointer, "with", "the remote peer's name or Steam ID");
  }
  if (auto it = value.find("expect_result"); it != value.end()) {
    if (auto v = loader.boolean(*it, child(pointer, "expect_result"))) expect_result = *v;
  }
  return loader.errorCount() == errors_before;
}

std::optional<TimelineAction> readPeerAction(Loader& loader, const std::string& key,
                                             const Json& value, const std::string& pointer) {
  if (key == "send") {
    auto send = readSend(loader, value, pointer);
    if (!send) return std::nullopt;
    return TimelineAction{std::move(*send)};
  }
  if (key == "accept" || key == "close_session" || key == "close_channel") {
    if (!loader.object(value, pointer, "an object ({\"with\": ...})")) return std::nullopt;
    loader.checkKeys(value, pointer, key);
    Target with;
    std::optional<bool> expect_result;
    bool ok = readWith(loader, value, pointer, with, expect_result);
    if (key == "accept") {
      if (!ok) return std::nullopt;
      return TimelineAction{AcceptAction{with, expect_result}};
    }
    if (key == "close_session") {
      if (!ok) return std::nullopt;
      return TimelineAction{CloseSessionAction{with, expect_result}};
    }
    CloseChannelAction close{with, 0, expect_result};
    if (auto it = value.find("channel"); it != value.end()) {
      if (auto v = loader.integer(*it, child(pointer, "channel"), kIntMin, kIntMax, "a channel")) {
        close.channel = static_cast<int>(*v);
      } else {
        ok = false;
      }
    } else {
      loader.missing(pointer, "channel", "the channel to close");
      ok = false;
    }
    if (!ok) return std::nullopt;
    return TimelineAction{close};
  }
  if (key == "reading") {
    auto v = loader.boolean(value, pointer);
    if (!v) return std::nullopt;
    return TimelineAction{ReadingAction{*v}};
  }
  // crash, restart
  if (!value.is_boolean() || !value.get<bool>()) {
    loader.error(pointer, "expected true, got " + describe(value));
    return std::nullopt;
  }
  if (key == "crash") return TimelineAction{CrashAction{}};
  return TimelineAction{RestartAction{}};
}

std::optional<TimelineAction> readNetworkChange(Loader& loader, const std::string& key,
                                                const Json& value, const std::string& pointer) {
  if (key == "heal") {
    if (!value.is_boolean() || !value.get<bool>()) {
      loader.error(pointer, "expected true, got " + describe(value));
      return std::nullopt;
    }
    return TimelineAction{HealChange{}};
  }
  if (key == "links") {
    if (!loader.array(value, pointer, "an array of link rules")) return std::nullopt;
    LinksChange change;
    bool ok = true;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (auto rule = readLinkRule(loader, value[i], child(pointer, i))) {
        change.rules.push_back(std::move(*rule));
      } else {
        ok = false;
      }
    }
    if (change.rules.empty() && ok) {
      loader.error(pointer, "expected at least one link rule, got []");
      ok = false;
    }
    if (!ok) return std::nullopt;
    return TimelineAction{std::move(change)};
  }
  // partition
  const std::string shape = "two or more groups of peer names ([[\"a\"], [\"b\", \"c\"]])";
  if (!value.is_array() || value.size() < 2) {
    loader.error(pointer, "expected " + shape + ", got " + describe(value));
    return std::nullopt;
  }
  PartitionChange change;
  bool ok = true;
  std::vector<std::pair<std::string, std::size_t>> seen;  // name, group
  for (std::size_t g = 0; g < value.size(); ++g) {
    const std::string gp = child(pointer, g);
    if (!value[g].is_array() || value[g].empty()) {
      loader.error(gp, "expected a non-empty array of peer names, got " + describe(value[g]));
      ok = false;
      continue;
    }
    std::vector<std::string> group;
    for (std::size_t i = 0; i < value[g].size(); ++i) {
      const std::string p = child(gp, i);
      auto name = loader.peerName(value[g][i], p);
      if (!name) {
        ok = false;
        continue;
      }
      for (const auto& [other, other_group] : seen) {
        if (other == *name) {
          loader.error(p, "expected each peer in one group only, got \"" + *name +
                              "\" again (already in group " + std::to_string(other_group) + ")");
          ok = false;
        }
      }
      seen.emplace_back(*name, g);
      group.push_back(*name);
    }
    change.groups.push_back(std::move(group));
  }
  if (!ok) return std::nullopt;
  return TimelineAction{std::move(change)};
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

std::optional<TimelineEntry> readTimelineEntry(Loader& loader, const Json& value,
                                               const std::string& pointer) {
  if (!loader.object(value, pointer, "a timeline entry object ({\"at_ms\": ..., ...})")) {
    return std::nullopt;
  }
  loader.checkKeys(value, pointer, "timeline_entry");
  const std::size_t errors_before = loader.errorCount();
  TimelineEntry entry;
  entry.origin = loader.origin(pointer);
  if (auto it = value.find("at_ms"); it != value.end()) {
    if (auto t = loader.time(*it, child(pointer, "at_ms"), "it would never happen")) {
      entry.at_ms = *t;
    }
  } else {
    loader.missing(pointer, "at_ms", "the time of this entry in milliseconds");
  }
  if (auto it = value.find("description"); it != value.end()) {
    if (auto v = loader.string(*it, child(pointer, "description"))) entry.description = *v;
  }

  std::vector<std::string> actions;
  for (const auto& [key, v] : value.items()) {
    if (contains(networkActions(), key) || contains(peerActions(), key)) actions.push_back(key);
  }
  std::vector<std::string> all = networkActions();
  all.insert(all.end(), peerActions().begin(), peerActions().end());
  if (actions.empty()) {
    loader.error(pointer, "expected one action (" + joinOr(all) + "), got none");
    return std::nullopt;
  }
  if (actions.size() > 1) {
    loader.errorAtKey(child(pointer, actions[1]), "expected one action per timeline entry, got \"" +
                                                      actions[0] + "\" and \"" + actions[1] +
                                                      "\" (use two entries at the same at_ms)");
    return std::nullopt;
  }
  const std::string& key = actions[0];
  const bool peer_action = contains(peerActions(), key);
  auto peer_it = value.find("peer");
  if (peer_action) {
    if (peer_it == value.end()) {
      loader.missing(pointer, "peer", "the name of the peer doing \"" + key + "\"");
    } else if (auto name = loader.peerName(*peer_it, child(pointer, "peer"))) {
      entry.peer = *name;
    }
  } else if (peer_it != value.end()) {
    loader.errorAtKey(child(pointer, "peer"),
                      "expected no \"peer\" with \"" + key +
                          "\" (it changes the network, not one peer), got " + describe(*peer_it));
  }
  auto action = peer_action ? readPeerAction(loader, key, value.at(key), child(pointer, key))
                            : readNetworkChange(loader, key, value.at(key), child(pointer, key));
  if (!action || loader.errorCount() != errors_before) return std::nullopt;
  entry.action = std::move(*action);
  return entry;
}

}  // namespace steamsim::scenario::detail
