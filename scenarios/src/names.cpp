// Name tables for numbers a scenario may write by name, the accepted keys of each object
// kind, and "did you mean" suggestions.

#include "steamsim/scenario/names.hpp"

#include <algorithm>
#include <cctype>

#include "fields.hpp"
#include "steamsim/types.hpp"

namespace steamsim::scenario {
namespace {

std::string normalize(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '_' || c == '-' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string labelOf(const std::vector<NamedValue>& table, int value) {
  for (const NamedValue& entry : table) {
    if (entry.value == value) return std::string(entry.name) + " (" + std::to_string(value) + ")";
  }
  return std::to_string(value);
}

}  // namespace

const std::vector<NamedValue>& sendFlagNames() {
  static const std::vector<NamedValue> table = {
      {"unreliable", NETWORKING_SEND_UNRELIABLE},
      {"no_nagle", NETWORKING_SEND_NO_NAGLE},
      {"no_delay", NETWORKING_SEND_NO_DELAY},
      {"reliable", NETWORKING_SEND_RELIABLE},
      {"use_current_thread", NETWORKING_SEND_USE_CURRENT_THREAD},
      {"auto_restart_broken_session", NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION},
  };
  return table;
}

const std::vector<NamedValue>& resultNames() {
  static const std::vector<NamedValue> table = {
      {"None", 0},           {"OK", 1},           {"Fail", 2},
      {"NoConnection", 3},   {"InvalidParam", 8}, {"InvalidState", 11},
      {"AccessDenied", 15},  {"Timeout", 16},     {"LimitExceeded", 25},
      {"ConnectFailed", 35}, {"Ignored", 41},
  };
  return table;
}

const std::vector<NamedValue>& connectionStateNames() {
  static const std::vector<NamedValue> table = {
      {"None", 0},      {"Connecting", 1},   {"FindingRoute", 2},
      {"Connected", 3}, {"ClosedByPeer", 4}, {"ProblemDetectedLocally", 5},
  };
  return table;
}

const std::vector<NamedValue>& endReasonNames() {
  static const std::vector<NamedValue> table = {
      {"Invalid", 0},
      {"App_Generic", 1000},
      {"P2PSessionClosed", 1001},
      {"P2PSessionIdleTimeout", 1002},
      {"App_Max", 1999},
      {"AppException_Generic", 2000},
      {"AppException_Max", 2999},
      {"Local_OfflineMode", 3001},
      {"Local_ManyRelayConnectivity", 3002},
      {"Local_HostedServerPrimaryRelay", 3003},
      {"Local_NetworkConfig", 3004},
      {"Local_Rights", 3005},
      {"Local_P2P_ICE_NoPublicAddresses", 3006},
      {"Remote_Timeout", 4001},
      {"Remote_BadCrypt", 4002},
      {"Remote_BadCert", 4003},
      {"Remote_BadProtocolVersion", 4006},
      {"Remote_P2P_ICE_NoPublicAddresses", 4007},
      {"Misc_Generic", 5001},
      {"Misc_InternalError", 5002},
      {"Misc_Timeout", 5003},
      {"Misc_SteamConnectivity", 5005},
      {"Misc_NoRelaySessionsToClient", 5006},
      {"Misc_P2P_Rendezvous", 5008},
      {"Misc_P2P_NAT_Firewall", 5009},
      {"Misc_PeerSentNoConnection", 5010},
  };
  return table;
}

std::optional<int> lookupName(const std::vector<NamedValue>& table, std::string_view name) {
  const std::string wanted = normalize(name);
  for (const NamedValue& entry : table) {
    if (normalize(entry.name) == wanted) return entry.value;
  }
  return std::nullopt;
}

std::string resultLabel(int result) {
  return labelOf(resultNames(), result);
}
std::string connectionStateLabel(int state) {
  return labelOf(connectionStateNames(), state);
}
std::string endReasonLabel(int reason) {
  return labelOf(endReasonNames(), reason);
}

std::string sendFlagsLabel(int flags) {
  std::string out = (flags & NETWORKING_SEND_RELIABLE) != 0 ? "reliable" : "unreliable";
  for (const NamedValue& entry : sendFlagNames()) {
    if (entry.value != 0 && entry.value != NETWORKING_SEND_RELIABLE &&
        (flags & entry.value) == entry.value) {
      out += '|';
      out += entry.name;
    }
  }
  return out + " (" + std::to_string(flags) + ")";
}

const std::vector<std::pair<std::string, std::vector<std::string>>>& acceptedKeys() {
  static const auto table = [] {
    std::vector<std::string> link = {"from", "to", "between", "reset"};
    for (const auto& f : detail::linkBoolFields()) link.emplace_back(f.name);
    for (const auto& f : detail::linkNumberFields()) link.emplace_back(f.name);
    std::vector<std::string> config;
    for (const auto& f : detail::configIntFields()) config.emplace_back(f.key);
    config.emplace_back("embed_callbacks");
    std::vector<std::string> session = {"with", "connection_state", "end_reason", "end_debug",
                                        "info_flags"};
    for (const auto& f : detail::statusFields()) session.emplace_back(f.name);
    return std::vector<std::pair<std::string, std::vector<std::string>>>{
        {"scenario",
         {"$schema", "name", "description", "seed", "duration_ms", "clock", "config", "peers",
          "links", "timeline", "expect"}},
        {"config", config},
        {"peer", {"steam_id", "accept", "poll_ms", "reading", "external"}},
        {"link", link},
        {"timeline_entry",
         {"at_ms", "description", "links", "partition", "heal", "peer", "send", "accept",
          "close_session", "close_channel", "crash", "restart", "reading"}},
        {"send",
         {"to", "channel", "flags", "payload", "size", "count", "every_ms", "expect_result"}},
        {"accept", {"with", "expect_result"}},
        {"close_session", {"with", "expect_result"}},
        {"close_channel", {"with", "channel", "expect_result"}},
        {"expectation",
         {"peer", "description", "by_ms", "at_ms", "between_ms", "received", "signal", "session",
          "remote", "reason", "connection_state", "debug_message", "count", "min", "max"}},
        {"received",
         {"from", "channel", "reliable", "count", "min", "max", "in_order", "unique", "intact"}},
        {"session", session},
    };
  }();
  return table;
}

std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const std::string& c : candidates) {
    const std::size_t d = editDistance(normalize(word), normalize(c));
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  if (best && best_distance <= limit && best_distance < std::max(word.size(), best->size())) {
    return best;
  }
  return std::nullopt;
}

}  // namespace steamsim::scenario
