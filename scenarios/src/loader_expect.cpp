// SPDX-License-Identifier: MIT
// Reading one expectation: whose view, what is checked (received / signal / session) and
// when (by_ms / at_ms / between_ms, or at the end).

#include <limits>

#include "fields.hpp"
#include "loader_support.hpp"

namespace steamsim::scenario::detail {

namespace {

constexpr std::int64_t kCountMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kIntMin = std::numeric_limits<int>::min();
constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();

/// count / min / max of an object.
bool readCount(Loader& loader, const Json& value, const std::string& pointer, CountSpec& out) {
  const std::size_t errors_before = loader.errorCount();
  for (const char* key : {"count", "min", "max"}) {
    auto it = value.find(key);
    if (it == value.end()) continue;
    auto v = loader.integer(*it, child(pointer, key), 0, kCountMax, "a count");
    if (!v) continue;
    if (std::string_view(key) == "count") {
      out.exact = *v;
    } else if (std::string_view(key) == "min") {
      out.min = *v;
    } else {
      out.max = *v;
    }
  }
  if (out.exact && (value.contains("min") || value.contains("max"))) {
    loader.errorAtKey(child(pointer, value.contains("min") ? "min" : "max"),
                      "expected either \"count\" or \"min\"/\"max\", got both");
  }
  if (out.min && out.max && *out.min > *out.max) {
    loader.error(child(pointer, "max"), "expected max >= min (" + std::to_string(*out.min) +
                                            "), got " + std::to_string(*out.max));
  }
  return loader.errorCount() == errors_before;
}

std::optional<ReceivedCheck> readReceived(Loader& loader, const Json& value,
                                          const std::string& pointer) {
  if (!loader.object(value, pointer, "a received object ({\"from\": ..., \"min\": ...})")) {
    return std::nullopt;
  }
  loader.checkKeys(value, pointer, "received");
  const std::size_t errors_before = loader.errorCount();
  ReceivedCheck check;
  if (auto it = value.find("from"); it != value.end()) {
    if (auto t = loader.target(*it, child(pointer, "from"))) check.from = *t;
  }
  if (auto it = value.find("channel"); it != value.end()) {
    if (auto v = loader.integer(*it, child(pointer, "channel"), kIntMin, kIntMax, "a channel")) {
      check.channel = static_cast<int>(*v);
    }
  }
  if (auto it = value.find("reliable"); it != value.end()) {
    check.reliable = loader.boolean(*it, child(pointer, "reliable"));
  }
  readCount(loader, value, pointer, check.count);
  for (auto [key, field] :
       {std::pair{"in_order", &ReceivedCheck::in_order},
        std::pair{"unique", &ReceivedCheck::unique}, std::pair{"intact", &ReceivedCheck::intact}}) {
    if (auto it = value.find(key); it != value.end()) {
      if (auto v = loader.boolean(*it, child(pointer, key))) check.*field = *v;
    }
  }
  if (loader.errorCount() != errors_before) return std::nullopt;
  return check;
}

/// A range: one number (exactly) or [lo, hi].
std::optional<StatusRange> readRange(Loader& loader, const Json& value, const std::string& pointer,
                                     std::string_view field) {
  StatusRange range;
  range.field = field;
  if (value.is_number()) {
    range.lo = range.hi = value.get<double>();
    return range;
  }
  if (value.is_array() && value.size() == 2 && value[0].is_number() && value[1].is_number()) {
    range.lo = value[0].get<double>();
    range.hi = value[1].get<double>();
    if (range.lo > range.hi) {
      loader.error(pointer, "expected a range [lo, hi] with lo <= hi, got " + value.dump());
      return std::nullopt;
    }
    return range;
  }
  loader.error(pointer, "expected a number or a range [lo, hi], got " + describe(value));
  return std::nullopt;
}

std::optional<SessionCheck> readSession(Loader& loader, const Json& value,
                                        const std::string& pointer) {
  if (!loader.object(value, pointer, "a session object ({\"with\": ..., ...})")) {
    return std::nullopt;
  }
  loader.checkKeys(value, pointer, "session");
  const std::size_t errors_before = loader.errorCount();
  SessionCheck check;
  if (auto it = value.find("with"); it != value.end()) {
    if (auto t = loader.target(*it, child(pointer, "with"))) check.with = *t;
  } else {
    loader.missing(pointer, "with", "the remote peer's name or Steam ID");
  }
  if (auto it = value.find("connection_state"); it != value.end()) {
    check.connection_state = loader.named(*it, child(pointer, "connection_state"),
                                          connectionStateNames(), "a connection state");
  }
  if (auto it = value.find("end_reason"); it != value.end()) {
    if (auto v = loader.namedList(*it, child(pointer, "end_reason"), endReasonNames(),
                                  "an end reason")) {
      check.end_reasons = *v;
    }
  }
  if (auto it = value.find("end_debug"); it != value.end()) {
    check.end_debug = loader.string(*it, child(pointer, "end_debug"));
  }
  if (auto it = value.find("info_flags"); it != value.end()) {
    if (auto v = loader.integer(*it, child(pointer, "info_flags"), 0, kIntMax, "info flags")) {
      check.info_flags = static_cast<int>(*v);
    }
  }
  for (const StatusField& f : statusFields()) {
    auto it = value.find(std::string(f.name));
    if (it == value.end()) continue;
    if (auto r = readRange(loader, *it, child(pointer, f.name), f.name)) check.status.push_back(*r);
  }
  if (loader.errorCount() != errors_before) return std::nullopt;
  const bool checks_something = check.connection_state || !check.end_reasons.empty() ||
                                check.end_debug || check.info_flags || !check.status.empty();
  if (!checks_something) {
    loader.error(pointer,
                 "expected something to check (connection_state, end_reason, end_debug, "
                 "info_flags, ping, ...), got only \"with\"");
    return std::nullopt;
  }
  return check;
}

std::optional<SignalCheck> readSignal(Loader& loader, const Json& entry,
                                      const std::string& pointer) {
  const std::size_t errors_before = loader.errorCount();
  SignalCheck check;
  const Json& kind = entry.at("signal");
  const std::string kp = child(pointer, "signal");
  const std::string text = kind.is_string() ? kind.get<std::string>() : std::string();
  if (text == "session_request") {
    check.kind = SignalKind::SessionRequest;
  } else if (text == "session_failed") {
    check.kind = SignalKind::SessionFailed;
  } else {
    std::string message =
        "expected \"session_request\" or \"session_failed\", got " + describe(kind);
    if (auto s = nearest(text, {"session_request", "session_failed"})) {
      message += " (did you mean \"" + *s + "\"?)";
    }
    loader.error(kp, std::move(message));
    return std::nullopt;
  }
  if (auto it = entry.find("remote"); it != entry.end()) {
    if (auto t = loader.target(*it, child(pointer, "remote"))) check.remote = *t;
  }
  const bool failed = check.kind == SignalKind::SessionFailed;
  for (const char* key : {"reason", "connection_state", "debug_message"}) {
    if (!failed && entry.contains(key)) {
      loader.errorAtKey(child(pointer, key), std::string("expected no \"") + key +
                                                 "\" with session_request (it has only a remote), "
                                                 "got " +
                                                 describe(entry.at(key)));
    }
  }
  if (failed) {
    if (auto it = entry.find("reason"); it != entry.end()) {
      if (auto v =
              loader.namedList(*it, child(pointer, "reason"), endReasonNames(), "an end reason")) {
        check.reasons = *v;
      }
    }
    if (auto it = entry.find("connection_state"); it != entry.end()) {
      check.connection_state = loader.named(*it, child(pointer, "connection_state"),
                                            connectionStateNames(), "a connection state");
    }
    if (auto it = entry.find("debug_message"); it != entry.end()) {
      check.debug_message = loader.string(*it, child(pointer, "debug_message"));
    }
  }
  readCount(loader, entry, pointer, check.count);
  if (loader.errorCount() != errors_before) return std::nullopt;
  return check;
}

bool readTiming(Loader& loader, const Json& value, const std::string& pointer, Timing& timing) {
  const std::size_t errors_before = loader.errorCount();
  std::vector<std::string> given;
  for (const char* key : {"by_ms", "at_ms", "between_ms"}) {
    if (value.contains(key)) given.emplace_back(key);
  }
  if (given.size() > 1) {
    loader.errorAtKey(child(pointer, given[1]),
                      "expected at most one of by_ms, at_ms and "
                      "between_ms, got \"" +
                          given[0] + "\" and \"" + given[1] + "\"");
    return false;
  }
  if (given.empty()) return true;
  const std::string p = child(pointer, given[0]);
  const Json& v = value.at(given[0]);
  const char* never = "the expectation could never be checked";
  if (given[0] == "between_ms") {
    if (!v.is_array() || v.size() != 2) {
      loader.error(p, "expected a time range [from_ms, to_ms], got " + describe(v));
      return false;
    }
    auto lo = loader.time(v[0], child(p, 0), never);
    auto hi = loader.time(v[1], child(p, 1), never);
    if (lo && hi && *lo > *hi) {
      loader.error(p,
                   "expected a time range [from_ms, to_ms] with from_ms <= to_ms, got " + v.dump());
    }
    if (lo && hi) timing = Timing{Timing::Kind::Between, *lo, *hi};
  } else if (auto t = loader.time(v, p, never)) {
    timing = Timing{given[0] == "by_ms" ? Timing::Kind::By : Timing::Kind::At, 0.0, *t};
  }
  return loader.errorCount() == errors_before;
}

}  // namespace

std::optional<Expectation> readExpectation(Loader& loader, const Json& value,
                                           const std::string& pointer) {
  if (!loader.object(value, pointer, "an expectation object ({\"peer\": ..., ...})")) {
    return std::nullopt;
  }
  loader.checkKeys(value, pointer, "expectation");
  const std::size_t errors_before = loader.errorCount();
  Expectation e;
  e.origin = loader.origin(pointer);
  if (auto it = value.find("peer"); it != value.end()) {
    if (auto name = loader.peerName(*it, child(pointer, "peer"))) e.peer = *name;
  } else {
    loader.missing(pointer, "peer", "the name of the peer whose view is checked");
  }
  if (auto it = value.find("description"); it != value.end()) {
    if (auto v = loader.string(*it, child(pointer, "description"))) e.description = *v;
  }
  readTiming(loader, value, pointer, e.timing);

  std::vector<std::string> kinds;
  for (const char* key : {"received", "signal", "session"}) {
    if (value.contains(key)) kinds.emplace_back(key);
  }
  if (kinds.empty()) {
    loader.error(pointer, "expected one of \"received\", \"signal\" or \"session\", got none");
    return std::nullopt;
  }
  if (kinds.size() > 1) {
    loader.errorAtKey(child(pointer, kinds[1]), "expected one check per expectation, got \"" +
                                                    kinds[0] + "\" and \"" + kinds[1] + "\"");
    return std::nullopt;
  }
  if (kinds[0] != "signal") {
    for (const char* key :
         {"remote", "reason", "connection_state", "debug_message", "count", "min", "max"}) {
      if (value.contains(key)) {
        loader.errorAtKey(child(pointer, key),
                          std::string("expected \"") + key + "\" only with \"signal\" (inside \"" +
                              kinds[0] + "\" for this check), got it next to \"" + kinds[0] + "\"");
      }
    }
  }
  if (kinds[0] == "received") {
    if (auto c = readReceived(loader, value.at("received"), child(pointer, "received"))) {
      e.check = *c;
    }
  } else if (kinds[0] == "session") {
    if (auto c = readSession(loader, value.at("session"), child(pointer, "session"))) e.check = *c;
  } else if (auto c = readSignal(loader, value, pointer)) {
    e.check = *c;
  }
  if (loader.errorCount() != errors_before) return std::nullopt;
  return e;
}

}  // namespace steamsim::scenario::detail
