// SPDX-License-Identifier: MIT
// The HTML report: recording a run's timeline and writing the self-contained page.

#include "steamsim/scenario/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "report_assets.hpp"
#include "steamsim/scenario/report.hpp"

namespace steamsim::scenario {

namespace {

using Json = nlohmann::ordered_json;

/// Datagram fates, as the report's script numbers them.
enum Fate : std::uint8_t {
  kDelivered = 0,
  kDown = 1,
  kRateLimit = 2,
  kLoss = 3,
  kBurstLoss = 4,
  kCorrupt = 5,  // reached the socket, rejected by checksum
  kUndeliverable = 6,
  kInFlight = 7,  // still on its way when the run ended
};

std::uint8_t fateOf(const std::string& stage) {
  if (stage == "down") return kDown;
  if (stage == "rate_limit") return kRateLimit;
  if (stage == "loss") return kLoss;
  if (stage == "burst_loss") return kBurstLoss;
  return kUndeliverable;
}

std::string number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

/// "40±5 ms, loss 20%, ..." for the conditions that differ from a perfect link.
std::string describe(const LinkConditions& c) {
  std::vector<std::string> parts;
  if (c.down) parts.emplace_back("down");
  if (c.latency_ms > 0 || c.jitter_ms > 0) {
    parts.push_back(number(c.latency_ms) + (c.jitter_ms > 0 ? "±" + number(c.jitter_ms) : "") +
                    " ms");
  }
  if (c.loss_pct > 0) parts.push_back("loss " + number(c.loss_pct) + "%");
  if (c.burst_loss_pct > 0) {
    parts.push_back("burst " + number(c.burst_loss_pct) + "% ×" + number(c.burst_length_mean));
  }
  if (c.rate_limit_bytes_per_s > 0) {
    parts.push_back("rate " + number(c.rate_limit_bytes_per_s / 1000.0) + " kB/s");
  }
  if (c.reorder_pct > 0) parts.push_back("reorder " + number(c.reorder_pct) + "%");
  if (c.duplicate_pct > 0) parts.push_back("dup " + number(c.duplicate_pct) + "%");
  if (c.corrupt_pct > 0) parts.push_back("corrupt " + number(c.corrupt_pct) + "%");
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

template <typename T>
void column(std::string& out, const char* name, const std::vector<T>& values, bool& first) {
  out += first ? "\"" : ",\"";
  first = false;
  out += name;
  out += "\":[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  out += ']';
}

}  // namespace

struct TimelineRecorder::Data {
  std::mutex mutex;
  bool complete = false;
  std::string name;
  std::string file;
  std::uint64_t seed = 0;
  std::int64_t start_us = 0;
  std::int64_t duration_us = 0;
  std::vector<SteamId> peer_ids;
  std::vector<std::string> peer_names;
  std::unordered_map<SteamId, int> peer_index;

  struct PendingSend {
    SteamId to = 0;
    int channel = 0;
    int flags = 0;
    std::size_t size = 0;
    bool set = false;
  };
  std::unordered_map<SteamId, PendingSend> pending_send;

  // Messages, columnar.
  std::vector<std::int64_t> m_send, m_recv, m_id;
  std::vector<int> m_from, m_to, m_channel, m_size, m_reliable;
  std::map<std::tuple<SteamId, SteamId, std::uint64_t>, std::size_t> open_messages;

  // Datagrams, columnar.
  std::vector<std::int64_t> p_sent, p_end;
  std::vector<int> p_from, p_to, p_bytes, p_type, p_content, p_fate;
  std::unordered_map<std::uint64_t, std::size_t> packet_index;  // packet id -> row
  std::uint64_t duplicates = 0;

  std::vector<std::int64_t> r_t;
  std::vector<int> r_from, r_to, r_bytes;

  Json states = Json::array();
  Json signals = Json::array();
  Json calls = Json::array();
  Json peer_events = Json::array();
  Json links = Json::array();
  Json partitions = Json::array();
  Json counters = Json::array();
  Json checks = Json::array();
  Json result;

