// SPDX-License-Identifier: MIT
// Finding the behaviour rule behind a failed check.

#include "explain.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string_view>

namespace steamsim::scenario::detail {

namespace {

constexpr std::size_t kTimelineLines = 40;
constexpr std::int64_t kConnectRequest = 1;
constexpr std::int64_t kAfterUs = 1'000'000;  // events this long after the decision still count

using Entry = SessionHistory::Entry;

std::string ms(std::int64_t us) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f ms", static_cast<double>(us) / 1e3);
  return buffer;
}

bool isStateChange(const TraceEvent& e) {
  return e.kind == TraceKind::StateChange;
}

/// "state Connected -> ProblemDetectedLocally 5003 Connection dropped" -> "Connected".
std::string previousState(const TraceEvent& e) {
  const std::string_view d = e.detail;
  const std::size_t start = d.find(' ');
  const std::size_t arrow = d.find(" -> ");
  if (start == std::string_view::npos || arrow == std::string_view::npos) return {};
  return std::string(d.substr(start + 1, arrow - start - 1));
}

/// The end reason in a state change's detail ("... 5003 Connection dropped"), or 0.
int reasonOf(const TraceEvent& e) {
  const std::string_view d = e.detail;
  const std::size_t arrow = d.find(" -> ");
  if (arrow == std::string_view::npos) return 0;
  const std::size_t space = d.find(' ', arrow + 4);
  if (space == std::string_view::npos) return 0;
  int reason = 0;
  for (std::size_t i = space + 1; i < d.size() && d[i] >= '0' && d[i] <= '9'; ++i) {
    reason = reason * 10 + (d[i] - '0');
  }
  return reason;
}

std::string dropsText(const std::map<std::string, std::uint64_t>& drops) {
  std::string out;
  for (const auto& [stage, n] : drops) {
    if (!out.empty()) out += ", ";
    out += std::to_string(n) + " by " + stage;
  }
  return out;
}

struct Context {
  const SessionHistory& history;
  std::vector<const Entry*> entries;
  SteamId peer;
  SteamId remote;
  std::int64_t until_us;
  std::int64_t start_us;
  const NameOf& name;

