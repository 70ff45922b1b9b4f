// SPDX-License-Identifier: MIT
// Trace files: JSON Lines and the Trace Event JSON format, with filters.

#include "steamsim/scenario/trace_output.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "trace_format.hpp"

namespace steamsim::scenario {

namespace {

using Json = nlohmann::ordered_json;

/// `pattern` with `*` matching any run of characters.
bool globMatch(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool anyMatch(const std::vector<std::string>& patterns, std::string_view text) {
  for (const std::string& p : patterns) {
    if (globMatch(p, text)) return true;
  }
  return false;
}

std::vector<std::string> splitOn(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(sep, start);
    out.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

constexpr std::string_view kKinds[] = {
    "datagram_sent",       "datagram_dropped",   "datagram_delayed",
    "datagram_duplicated", "datagram_corrupted", "datagram_delivered",
    "datagram_rejected",   "api_call",           "signal",
    "state_change",        "peer_event",         "message_delivered",
    "retransmission"};

bool isDatagram(TraceKind kind) {
  return kind <= TraceKind::DatagramRejected;
}

std::string dumpJson(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string_view packetTypeName(std::int64_t type) {
  switch (type) {
    case 1:
      return "connect_request";
    case 2:
      return "connect_accept";
    case 3:
      return "data";
    case 4:
      return "close";
    case 5:
      return "no_connection";
    default:
      return "unknown";
  }
}

std::string TraceFilter::parse(std::string_view text) {
  for (const std::string& raw : splitOn(text, ',')) {
    std::string_view term = raw;
    while (!term.empty() && term.front() == ' ') term.remove_prefix(1);
    while (!term.empty() && term.back() == ' ') term.remove_suffix(1);
    if (term.empty()) continue;
    if (term == "-keepalive" || term == "!keepalive") {
      keepalives = false;
      continue;
    }
    const bool negate = term.front() == '-' || term.front() == '!';
    if (negate) term.remove_prefix(1);
    const std::size_t eq = term.find('=');
    if (eq == std::string_view::npos || eq + 1 == term.size()) {
      return "expected peer=NAME, kind=KIND, -peer=, -kind= or -keepalive, got \"" + raw + "\"";
    }
    const std::string_view key = term.substr(0, eq);
    const std::vector<std::string> values = splitOn(term.substr(eq + 1), '|');
    if (key == "peer") {
      auto& list = negate ? not_peers : peers;
      list.insert(list.end(), values.begin(), values.end());
    } else if (key == "kind") {
      for (const std::string& v : values) {
        bool known = false;
        for (std::string_view k : kKinds) known = known || globMatch(v, k);
        if (!known) {
          std::string all;
          for (std::string_view k : kKinds) all += (all.empty() ? "" : ", ") + std::string(k);
          return "unknown trace kind \"" + v + "\" (kinds: " + all + ")";
        }
      }
      auto& list = negate ? not_kinds : kinds;
      list.insert(list.end(), values.begin(), values.end());
    } else {
      return "unknown filter \"" + std::string(key) + "\" in \"" + raw +
             "\" (expected peer, kind or keepalive)";
    }
  }
  return {};
}

bool TraceFilter::empty() const {
  return peers.empty() && not_peers.empty() && kinds.empty() && not_kinds.empty() && keepalives;
}

bool TraceFilter::keeps(const TraceEvent& event, std::string_view from_name,
                        std::string_view to_name) const {
  const std::string_view kind = toString(event.kind);
  if (!kinds.empty() && !anyMatch(kinds, kind)) return false;
  if (anyMatch(not_kinds, kind)) return false;
  const auto named = [&](const std::vector<std::string>& list) {
    return (event.from != 0 && anyMatch(list, from_name)) ||
           (event.to != 0 && anyMatch(list, to_name));
  };
  if (!peers.empty() && !named(peers)) return false;
  if (named(not_peers)) return false;
  if (!keepalives && isDatagram(event.kind) && (event.packet_content & kPacketPing) != 0 &&
      (event.packet_content & kPacketMessages) == 0) {
    return false;
  }
  return true;
}

TraceWriter::TraceWriter(std::ostream& out, TraceFormat format, TraceFilter filter,
                         std::size_t run_index)
    : out_(out), format_(format), filter_(std::move(filter)), run_index_(run_index) {}

void TraceWriter::writeHeader(std::ostream& out, TraceFormat format) {
  if (format != TraceFormat::Chrome) return;
  out << "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"generator\":\"steamsim\"},"
         "\"traceEvents\":[\n"
      << R"({"name":"steamsim","ph":"M","pid":0,"tid":0,"args":{"name":"steamsim"}})";
}

void TraceWriter::writeFooter(std::ostream& out, TraceFormat format) {
  if (format == TraceFormat::Chrome) out << "\n]}\n";
}

std::string TraceWriter::nameOf(SteamId id) const {
  auto it = names_.find(id);
  return it != names_.end() ? it->second : std::to_string(id);
}

void TraceWriter::started(Network& /*network*/, const Scenario& scenario, std::uint64_t seed,
                          std::int64_t start_us) {
  run_name_ = scenario.name;
  seed_ = seed;
  start_us_ = start_us;
  int tid = 1;
  for (const PeerSpec& p : scenario.peers) {
    names_[p.steam_id] = p.name;
    threads_[p.steam_id] = tid++;
  }
  if (format_ != TraceFormat::Chrome) return;
  const auto pid = static_cast<std::int64_t>(run_index_ + 1);
  Json process = {{"name", "process_name"},
                  {"ph", "M"},
                  {"pid", pid},
                  {"tid", 0},
                  {"args", {{"name", scenario.name + " (seed " + std::to_string(seed) + ")"}}}};
  out_ << ",\n" << dumpJson(process);
  Json network = {{"name", "thread_name"},
                  {"ph", "M"},
                  {"pid", pid},
                  {"tid", 0},
                  {"args", {{"name", "network"}}}};
  out_ << ",\n" << dumpJson(network);
  for (const PeerSpec& p : scenario.peers) {
    Json thread = {{"name", "thread_name"},
                   {"ph", "M"},
                   {"pid", pid},
                   {"tid", threads_[p.steam_id]},
                   {"args", {{"name", p.name + " (" + std::to_string(p.steam_id) + ")"}}}};
    out_ << ",\n" << dumpJson(thread);
  }
}

void TraceWriter::event(const TraceEvent& event) {
  const std::string from = nameOf(event.from);
  const std::string to = nameOf(event.to);
  if (!filter_.keeps(event, from, to)) return;
  if (format_ == TraceFormat::Chrome) {
    chrome(event);
    return;
  }
  out_ << detail::traceJsonLine(
              event, start_us_, [this](SteamId id) { return nameOf(id); }, run_name_, seed_)
       << '\n';
}

void TraceWriter::chrome(const TraceEvent& event) {
  const auto pid = static_cast<std::int64_t>(run_index_ + 1);
  const double ts = static_cast<double>(event.time_us - start_us_);
  auto thread = threads_.find(event.from);
  const int tid = thread != threads_.end() ? thread->second : 0;
  Json args = {{"from", nameOf(event.from)}, {"to", nameOf(event.to)}};
  if (event.bytes != 0) args["bytes"] = event.bytes;
  args["value"] = event.value;
  if (!event.detail.empty()) args["detail"] = event.detail;
  if (event.packet_id != 0) args["packet_id"] = event.packet_id;
  if (event.message_id != 0) args["message_id"] = event.message_id;

  const auto emit = [&](Json j) { out_ << ",\n" << dumpJson(j); };
  const auto async = [&](const char* ph, const std::string& cat, const std::string& name,
                         const std::string& id) {
    emit({{"name", name},
          {"cat", cat},
          {"ph", ph},
          {"ts", ts},
          {"pid", pid},
          {"tid", tid},
          {"id", id},
          {"args", args}});
  };
  switch (event.kind) {
    case TraceKind::DatagramSent: {
      const std::string id = "p" + std::to_string(event.packet_id);
      open_packets_[event.packet_id] = event.value;
      async("b", "datagram",
            std::string(packetTypeName(event.value)) + " " + nameOf(event.from) + "->" +
                nameOf(event.to),
            id);
      return;
    }
    case TraceKind::DatagramDropped:
    case TraceKind::DatagramDelivered: {
      auto it = open_packets_.find(event.packet_id);
      if (it == open_packets_.end()) break;  // a duplicate: already ended
      const std::string name = std::string(packetTypeName(it->second)) + " " + nameOf(event.from) +
                               "->" + nameOf(event.to);
      open_packets_.erase(it);
      if (event.kind == TraceKind::DatagramDropped) {
        emit({{"name", "dropped: " + event.detail},
              {"cat", "drop"},
              {"ph", "i"},
              {"s", "t"},
              {"ts", ts},
              {"pid", pid},
              {"tid", tid},
              {"args", args}});
      }
      async("e", "datagram", name, "p" + std::to_string(event.packet_id));
      return;
    }
    case TraceKind::ApiCall:
      if (event.detail == "receiveMessagesOnChannel" ||
          event.detail == "getSessionConnectionInfo") {
        break;  // the game loop's polling: instants would drown everything else
      }
      if (event.detail == "sendMessageToUser" && event.message_id != 0) {
        const std::string key = std::to_string(event.from) + ">" + std::to_string(event.to) + "#" +
                                std::to_string(event.message_id);
        if (open_messages_.count(key) != 0) {
          async("e", "message", "message " + nameOf(event.from) + "->" + nameOf(event.to), key);
        }
        open_messages_.insert(key);
        async("b", "message", "message " + nameOf(event.from) + "->" + nameOf(event.to), key);
        return;
      }
      break;
    case TraceKind::MessageDelivered: {
      const std::string key = std::to_string(event.from) + ">" + std::to_string(event.to) + "#" +
                              std::to_string(event.message_id);
      if (open_messages_.erase(key) == 0) break;
      async("e", "message", "message " + nameOf(event.from) + "->" + nameOf(event.to), key);
      return;
    }
    case TraceKind::DatagramDelayed:
    case TraceKind::DatagramDuplicated:
      return;  // the flight shows as the datagram's slice
    default:
      break;
  }
  std::string name(toString(event.kind));
  if (!event.detail.empty()) name += ": " + event.detail;
  emit({{"name", name},
        {"cat", std::string(toString(event.kind))},
        {"ph", "i"},
        {"s", "t"},
        {"ts", ts},
        {"pid", pid},
        {"tid", tid},
        {"args", args}});
}

}  // namespace steamsim::scenario
