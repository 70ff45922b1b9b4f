// Evaluating expectations: what each one expects, what happened, and when it was decided.

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "fields.hpp"
#include "scenario_run.hpp"
#include "steamsim/scenario/names.hpp"

namespace steamsim::scenario::detail {

namespace {

std::int64_t msToUs(double ms) {
  return std::llround(ms * 1000.0);
}

std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

std::string seconds(std::int64_t us) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f s", static_cast<double>(us) / 1e6);
  return buffer;
}

std::string timingPhrase(const Timing& t, double duration_ms) {
  switch (t.kind) {
    case Timing::Kind::By:
      return "by " + num(t.hi_ms) + " ms";
    case Timing::Kind::At:
      return "at " + num(t.hi_ms) + " ms";
    case Timing::Kind::Between:
      return "between " + num(t.lo_ms) + " and " + num(t.hi_ms) + " ms";
    case Timing::Kind::End:
      break;
  }
  return "by the end of the run (" + num(duration_ms) + " ms)";
}

/// The window of run time (µs) whose events a received / signal check counts.
std::pair<std::int64_t, std::int64_t> window(const Timing& t, std::int64_t end_us) {
  switch (t.kind) {
    case Timing::Kind::By:
    case Timing::Kind::At:
      return {0, msToUs(t.hi_ms)};
    case Timing::Kind::Between:
      return {msToUs(t.lo_ms), msToUs(t.hi_ms)};
    case Timing::Kind::End:
      break;
  }
  return {0, end_us};
}

std::string reasonsText(const std::vector<int>& reasons) {
  std::string out;
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    if (i > 0) out += " or ";
    out += endReasonLabel(reasons[i]);
  }
  return out;
}

std::string signalName(SignalKind kind) {
  return kind == SignalKind::SessionRequest ? "session_request" : "session_failed";
}

}  // namespace

std::string ScenarioRun::title(const Expectation& e) const {
  if (!e.description.empty()) return e.description;
  if (const auto* r = std::get_if<ReceivedCheck>(&e.check)) {
    std::string t = e.peer + " reads messages";
    if (r->from) t += " from " + r->from->label();
    if (r->channel) t += " on channel " + std::to_string(*r->channel);
    return t;
  }
  if (const auto* s = std::get_if<SignalCheck>(&e.check)) {
    std::string t = e.peer + " gets " + signalName(s->kind);
    if (s->remote) t += " from " + s->remote->label();
    return t;
  }
  return e.peer + "'s session with " + std::get<SessionCheck>(e.check).with.label();
}