  int index(SteamId id) {
    if (id == 0) return -1;
    auto it = peer_index.find(id);
    if (it != peer_index.end()) return it->second;
    const int i = static_cast<int>(peer_ids.size());
    peer_ids.push_back(id);
    peer_names.push_back(std::to_string(id));
    peer_index[id] = i;
    return i;
  }
  std::int64_t t(const TraceEvent& e) const { return e.time_us - start_us; }
};

TimelineRecorder::TimelineRecorder() : data_(std::make_unique<Data>()) {}
TimelineRecorder::~TimelineRecorder() = default;

bool TimelineRecorder::complete() const {
  std::lock_guard lock(data_->mutex);
  return data_->complete;
}

void TimelineRecorder::started(Network& /*network*/, const Scenario& scenario, std::uint64_t seed,
                               std::int64_t start_us) {
  Data& d = *data_;
  std::lock_guard lock(d.mutex);
  d.name = scenario.name;
  d.file = scenario.file;
  d.seed = seed;
  d.start_us = start_us;
  d.duration_us = std::llround(scenario.duration_ms * 1000.0);
  for (const PeerSpec& p : scenario.peers) {
    d.peer_index[p.steam_id] = static_cast<int>(d.peer_ids.size());
    d.peer_ids.push_back(p.steam_id);
    d.peer_names.push_back(p.name);
  }

  // Link conditions over time, replayed from the scenario as the runner applies them.
  std::map<std::pair<std::size_t, std::size_t>, LinkConditions> now;
  const auto apply = [&](const std::vector<LinkRule>& rules) {
    for (std::size_t a = 0; a < scenario.peers.size(); ++a) {
      for (std::size_t b = 0; b < scenario.peers.size(); ++b) {
        if (a == b) continue;
        for (const LinkRule& rule : rules) {
          if (rule.matches(scenario.peers[a].name, scenario.peers[b].name)) {
            rule.patch.applyTo(now[{a, b}]);
          }
        }
      }
    }
  };
  std::vector<const TimelineEntry*> order;
  for (const TimelineEntry& e : scenario.timeline) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(), [](const TimelineEntry* x, const TimelineEntry* y) {
    return x->at_ms < y->at_ms;
  });
  std::map<std::pair<std::size_t, std::size_t>, Json> bands;
  std::map<std::pair<std::size_t, std::size_t>, std::pair<std::int64_t, std::string>> open;
  const auto snapshot = [&](std::int64_t at) {
    for (std::size_t a = 0; a < scenario.peers.size(); ++a) {
      for (std::size_t b = 0; b < scenario.peers.size(); ++b) {
        if (a == b) continue;
        const std::string text = describe(now[{a, b}]);
        auto it = open.find({a, b});
        if (it != open.end() && it->second.second == text) continue;
        if (it != open.end() && !it->second.second.empty() && at > it->second.first) {
          bands[{a, b}].push_back({it->second.first, at, it->second.second});
        }
        open[{a, b}] = {at, text};
      }
    }
  };
  apply(scenario.links);
  snapshot(0);
  std::int64_t partition_start = -1;
  Json groups;
  for (const TimelineEntry* e : order) {
    const auto at = std::llround(e->at_ms * 1000.0);
    if (const auto* links = std::get_if<LinksChange>(&e->action)) {
      apply(links->rules);
      snapshot(at);
    } else if (const auto* part = std::get_if<PartitionChange>(&e->action)) {
      if (partition_start >= 0) d.partitions.push_back({partition_start, at, groups});
      groups = Json::array();
      for (std::size_t i = 0; i < scenario.peers.size(); ++i) {
        int group = -1;
        for (std::size_t g = 0; g < part->groups.size(); ++g) {
          for (const std::string& n : part->groups[g]) {
            if (n == scenario.peers[i].name) group = static_cast<int>(g);
          }
        }
        groups.push_back(group);
      }
      partition_start = at;
    } else if (std::holds_alternative<HealChange>(e->action) && partition_start >= 0) {
      d.partitions.push_back({partition_start, at, groups});
      partition_start = -1;
    }
  }
  if (partition_start >= 0) d.partitions.push_back({partition_start, d.duration_us, groups});
  for (auto& [pair, o] : open) {
    if (!o.second.empty() && d.duration_us > o.first) {
      bands[pair].push_back({o.first, d.duration_us, o.second});
    }
  }
  for (auto& [pair, list] : bands) {
    d.links.push_back({{"from", pair.first}, {"to", pair.second}, {"bands", list}});
  }
}

void TimelineRecorder::sending(SteamId from, SteamId to, int channel, int flags, std::size_t size) {
  std::lock_guard lock(data_->mutex);
  data_->pending_send[from] = {to, channel, flags, size, true};
}

void TimelineRecorder::event(const TraceEvent& e) {
  Data& d = *data_;
  std::lock_guard lock(d.mutex);
  const std::int64_t t = d.t(e);
  switch (e.kind) {
    case TraceKind::DatagramSent:
      d.packet_index[e.packet_id] = d.p_sent.size();
      d.p_sent.push_back(t);
      d.p_end.push_back(-1);
      d.p_from.push_back(d.index(e.from));
      d.p_to.push_back(d.index(e.to));
      d.p_bytes.push_back(static_cast<int>(e.bytes));
      d.p_type.push_back(static_cast<int>(e.value));
      d.p_content.push_back(e.packet_content);
      d.p_fate.push_back(kInFlight);
      return;
    case TraceKind::DatagramDropped:
    case TraceKind::DatagramDelivered:
    case TraceKind::DatagramRejected: {
      auto it = d.packet_index.find(e.packet_id);
      if (it == d.packet_index.end()) return;
      const std::size_t row = it->second;
      if (e.kind == TraceKind::DatagramRejected) {
        if (e.detail == "bad checksum") d.p_fate[row] = kCorrupt;
        return;
      }
      if (d.p_end[row] >= 0) {
        ++d.duplicates;  // a duplicate copy
        return;
      }
      d.p_end[row] = t;
      d.p_fate[row] =
          e.kind == TraceKind::DatagramDelivered ? std::uint8_t{kDelivered} : fateOf(e.detail);
      return;
    }
    case TraceKind::ApiCall: {
      if (e.detail == "sendMessageToUser") {
        Data::PendingSend note = d.pending_send[e.from];
        d.pending_send[e.from].set = false;
        if (e.message_id == 0) {  // refused: shown as a call with its result
          d.calls.push_back({t, d.index(e.from), d.index(e.to), e.detail, e.value});
          return;
        }
        const auto key = std::make_tuple(e.from, e.to, e.message_id);
        d.open_messages[key] = d.m_send.size();
        d.m_send.push_back(t);
        d.m_recv.push_back(-1);
        d.m_id.push_back(static_cast<std::int64_t>(e.message_id));
        d.m_from.push_back(d.index(e.from));
        d.m_to.push_back(d.index(e.to));
        const bool known = note.set && note.to == e.to;
        d.m_channel.push_back(known ? note.channel : 0);
        d.m_size.push_back(known ? static_cast<int>(note.size) : 0);
        d.m_reliable.push_back(known ? ((note.flags & NETWORKING_SEND_RELIABLE) != 0 ? 1 : 0) : 1);
        return;
      }
      if (e.detail == "receiveMessagesOnChannel" || e.detail == "getSessionConnectionInfo") return;
      d.calls.push_back({t, d.index(e.from), d.index(e.to), e.detail, e.value});
      return;
    }
    case TraceKind::MessageDelivered: {
      const auto key = std::make_tuple(e.from, e.to, e.message_id);
      auto it = d.open_messages.find(key);
      std::size_t row = 0;
      if (it == d.open_messages.end()) {
        row = d.m_send.size();
        d.m_send.push_back(-1);
        d.m_recv.push_back(-1);
        d.m_id.push_back(static_cast<std::int64_t>(e.message_id));
        d.m_from.push_back(d.index(e.from));
        d.m_to.push_back(d.index(e.to));
        d.m_channel.push_back(0);
        d.m_size.push_back(0);
        d.m_reliable.push_back(0);
      } else {
        row = it->second;
        d.open_messages.erase(it);
      }
      d.m_recv[row] = t;
      d.m_channel[row] = static_cast<int>(e.value);
      d.m_size[row] = static_cast<int>(e.bytes);
      d.m_reliable[row] = e.detail == "reliable" ? 1 : 0;
      return;
    }
    case TraceKind::Retransmission:
      d.r_t.push_back(t);
      d.r_from.push_back(d.index(e.from));
      d.r_to.push_back(d.index(e.to));
      d.r_bytes.push_back(static_cast<int>(e.bytes));
      return;
    case TraceKind::StateChange:
      d.states.push_back({t, d.index(e.from), d.index(e.to), e.value, e.detail});
      return;
    case TraceKind::Signal:
      d.signals.push_back({t, d.index(e.from), d.index(e.to),
                           e.detail.rfind("network_messages_session_request", 0) == 0 ? 0 : 1,
                           e.value, e.detail});
      return;
    case TraceKind::PeerEvent:
      if (e.detail == "crash" || e.detail == "restart") {
        d.peer_events.push_back({t, e.detail, d.index(e.from)});
      }
      return;
    default:
      return;
  }
}

void TimelineRecorder::finished(Network& network, const RunResult& result) {
  Data& d = *data_;
  std::vector<SteamId> ids;
  {
    std::lock_guard lock(d.mutex);
    ids = d.peer_ids;
  }
  Json counters = Json::array();
  Json peers = Json::array();
  for (std::size_t a = 0; a < ids.size(); ++a) {
    const bool known = network.hasPeer(ids[a]);
    Json p = {{"port", known ? network.peer(ids[a]).port() : 0}};
    if (known) {
      const PeerCounters pc = network.peer(ids[a]).counters();
      p["retransmissions"] = pc.retransmissions;
      p["rejected_checksum"] = pc.rejected_checksum;
      p["rejected_malformed"] = pc.rejected_malformed;
      p["messages_received"] = pc.messages_received;
    }
    peers.push_back(std::move(p));
    for (std::size_t b = 0; b < ids.size(); ++b) {
      if (a == b) continue;
      const LinkCounters c = network.linkCounters(ids[a], ids[b]);
      if (c.offered == 0) continue;
      counters.push_back({{"from", a},
                          {"to", b},
                          {"offered", c.offered},
                          {"offered_bytes", c.offered_bytes},
                          {"delivered", c.delivered},
                          {"delivered_bytes", c.delivered_bytes},
                          {"dropped_down", c.dropped_down},
                          {"dropped_rate_limit", c.dropped_rate_limit},
                          {"dropped_loss", c.dropped_loss},
                          {"dropped_burst", c.dropped_burst},
                          {"reordered", c.reordered},
                          {"duplicated", c.duplicated},
                          {"corrupted", c.corrupted},
                          {"undeliverable", c.undeliverable}});
    }
  }
  std::lock_guard lock(d.mutex);
  d.counters = std::move(counters);
  Json checks = Json::array();
  for (const CheckResult& c : result.checks) {
    checks.push_back({{"id", c.id},
                      {"line", c.pos.line},
                      {"title", c.title},
                      {"passed", c.passed},
                      {"at_us", std::llround(c.at_ms * 1000.0)},
                      {"expected", c.expected},
                      {"actual", c.actual},
                      {"rule", c.rule},
                      {"explanation", c.explanation},
                      {"proof", c.proof},
                      {"timeline", c.timeline},
                      {"context", c.context}});
  }
  d.checks = std::move(checks);
  d.result = {{"passed", result.passed()},
              {"error", result.error},
              {"trace_hash", formatHash(result.trace_hash)},
              {"wall_ms", result.wall_ms},
              {"duplicates", d.duplicates},
              {"peers", std::move(peers)}};
  d.complete = true;
}

void TimelineRecorder::writeJson(std::ostream& out) const {
  const Data& d = *data_;
  std::lock_guard lock(data_->mutex);
  Json head;
  head["name"] = d.name;
  head["file"] = d.file;
  head["seed"] = std::to_string(d.seed);
  head["duration_us"] = d.duration_us;
  head["result"] = d.result;
  Json peers = Json::array();
  for (std::size_t i = 0; i < d.peer_ids.size(); ++i) {
    peers.push_back({{"name", d.peer_names[i]}, {"steam_id", std::to_string(d.peer_ids[i])}});
  }
  head["peers"] = peers;
  head["states"] = d.states;
  head["signals"] = d.signals;
  head["calls"] = d.calls;
  head["peer_events"] = d.peer_events;
  head["links"] = d.links;
  head["partitions"] = d.partitions;
  head["counters"] = d.counters;
  head["checks"] = d.checks;
  std::string text = head.dump(-1, ' ', false, Json::error_handler_t::replace);
  text.pop_back();  // the closing brace: the columns follow
  std::string columns;
  columns.reserve(d.p_sent.size() * 40 + d.m_send.size() * 40);
  bool first = true;
  columns += ",\"msgs\":{";
  column(columns, "send", d.m_send, first);
  column(columns, "recv", d.m_recv, first);
  column(columns, "from", d.m_from, first);
  column(columns, "to", d.m_to, first);
  column(columns, "ch", d.m_channel, first);
  column(columns, "size", d.m_size, first);
  column(columns, "rel", d.m_reliable, first);
  column(columns, "id", d.m_id, first);
  columns += "},\"pkts\":{";
  first = true;
  column(columns, "sent", d.p_sent, first);
  column(columns, "end", d.p_end, first);
  column(columns, "from", d.p_from, first);
  column(columns, "to", d.p_to, first);
  column(columns, "bytes", d.p_bytes, first);
  column(columns, "type", d.p_type, first);
  column(columns, "content", d.p_content, first);
  column(columns, "fate", d.p_fate, first);
  columns += "},\"retx\":{";
  first = true;
  column(columns, "t", d.r_t, first);
  column(columns, "from", d.r_from, first);
  column(columns, "to", d.r_to, first);
  column(columns, "bytes", d.r_bytes, first);
  columns += "}}";
  out << text << columns;
}

void writeHtmlReport(std::ostream& out, const std::vector<const TimelineRecorder*>& runs,
                     const std::string& title) {
  std::ostringstream data;
  data << "{\"title\":" << Json(title).dump(-1, ' ', false, Json::error_handler_t::replace)
       << ",\"runs\":[";
  bool first = true;
  for (const TimelineRecorder* run : runs) {
    if (run == nullptr || !run->complete()) continue;
    if (!first) data << ',';
    first = false;
    run->writeJson(data);
  }
  data << "]}";
  // Inside <script>, "</" could end the element: JSON allows "<\/" in strings.
  std::string json = data.str();
  for (std::size_t at = json.find("</"); at != std::string::npos; at = json.find("</", at + 3)) {
    json.replace(at, 2, "<\\/");
  }
  const std::string escaped_title = xmlEscape(title);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta name=\"generator\" content=\"steamsim\">\n"
      << "<title>" << escaped_title << "</title>\n<style>\n"
      << detail::kReportCss << "</style>\n</head>\n<body>\n"
      << "<noscript>This report draws with JavaScript; please enable it.</noscript>\n"
      << "<div id=\"app\"></div>\n"
      << "<script id=\"steamsim-data\" type=\"application/json\">" << json << "</script>\n"
      << "<script>\n"
      << detail::kReportJs << "</script>\n</body>\n</html>\n";
}

}  // namespace steamsim::scenario
