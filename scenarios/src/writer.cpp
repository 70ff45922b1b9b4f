// Writing a Scenario back as a document the loader reads to an equal Scenario.

#include "fields.hpp"
#include "loader_support.hpp"

namespace steamsim::scenario {

namespace {

using detail::Json;

Json target(const Target& t) {
  if (!t.peer.empty()) return t.peer;
  return t.steam_id;
}

Json linkRule(const LinkRule& rule) {
  Json out = Json::object();
  if (rule.both_directions) {
    out["between"] = Json::array({rule.from, rule.to});
  } else {
    out["from"] = rule.from;
    out["to"] = rule.to;
  }
  if (rule.patch.reset) out["reset"] = true;
  for (const auto& f : detail::linkBoolFields()) {
    if (rule.patch.*f.patch) out[std::string(f.name)] = *(rule.patch.*f.patch);
  }
  for (const auto& f : detail::linkNumberFields()) {
    if (rule.patch.*f.patch) out[std::string(f.name)] = *(rule.patch.*f.patch);
  }
  return out;
}

Json withAction(const Target& with, const std::optional<bool>& expect_result) {
  Json out = {{"with", target(with)}};
  if (expect_result) out["expect_result"] = *expect_result;
  return out;
}

void action(Json& out, const TimelineAction& a) {
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, LinksChange>) {
          Json rules = Json::array();
          for (const LinkRule& rule : v.rules) rules.push_back(linkRule(rule));
          out["links"] = rules;
        } else if constexpr (std::is_same_v<T, PartitionChange>) {
          out["partition"] = v.groups;
        } else if constexpr (std::is_same_v<T, HealChange>) {
          out["heal"] = true;
        } else if constexpr (std::is_same_v<T, SendAction>) {
          Json send = {{"to", target(v.to)}, {"channel", v.channel}, {"flags", v.flags}};
          if (v.payload) {
            send["payload"] = *v.payload;
          } else {
            send["size"] = v.size;
          }
          if (v.count != 1) send["count"] = v.count;
          if (v.every_ms != 0.0) send["every_ms"] = v.every_ms;
          if (v.expect_result) send["expect_result"] = *v.expect_result;
          out["send"] = send;
        } else if constexpr (std::is_same_v<T, AcceptAction>) {
          out["accept"] = withAction(v.with, v.expect_result);
        } else if constexpr (std::is_same_v<T, CloseSessionAction>) {
          out["close_session"] = withAction(v.with, v.expect_result);
        } else if constexpr (std::is_same_v<T, CloseChannelAction>) {
          Json close = withAction(v.with, v.expect_result);
          close["channel"] = v.channel;
          out["close_channel"] = close;
        } else if constexpr (std::is_same_v<T, CrashAction>) {
          out["crash"] = true;
        } else if constexpr (std::is_same_v<T, RestartAction>) {
          out["restart"] = true;
        } else {
          out["reading"] = v.on;
        }
      },
      a);
}

void count(Json& out, const CountSpec& c) {
  if (c.exact) out["count"] = *c.exact;
  if (c.min) out["min"] = *c.min;
  if (c.max) out["max"] = *c.max;
}

Json list(const std::vector<int>& values) {
  if (values.size() == 1) return values.front();
  return values;
}

Json expectation(const Expectation& e) {
  Json out = {{"peer", e.peer}};
  if (!e.description.empty()) out["description"] = e.description;
  switch (e.timing.kind) {
    case Timing::Kind::End:
      break;
    case Timing::Kind::By:
      out["by_ms"] = e.timing.hi_ms;
      break;
    case Timing::Kind::At:
      out["at_ms"] = e.timing.hi_ms;
      break;
    case Timing::Kind::Between:
      out["between_ms"] = Json::array({e.timing.lo_ms, e.timing.hi_ms});
      break;
  }
  if (const auto* r = std::get_if<ReceivedCheck>(&e.check)) {
    Json received = Json::object();
    if (r->from) received["from"] = target(*r->from);
    if (r->channel) received["channel"] = *r->channel;
    if (r->reliable) received["reliable"] = *r->reliable;
    count(received, r->count);
    if (r->in_order) received["in_order"] = true;
    if (r->unique) received["unique"] = true;
    if (r->intact) received["intact"] = true;
    out["received"] = received;
  } else if (const auto* s = std::get_if<SignalCheck>(&e.check)) {
    out["signal"] = s->kind == SignalKind::SessionRequest ? "session_request" : "session_failed";
    if (s->remote) out["remote"] = target(*s->remote);
    if (!s->reasons.empty()) out["reason"] = list(s->reasons);
    if (s->connection_state) out["connection_state"] = *s->connection_state;
    if (s->debug_message) out["debug_message"] = *s->debug_message;
    count(out, s->count);
  } else {
    const auto& c = std::get<SessionCheck>(e.check);
    Json session = {{"with", target(c.with)}};
    if (c.connection_state) session["connection_state"] = *c.connection_state;
    if (!c.end_reasons.empty()) session["end_reason"] = list(c.end_reasons);
    if (c.end_debug) session["end_debug"] = *c.end_debug;
    if (c.info_flags) session["info_flags"] = *c.info_flags;
    for (const StatusRange& range : c.status) {
      session[range.field] = Json::array({range.lo, range.hi});
    }
    out["session"] = session;
  }
  return out;
}

}  // namespace

nlohmann::ordered_json toJson(const Scenario& s) {
  Json out = Json::object();
  out["name"] = s.name;
  if (!s.description.empty()) out["description"] = s.description;
  out["seed"] = s.seed;
  out["duration_ms"] = s.duration_ms;
  out["clock"] = s.clock == ClockChoice::Real ? "real" : "virtual";
  Json config = Json::object();
  for (const auto& f : detail::configIntFields()) {
    if (s.config.*f.patch) config[std::string(f.key)] = *(s.config.*f.patch);
  }
  if (s.config.embed_callbacks) config["embed_callbacks"] = *s.config.embed_callbacks;
  if (!config.empty()) out["config"] = config;

  Json peers = Json::object();
  for (const PeerSpec& p : s.peers) {
    Json peer = {{"steam_id", p.steam_id}};
    peer["accept"] = p.accept == AcceptPolicy::Auto     ? "auto"
                     : p.accept == AcceptPolicy::Manual ? "manual"
                                                        : "ignore";
    peer["poll_ms"] = p.poll_ms;
    if (p.external) peer["external"] = true;
    if (!p.reading) peer["reading"] = false;
    peers[p.name] = peer;
  }
  out["peers"] = peers;

  if (!s.links.empty()) {
    Json links = Json::array();
    for (const LinkRule& rule : s.links) links.push_back(linkRule(rule));
    out["links"] = links;
  }
  if (!s.timeline.empty()) {
    Json timeline = Json::array();
    for (const TimelineEntry& e : s.timeline) {
      Json entry = {{"at_ms", e.at_ms}};
      if (!e.description.empty()) entry["description"] = e.description;
      if (!e.peer.empty()) entry["peer"] = e.peer;
      action(entry, e.action);
      timeline.push_back(entry);
    }
    out["timeline"] = timeline;
  }
  if (!s.expectations.empty()) {
    Json expect = Json::array();
    for (const Expectation& e : s.expectations) expect.push_back(expectation(e));
    out["expect"] = expect;
  }
  return out;
}

}  // namespace steamsim::scenario