void ScenarioRun::scheduleChecks() {
  const auto idOf = [](const std::optional<Target>& t) -> SteamId { return t ? t->steam_id : 0; };
  for (std::size_t e = 0; e < s_.expectations.size(); ++e) {
    const Expectation& ex = s_.expectations[e];
    CheckState state;
    state.result.id = ex.origin.pointer;
    state.result.pos = ex.origin.pos;
    state.result.title = title(ex);
    state.relevant.push_back(peerRun(ex.peer).spec->steam_id);
    std::string expected;
    if (const auto* r = std::get_if<ReceivedCheck>(&ex.check)) {
      if (SteamId id = idOf(r->from)) state.relevant.push_back(id);
      expected = r->count.describe() +
                 (r->reliable ? (*r->reliable ? " reliable" : " unreliable") : "") + " message(s)";
      if (r->from) expected += " from " + r->from->label();
      if (r->channel) expected += " on channel " + std::to_string(*r->channel);
      if (r->in_order) expected += ", in order";
      if (r->unique) expected += ", none twice";
      if (r->intact) expected += ", every payload intact";
    } else if (const auto* s = std::get_if<SignalCheck>(&ex.check)) {
      if (SteamId id = idOf(s->remote)) state.relevant.push_back(id);
      expected = s->count.describe() + " " + signalName(s->kind) + " signal(s)";
      if (s->remote) expected += " from " + s->remote->label();
      if (!s->reasons.empty()) expected += ", reason " + reasonsText(s->reasons);
      if (s->connection_state) {
        expected += ", state " + connectionStateLabel(*s->connection_state);
      }
      if (s->debug_message) expected += ", debug \"" + *s->debug_message + "\"";
    } else {
      const auto& c = std::get<SessionCheck>(ex.check);
      state.relevant.push_back(c.with.steam_id);
      std::vector<std::string> parts;
      if (c.connection_state) {
        parts.push_back("connection_state " + connectionStateLabel(*c.connection_state));
      }
      if (!c.end_reasons.empty()) parts.push_back("end_reason " + reasonsText(c.end_reasons));
      if (c.end_debug) parts.push_back("end_debug \"" + *c.end_debug + "\"");
      if (c.info_flags) parts.push_back("info_flags " + std::to_string(*c.info_flags));
      for (const StatusRange& range : c.status) {
        parts.push_back(range.field + (range.lo == range.hi ? " " + num(range.lo)
                                                            : " within [" + num(range.lo) + ", " +
                                                                  num(range.hi) + "]"));
      }
      for (std::size_t i = 0; i < parts.size(); ++i) expected += (i > 0 ? ", " : "") + parts[i];
    }
    state.result.expected = expected + ", " + timingPhrase(ex.timing, s_.duration_ms);
    expectation_check_.push_back(checks_.size());
    checks_.push_back(std::move(state));
  }
  for (std::size_t i = 0; i < s_.timeline.size(); ++i) {
    const TimelineEntry& entry = s_.timeline[i];
    CheckState state;
    state.result.id = entry.origin.pointer;
    state.result.pos = entry.origin.pos;
    state.relevant.push_back(
        peerRun(entry.peer.empty() ? s_.peers.front().name : entry.peer).spec->steam_id);
    const std::string at = " at " + num(entry.at_ms) + " ms";
    if (const auto* send = std::get_if<SendAction>(&entry.action)) {
      if (!send->expect_result) continue;
      state.relevant.push_back(send->to.steam_id);
      state.result.title =
          entry.description.empty()
              ? entry.peer + " sends to " + send->to.label() + " on channel " +
                    std::to_string(send->channel) +
                    (send->count > 1 ? " (" + std::to_string(send->count) + " x)" : "") + at
              : entry.description;
      state.result.expected = "every send returns " + resultLabel(*send->expect_result);
    } else {
      std::string call;
      std::optional<bool> expect;
      Target with;
      if (const auto* a = std::get_if<AcceptAction>(&entry.action)) {
        call = "acceptSessionWithUser(" + a->with.label() + ")";
        expect = a->expect_result;
        with = a->with;
      } else if (const auto* c = std::get_if<CloseSessionAction>(&entry.action)) {
        call = "closeSessionWithUser(" + c->with.label() + ")";
        expect = c->expect_result;
        with = c->with;
      } else if (const auto* cc = std::get_if<CloseChannelAction>(&entry.action)) {
        call =
            "closeChannelWithUser(" + cc->with.label() + ", " + std::to_string(cc->channel) + ")";
        expect = cc->expect_result;
        with = cc->with;
      }
      if (!expect) continue;
      state.relevant.push_back(with.steam_id);
      state.result.title =
          entry.description.empty() ? entry.peer + " calls " + call + at : entry.description;
      state.result.expected = call + " returns " + (*expect ? "true" : "false");
    }
    action_check_[i] = checks_.size();
    checks_.push_back(std::move(state));
  }

  // Decision points.
  for (std::size_t e = 0; e < s_.expectations.size(); ++e) {
    const Expectation& ex = s_.expectations[e];
    const Timing& t = ex.timing;
    if (t.kind == Timing::Kind::End) continue;
    if (std::holds_alternative<SessionCheck>(ex.check)) {
      if (t.kind == Timing::Kind::Between) {
        scheduleAt(msToUs(t.lo_ms), [this, e] { checkSessionLive(e); });
      }
      // Deferred once more, so a check at T sees every action of time T.
      const std::int64_t at = msToUs(t.hi_ms);
      scheduleAt(at, [this, e, at] { scheduleAt(at, [this, e] { decideSession(e, true); }); });
    } else {
      const std::size_t index = expectation_check_[e];
      scheduleAt(msToUs(t.hi_ms), [this, index] { snapshot(checks_[index]); });
    }
  }
}

