// SPDX-License-Identifier: MIT
// Keeping each pair's session history for failure explanations.

#include "session_history.hpp"

#include <algorithm>
#include <string_view>

namespace steamsim::scenario::detail {

namespace {

constexpr std::size_t kMaxEntriesPerPair = 4000;
constexpr std::int64_t kDataPacket = 3;

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

void SessionHistory::keep(const Key& k, const TraceEvent& event) {
  std::vector<Entry>& entries = pairs_[k];
  if (entries.size() >= kMaxEntriesPerPair) {
    // Keep the beginning (the handshake) and the most recent part.
    entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(kMaxEntriesPerPair / 4),
                  entries.begin() + static_cast<std::ptrdiff_t>(kMaxEntriesPerPair / 2));
    for (std::size_t i = 0; i < last_send_.size(); ++i) {
      const SteamId sender = last_send_.keyAt(i).first;
      if (sender == k.first || sender == k.second) last_send_.valueAt(i) = kNoSend;
    }
  }
  entries.push_back({event, 0});
}

void SessionHistory::forgetSend(const Key& directed) {
  if (std::size_t* last = last_send_.find(directed)) *last = kNoSend;
}

void SessionHistory::add(const TraceEvent& event) {
  switch (event.kind) {
    case TraceKind::StateChange:
    case TraceKind::Signal:
      forgetSend({event.from, event.to});
      forgetSend({event.to, event.from});
      keep(key(event.from, event.to), event);
      return;
    case TraceKind::ApiCall: {
      if (event.detail == "receiveMessagesOnChannel" ||
          event.detail == "getSessionConnectionInfo") {
        return;
      }
      const Key k = key(event.from, event.to);
      if (event.detail == "sendMessageToUser") {
        const std::size_t* last = last_send_.find({event.from, event.to});
        std::vector<Entry>& entries = pairs_[k];
        if (last != nullptr && *last < entries.size() &&
            entries[*last].event.value == event.value) {
          ++entries[*last].repeats;
          return;
        }
        keep(k, event);
        last_send_[{event.from, event.to}] = pairs_[k].size() - 1;
        return;
      }
      keep(k, event);
      return;
    }
    case TraceKind::DatagramSent:
      if (event.value != kDataPacket) {
        control_packets_[event.packet_id] = event.value;
        keep(key(event.from, event.to), event);
      }
      return;
    case TraceKind::DatagramDropped: {
      LinkActivity& link = links_[{event.from, event.to}];
      ++link.drops_since[event.detail];
      ++link.drops[event.detail];
      if (control_packets_.count(event.packet_id) != 0) {
        keep(key(event.from, event.to), event);
        control_packets_.erase(event.packet_id);
      }
      return;
    }
    case TraceKind::DatagramDelivered: {
      LinkActivity& link = links_[{event.from, event.to}];
      link.last_delivered_us = event.time_us;
      if (!link.drops_since.empty()) link.drops_since.clear();
      auto it = control_packets_.find(event.packet_id);
      if (it != control_packets_.end()) {
        keep(key(event.from, event.to), event);
        control_packets_.erase(it);
      }
      return;
    }
    case TraceKind::PeerEvent:
      if (event.detail == "partition" || event.detail == "heal" || event.detail == "crash" ||
          event.detail == "restart" || startsWith(event.detail, "set_link")) {
        if (global_.size() < kMaxEntriesPerPair) global_.push_back({event, 0});
      }
      return;
    default:
      return;
  }
}

std::vector<const SessionHistory::Entry*> SessionHistory::pair(SteamId a, SteamId b) const {
  std::vector<const Entry*> out;
  if (const std::vector<Entry>* entries = pairs_.find(key(a, b))) {
    for (const Entry& e : *entries) out.push_back(&e);
  }
  for (const Entry& e : global_) {
    const TraceEvent& g = e.event;
    const bool network_wide = g.from == 0;
    const bool concerns = (g.from == a || g.from == b) && (g.to == 0 || g.to == a || g.to == b);
    if (network_wide || concerns) out.push_back(&e);
  }
  std::stable_sort(out.begin(), out.end(), [](const Entry* x, const Entry* y) {
    return x->event.time_us < y->event.time_us;
  });
  return out;
}

const SessionHistory::LinkActivity* SessionHistory::link(SteamId from, SteamId to) const {
  return links_.find({from, to});
}

SteamId SessionHistory::busiestPartner(SteamId a) const {
  SteamId best = 0;
  std::size_t most = 0;
  Key best_key;
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    const Key& k = pairs_.keyAt(i);
    const std::vector<Entry>& entries = pairs_.valueAt(i);
    if (k.first != a && k.second != a) continue;
    // Ties go to the smallest pair, whatever the order of the table.
    if (entries.size() > most || (entries.size() == most && most > 0 && k < best_key)) {
      most = entries.size();
      best_key = k;
      best = k.first == a ? k.second : k.first;
    }
  }
  return best;
}

}  // namespace steamsim::scenario::detail