  std::string line(const Entry& e) const {
    std::string text = formatTraceLine(e.event, start_us, name);
    if (e.repeats > 0) text += "  (and " + std::to_string(e.repeats) + " more like it)";
    return "        " + text;
  }
  std::string who(SteamId id) const { return name(id); }
  std::string at(const TraceEvent& e) const { return ms(e.time_us - start_us); }
};

/// A failure state change of `side` towards `other`, the last one before the decision.
const Entry* lastFailure(const Context& c, SteamId side, SteamId other) {
  const Entry* found = nullptr;
  for (const Entry* e : c.entries) {
    const TraceEvent& ev = e->event;
    if (ev.time_us > c.until_us + kAfterUs) break;
    if (isStateChange(ev) && ev.from == side && ev.to == other &&
        (ev.value == 4 || ev.value == 5)) {
      found = e;
    }
  }
  return found;
}

const Entry* signalAt(const Context& c, const TraceEvent& change) {
  for (const Entry* e : c.entries) {
    const TraceEvent& ev = e->event;
    if (ev.kind == TraceKind::Signal && ev.from == change.from && ev.to == change.to &&
        ev.time_us == change.time_us) {
      return e;
    }
  }
  return nullptr;
}

std::string silenceText(const Context& c, SteamId from, SteamId to, std::int64_t at_us) {
  const SessionHistory::LinkActivity* link = c.history.link(from, to);
  if (link == nullptr || link->last_delivered_us < 0) {
    return " No datagram from " + c.who(from) + " ever reached " + c.who(to) + ".";
  }
  std::string text;
  if (link->last_delivered_us <= at_us) {
    text = " The last datagram from " + c.who(from) + " reached " + c.who(to) + " at " +
           ms(link->last_delivered_us - c.start_us) + ", " + ms(at_us - link->last_delivered_us) +
           " before.";
  }
  for (const Entry* e : c.entries) {
    const TraceEvent& ev = e->event;
    if (ev.kind != TraceKind::PeerEvent || ev.time_us < link->last_delivered_us ||
        ev.time_us > at_us) {
      continue;
    }
    if (ev.detail == "partition") text += " A partition cut them apart at " + c.at(ev) + ".";
    if (ev.detail == "crash") text += " " + c.who(ev.from) + " crashed at " + c.at(ev) + ".";
  }
  if (!link->drops_since.empty()) {
    text += " Dropped since on " + c.who(from) + " -> " + c.who(to) + ": " +
            dropsText(link->drops_since) + ".";
  }
  return text;
}

Explanation failureFinding(const Context& c, const Entry& change) {
  Explanation x;
  const TraceEvent& ev = change.event;
  const Entry* signal = signalAt(c, ev);
  const std::string before = previousState(ev);
  const int reason = reasonOf(ev);
  const std::string self = c.who(ev.from);
  const std::string other = c.who(ev.to);
  x.proof.push_back(c.line(change));
  if (signal != nullptr) x.proof.push_back(c.line(*signal));
  if (signal == nullptr && before == "Connected") {
    x.rule = "B13";
    x.text = "At " + c.at(ev) + " " + self + "'s connection to " + other + " failed (reason " +
             std::to_string(reason) + ") while Connected and idle: " +
             "nothing was half-received and no reliable data was unacknowledged, so the " +
             "session was reset silently, with no network_messages_session_failed signal " +
             "(B13); the next send reconnects." +
             (reason == 5003
                  ? " It failed because nothing was heard from " + other +
                        " for timeout_connected (B12)." + silenceText(c, ev.to, ev.from, ev.time_us)
                  : std::string());
    x.proof.push_back("        (no network_messages_session_failed signal follows)");
    return x;
  }
  if (reason == 5003 && before == "Connected") {
    x.rule = "B12";
    x.text = "At " + c.at(ev) + " " + self + " heard nothing from " + other +
             " for timeout_connected on a connected link, so the connection failed with " +
             "5003 \"Connection dropped\" and " + self + " was signalled (B12)." +
             silenceText(c, ev.to, ev.from, ev.time_us);
  } else if (reason == 5003) {
    x.rule = "B6";
    x.text = "At " + c.at(ev) + " the connection between " + self + " and " + other +
             " was still not established after timeout_initial, so " + self +
             " gave up with 5003 (B6): either the request was never accepted or no handshake " +
             "packet got through." + silenceText(c, ev.to, ev.from, ev.time_us);
  } else if (reason == 1001) {
    x.rule = "B9";
    x.text = "At " + c.at(ev) + " " + other + " called closeSessionWithUser, so " + self +
             " saw ClosedByPeer with 1001 and lost every unread message from " + other + " (B9).";
  } else if (reason == 1002) {
    x.rule = "B11";
    x.text = "At " + c.at(ev) + " the session between " + self + " and " + other +
             " was unused for the idle timeout and closed with 1002 (B11).";
  } else if (ev.value == 4) {
    x.rule = "B14";
    x.text = "At " + c.at(ev) + " " + other + " closed the connection; " + self +
             " reports ClosedByPeer with " + other + "'s reason " + std::to_string(reason) +
             " (B14).";
  } else {
    x.text = "At " + c.at(ev) + " " + self + "'s connection to " + other + " failed (" + ev.detail +
             ").";
  }
  if (signal == nullptr)
    x.proof.push_back("        (no network_messages_session_failed signal follows)");
  return x;
}

/// Both sides asked to connect before either heard the other's request (B5).
std::optional<Explanation> symmetricConnect(const Context& c) {
  const Entry* request[2] = {nullptr, nullptr};    // first ConnectRequest sent by peer, remote
  const Entry* connected[2] = {nullptr, nullptr};  // first "-> Connected"
  const Entry* asked[2] = {nullptr, nullptr};      // a session request signal
  const Entry* lost = nullptr;
  for (const Entry* e : c.entries) {
    const TraceEvent& ev = e->event;
    if (ev.time_us > c.until_us + kAfterUs) break;
    const int side = ev.from == c.peer ? 0 : (ev.from == c.remote ? 1 : -1);
    if (side < 0) continue;
    if (ev.kind == TraceKind::DatagramSent && ev.value == kConnectRequest &&
        request[side] == nullptr && connected[side] == nullptr) {
      request[side] = e;
    } else if (ev.kind == TraceKind::DatagramDropped && lost == nullptr &&
               connected[0] == nullptr && connected[1] == nullptr && ev.bytes == 44) {
      lost = e;
    } else if (isStateChange(ev) && ev.value == 3 && connected[side] == nullptr) {
      connected[side] = e;
    } else if (ev.kind == TraceKind::Signal && ev.value == 0 && asked[side] == nullptr) {
      asked[side] = e;
    }
  }
  if (request[0] == nullptr || request[1] == nullptr || asked[0] != nullptr ||
      asked[1] != nullptr) {
    return std::nullopt;
  }
  const std::int64_t second = std::max(request[0]->event.time_us, request[1]->event.time_us);
  for (const Entry* done : connected) {
    if (done != nullptr && done->event.time_us < second) return std::nullopt;
  }
  Explanation x;
  x.rule = "B5";
  const Entry* first =
      request[0]->event.time_us <= request[1]->event.time_us ? request[0] : request[1];
  const Entry* later = first == request[0] ? request[1] : request[0];
  x.text = "Both peers sent first: " + c.who(first->event.from) + " asked to connect at " +
           c.at(first->event) + " and " + c.who(later->event.from) + " at " + c.at(later->event) +
           ", before either had heard the other's request";
  if (lost != nullptr) {
    x.text += " (" + c.who(lost->event.from) + "'s handshake at " + c.at(lost->event) +
              " was dropped by " + lost->event.detail + ")";
  }
  x.text +=
      ". The two attempts become one connection and neither side gets a "
      "network_messages_session_request (B5).";
  std::vector<const Entry*> shown = {first, later};
  if (lost != nullptr && lost != first) shown.push_back(lost);
  for (const Entry* done : connected) {
    if (done != nullptr) shown.push_back(done);
  }
  std::stable_sort(shown.begin(), shown.end(), [](const Entry* a, const Entry* b) {
    return a->event.time_us < b->event.time_us;
  });
  for (const Entry* e : shown) x.proof.push_back(c.line(*e));
  return x;
}

std::optional<Explanation> brokenSends(const Context& c) {
  for (const Entry* e : c.entries) {
    const TraceEvent& ev = e->event;
    if (ev.time_us > c.until_us + kAfterUs) break;
    if (ev.kind == TraceKind::ApiCall && ev.detail == "sendMessageToUser" && ev.from == c.peer &&
        (ev.value == 35 || ev.value == 3)) {
      Explanation x;
      x.rule = "B7";
      x.text = "From " + c.at(ev) + " " + c.who(c.peer) + "'s sends to " + c.who(c.remote) +
               " returned " + std::to_string(ev.value) +
               ": a failure was recorded for the session, and sends fail until it is closed or " +
               "a send passes AutoRestartBrokenSession (B7).";
      x.proof.push_back(c.line(*e));
      return x;
    }
  }
  return std::nullopt;
}

std::optional<Explanation> unaccepted(const Context& c) {
  const Entry* request = nullptr;
  for (const Entry* e : c.entries) {
    const TraceEvent& ev = e->event;
    if (ev.time_us > c.until_us) break;
    if (ev.kind == TraceKind::Signal && ev.value == 0) request = e;
    if (request != nullptr && ev.from == request->event.from &&
        ((ev.kind == TraceKind::ApiCall && ev.value == 1) ||
         (isStateChange(ev) && ev.value == 3))) {
      request = nullptr;  // accepted
    }
  }
  if (request == nullptr) return std::nullopt;
  Explanation x;
  x.rule = "B2";
  x.text = c.who(request->event.from) + " was asked for a session by " + c.who(request->event.to) +
           " at " + c.at(request->event) +
           " and had not accepted it: nothing is delivered until it accepts (B2).";
  x.proof.push_back(c.line(*request));
  return x;
}

/// `sender` asked to connect and never got a connection: every handshake was lost (B1).
std::optional<Explanation> handshakeStuck(const Context& c, SteamId sender, SteamId receiver) {
  std::size_t requests = 0;
  std::map<std::string, std::uint64_t> drops;
  const Entry* first = nullptr;
  const Entry* first_drop = nullptr;
  for (const Entry* e : c.entries) {
    const TraceEvent& ev = e->event;
    if (ev.time_us > c.until_us) break;
    if (isStateChange(ev) && ev.from == sender && ev.to == receiver && ev.value == 3) {
      return std::nullopt;  // it connected
    }
    if (ev.from != sender || ev.to != receiver) continue;
    if (ev.kind == TraceKind::DatagramSent && ev.value == kConnectRequest) {
      ++requests;
      if (first == nullptr) first = e;
    }
    if (ev.kind == TraceKind::DatagramDropped && ev.bytes == 44) {
      ++drops[ev.detail];
      if (first_drop == nullptr) first_drop = e;
    }
  }
  if (requests == 0 || drops.empty()) return std::nullopt;
  Explanation x;
  x.rule = "B1";
  x.text = c.who(sender) + "'s connection to " + c.who(receiver) +
           " never got past Connecting: it sent " + std::to_string(requests) +
           " ConnectRequest(s) and the link dropped them (" + dropsText(drops) + "). " +
           "sendMessageToUser queued every message and returned OK (B1), but nothing reaches " +
           c.who(receiver) + " until a handshake gets through; after timeout_initial the " +
           "attempt fails (B6).";
  x.proof.push_back(c.line(*first));
  if (first_drop != nullptr && first_drop != first) x.proof.push_back(c.line(*first_drop));
  return x;
}

std::optional<Explanation> lossyLink(const Context& c) {
  const SessionHistory::LinkActivity* link = c.history.link(c.remote, c.peer);
  if (link == nullptr || link->drops.empty()) return std::nullopt;
  std::string cuts;
  std::int64_t cut_at = -1;
  for (const Entry* e : c.entries) {
    const TraceEvent& ev = e->event;
    if (ev.kind != TraceKind::PeerEvent || ev.time_us > c.until_us) continue;
    if (ev.detail == "partition") cut_at = ev.time_us;
    if (ev.detail == "heal" && cut_at >= 0) {
      cuts += (cuts.empty() ? "" : ", ") + std::string("a partition from ") +
              ms(cut_at - c.start_us) + " to " + c.at(ev);
      cut_at = -1;
    }
    if (ev.detail == "crash" && (ev.from == c.remote || ev.from == c.peer)) {
      cuts += (cuts.empty() ? "" : ", ") + c.who(ev.from) + " crashed at " + c.at(ev);
    }
  }
  if (cut_at >= 0)
    cuts += (cuts.empty() ? "" : ", ") + std::string("a partition from ") + ms(cut_at - c.start_us);
  Explanation x;
  x.rule = "B16";
  x.text = "Datagrams from " + c.who(c.remote) + " to " + c.who(c.peer) + " were dropped (" +
           dropsText(link->drops) +
           "); unreliable messages in them are lost for good, reliable ones are sent again " +
           "(B16, B15)." +
           (cuts.empty() ? std::string() : " Down/partition drops come from: " + cuts + ".");
  return x;
}

}  // namespace