bool ScenarioRun::sessionHolds(const Expectation& e, const SessionCheck& c, std::string& seen) {
  PeerRun& p = peerRun(e.peer);
  const SessionConnectionInfo info =
      p.api->getSessionConnectionInfo(c.with.steam_id, true, !c.status.empty());
  const ConnectionInfo conn = info.connection.value_or(ConnectionInfo{});
  bool ok = true;
  std::vector<std::string> parts;
  const int state = static_cast<int>(info.connection_state);
  if (c.connection_state) {
    ok = ok && state == *c.connection_state;
    parts.push_back("connection_state " + connectionStateLabel(state));
  }
  if (!c.end_reasons.empty()) {
    ok = ok && std::find(c.end_reasons.begin(), c.end_reasons.end(), conn.end_reason) !=
                   c.end_reasons.end();
    parts.push_back("end_reason " + endReasonLabel(conn.end_reason));
  }
  if (c.end_debug) {
    ok = ok && conn.end_debug == *c.end_debug;
    parts.push_back("end_debug \"" + conn.end_debug + "\"");
  }
  if (c.info_flags) {
    ok = ok && conn.info_flags == *c.info_flags;
    parts.push_back("info_flags " + std::to_string(conn.info_flags));
  }
  const RealTimeStatus status = info.status.value_or(RealTimeStatus{});
  for (const StatusRange& r : c.status) {
    const StatusField* field = findStatusField(r.field);
    if (field == nullptr) continue;
    const double v = field->read(status);
    ok = ok && v >= r.lo && v <= r.hi;
    parts.push_back(r.field + " " + num(v));
  }
  seen.clear();
  for (std::size_t i = 0; i < parts.size(); ++i) seen += (i > 0 ? ", " : "") + parts[i];
  if (p.api->crashed()) seen += " (" + e.peer + " is crashed)";
  return ok;
}

void ScenarioRun::checkSessionLive(std::size_t index) {
  const Expectation& e = s_.expectations[index];
  CheckState& state = checks_[expectation_check_[index]];
  if (state.decided) return;
  const std::int64_t t = nowUs();
  const Timing& timing = e.timing;
  if (timing.kind == Timing::Kind::By) {
    if (t > msToUs(timing.hi_ms)) return;
  } else if (timing.kind == Timing::Kind::Between) {
    if (t < msToUs(timing.lo_ms) || t > msToUs(timing.hi_ms)) return;
  } else {
    return;
  }
  std::string seen;
  if (sessionHolds(e, std::get<SessionCheck>(e.check), seen)) {
    state.decided = true;
    state.result.passed = true;
    state.result.actual = "held at " + seconds(t) + ": " + seen;
    state.result.at_ms = static_cast<double>(t) / 1e3;
  }
}

void ScenarioRun::decideSession(std::size_t index, bool /*final_check*/) {
  const Expectation& e = s_.expectations[index];
  CheckState& state = checks_[expectation_check_[index]];
  if (state.decided) return;
  const std::int64_t t = nowUs();
  std::string seen;
  state.decided = true;
  state.result.at_ms = static_cast<double>(t) / 1e3;
  state.result.passed = sessionHolds(e, std::get<SessionCheck>(e.check), seen);
  const bool polled = e.timing.kind == Timing::Kind::By || e.timing.kind == Timing::Kind::Between;
  if (state.result.passed) {
    state.result.actual = "held at " + seconds(t) + ": " + seen;
  } else {
    state.result.actual =
        (polled ? "never held at any check of the window; at " : "at ") + seconds(t) + ": " + seen;
    snapshot(state);
  }
}

void ScenarioRun::evaluateReceived(const Expectation& e, const ReceivedCheck& c,
                                   CheckState& state) {
  const PeerRun& p = peerRun(e.peer);
  const auto [lo, hi] = window(e.timing, end_us_);
  std::int64_t count = 0;
  std::int64_t others = 0;
  std::int64_t duplicates = 0;
  std::int64_t unknown = 0;
  std::int64_t first = -1;
  std::int64_t last = -1;
  std::string disorder;
  std::map<std::pair<SteamId, int>, std::uint64_t> last_seq;
  for (const ReadMessage& m : p.read) {
    if (m.t_us < lo || m.t_us > hi) continue;
    if ((c.from && m.from != c.from->steam_id) || (c.channel && m.channel != *c.channel) ||
        (c.reliable && m.reliable != *c.reliable)) {
      ++others;
      continue;
    }
    ++count;
    if (first < 0) first = m.t_us;
    last = m.t_us;
    if (m.kind == ReadMessage::Kind::Duplicate) ++duplicates;
    if (m.kind == ReadMessage::Kind::Unknown) ++unknown;
    if (m.kind != ReadMessage::Kind::Ok) continue;
    std::uint64_t& previous = last_seq[{m.from, m.channel}];
    if (m.seq < previous && disorder.empty()) {
      disorder = "message #" + std::to_string(m.seq) + " from " + nameOf(m.from) + " on channel " +
                 std::to_string(m.channel) + " read after #" + std::to_string(previous) + " at " +
                 seconds(m.t_us);
    }
    previous = std::max(previous, m.seq);
  }
  const bool count_ok = c.count.matches(count);
  const bool order_ok = !c.in_order || disorder.empty();
  const bool unique_ok = !c.unique || duplicates == 0;
  const bool intact_ok = !c.intact || unknown == 0;
  state.result.passed = count_ok && order_ok && unique_ok && intact_ok;
  state.result.at_ms = static_cast<double>(hi) / 1e3;
  std::string actual = "read " + std::to_string(count) + " matching message(s)";
  if (count > 0) actual += " (first at " + seconds(first) + ", last at " + seconds(last) + ")";
  if (c.in_order) actual += disorder.empty() ? ", in order" : "; out of order: " + disorder;
  if (c.unique || duplicates > 0) actual += ", " + std::to_string(duplicates) + " read twice";
  if (c.intact || unknown > 0) {
    actual += ", " + std::to_string(unknown) + " not matching any message sent";
  }
  if (others > 0) actual += "; " + std::to_string(others) + " other message(s) read in the window";
  if (!p.reading) actual += "; " + e.peer + " was not reading at the end";
  state.result.actual = actual;
  if (!state.result.passed) snapshot(state);
}

void ScenarioRun::evaluateSignal(const Expectation& e, const SignalCheck& c, CheckState& state) {
  const PeerRun& p = peerRun(e.peer);
  const auto [lo, hi] = window(e.timing, end_us_);
  std::int64_t count = 0;
  std::string seen;
  int listed = 0;
  int total = 0;
  for (const SignalRecord& r : p.signals) {
    if (r.kind != c.kind) continue;
    ++total;
    const bool in_window = r.t_us >= lo && r.t_us <= hi;
    const bool match = in_window && (!c.remote || r.remote == c.remote->steam_id) &&
                       (c.reasons.empty() || std::find(c.reasons.begin(), c.reasons.end(),
                                                       r.reason) != c.reasons.end()) &&
                       (!c.connection_state || r.state == *c.connection_state) &&
                       (!c.debug_message || r.debug == *c.debug_message);
    if (match) ++count;
    if (listed < 6) {
      seen += "\n    " + signalName(r.kind) + " from " + nameOf(r.remote);
      if (r.kind == SignalKind::SessionFailed) {
        seen += ": reason " + endReasonLabel(r.reason) + ", state " +
                connectionStateLabel(r.state) + ", \"" + r.debug + "\"";
      }
      seen += " at " + seconds(r.t_us) + (match ? "" : " (not counted)");
      ++listed;
    }
  }
  if (total > listed) seen += "\n    ... and " + std::to_string(total - listed) + " more";
  state.result.passed = c.count.matches(count);
  state.result.at_ms = static_cast<double>(hi) / 1e3;
  state.result.actual = std::to_string(count) + " matching";
  state.result.actual += total == 0
                             ? "; " + e.peer + " got no " + signalName(c.kind) + " signal"
                             : "; all " + signalName(c.kind) + " signals of " + e.peer + ":" + seen;
  if (!state.result.passed) snapshot(state);
}

}  // namespace steamsim::scenario::detail