Explanation explain(const SessionHistory& history, SteamId peer, SteamId remote,
                    std::int64_t until_us, std::int64_t start_us, CheckTopic topic,
                    const NameOf& name) {
  Context c{history, history.pair(peer, remote), peer, remote, until_us, start_us, name};
  const Entry* own = lastFailure(c, peer, remote);
  const Entry* theirs = lastFailure(c, remote, peer);
  using Finder = std::function<std::optional<Explanation>()>;
  const Finder ownFailure = [&]() -> std::optional<Explanation> {
    if (own == nullptr) return std::nullopt;
    return failureFinding(c, *own);
  };
  const Finder theirFailure = [&]() -> std::optional<Explanation> {
    if (theirs == nullptr) return std::nullopt;
    return failureFinding(c, *theirs);
  };
  const Finder symmetric = [&] { return symmetricConnect(c); };
  const Finder broken = [&] { return brokenSends(c); };
  const Finder waiting = [&] { return unaccepted(c); };
  const Finder lossy = [&] { return lossyLink(c); };
  const Finder stuck = [&] { return handshakeStuck(c, remote, peer); };
  // The findings that can answer each kind of check, most telling first.
  std::vector<Finder> order;
  switch (topic) {
    case CheckTopic::SessionRequest:
      order = {symmetric, stuck, waiting, ownFailure, theirFailure, broken};
      break;
    case CheckTopic::Received:
      order = {theirFailure, ownFailure, broken, stuck, waiting, lossy};
      break;
    case CheckTopic::SessionFailed:
    case CheckTopic::Session:
    case CheckTopic::Action:
      order = {ownFailure, theirFailure, broken, waiting, symmetric};
      break;
  }
  Explanation x;
  for (const Finder& find : order) {
    if (auto found = find()) {
      x = std::move(*found);
      break;
    }
  }

  std::size_t shown = 0;
  for (const Entry* e : c.entries) {
    if (e->event.time_us > until_us + kAfterUs) break;
    ++shown;
  }
  const std::size_t skip = shown > kTimelineLines ? shown - kTimelineLines : 0;
  if (skip > 0) x.timeline.push_back("        ... " + std::to_string(skip) + " earlier event(s)");
  for (std::size_t i = skip; i < shown; ++i) x.timeline.push_back(c.line(*c.entries[i]));
  return x;
}

}  // namespace steamsim::scenario::detail
