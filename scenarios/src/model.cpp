// SPDX-License-Identifier: MIT
// Small behaviours of the scenario model.

#include <algorithm>
#include <set>

#include "fields.hpp"
#include "steamsim/scenario/model.hpp"

namespace steamsim::scenario {

void LinkPatch::applyTo(LinkConditions& conditions) const {
  if (reset) conditions = LinkConditions{};
  for (const auto& f : detail::linkBoolFields()) {
    if (this->*f.patch) conditions.*f.conditions = *(this->*f.patch);
  }
  for (const auto& f : detail::linkNumberFields()) {
    if (this->*f.patch) conditions.*f.conditions = *(this->*f.patch);
  }
}

bool LinkPatch::empty() const {
  if (reset) return false;
  for (const auto& f : detail::linkBoolFields()) {
    if (this->*f.patch) return false;
  }
  for (const auto& f : detail::linkNumberFields()) {
    if (this->*f.patch) return false;
  }
  return true;
}

bool LinkRule::matches(std::string_view from_name, std::string_view to_name) const {
  const auto one = [](std::string_view pattern, std::string_view name) {
    return pattern == "*" || pattern == name;
  };
  if (one(from, from_name) && one(to, to_name)) return true;
  return both_directions && one(from, to_name) && one(to, from_name);
}

std::string Target::label() const {
  return peer.empty() ? std::to_string(steam_id) : peer;
}

void ConfigPatch::applyTo(NetworkConfig& config) const {
  if (timeout_initial_ms) config.timeout_initial = std::chrono::milliseconds(*timeout_initial_ms);
  if (timeout_connected_ms) {
    config.timeout_connected = std::chrono::milliseconds(*timeout_connected_ms);
  }
  if (idle_timeout_ms) config.idle_timeout = std::chrono::milliseconds(*idle_timeout_ms);
  if (nagle_us) config.nagle = std::chrono::microseconds(*nagle_us);
  if (send_rate) config.send_rate = static_cast<int>(*send_rate);
  if (send_buffer) config.send_buffer = static_cast<int>(*send_buffer);
  if (broken_session_result)
    config.broken_session_result = static_cast<int>(*broken_session_result);
  if (info_flags) config.info_flags = static_cast<int>(*info_flags);
  if (embed_callbacks) config.embed_callbacks = *embed_callbacks;
  if (max_unread_bytes) config.max_unread_bytes = static_cast<std::size_t>(*max_unread_bytes);
}

bool CountSpec::matches(std::int64_t n) const {
  if (exact) return n == *exact;
  if (!min && !max) return n >= 1;
  return (!min || n >= *min) && (!max || n <= *max);
}

std::string CountSpec::describe() const {
  if (exact) return "exactly " + std::to_string(*exact);
  if (min && max) return "between " + std::to_string(*min) + " and " + std::to_string(*max);
  if (max) return "at most " + std::to_string(*max);
  return "at least " + std::to_string(min.value_or(1));
}

const PeerSpec* Scenario::findPeer(std::string_view peer_name) const {
  for (const PeerSpec& p : peers) {
    if (p.name == peer_name) return &p;
  }
  return nullptr;
}

std::vector<int> Scenario::channels() const {
  std::set<int> all = {0};
  for (const TimelineEntry& entry : timeline) {
    if (const auto* send = std::get_if<SendAction>(&entry.action)) all.insert(send->channel);
    if (const auto* close = std::get_if<CloseChannelAction>(&entry.action)) {
      all.insert(close->channel);
    }
  }
  for (const Expectation& e : expectations) {
    if (const auto* received = std::get_if<ReceivedCheck>(&e.check)) {
      if (received->channel) all.insert(*received->channel);
    }
  }
  return {all.begin(), all.end()};
}

NetworkConfig Scenario::networkConfig(std::uint64_t run_seed) const {
  NetworkConfig out;
  config.applyTo(out);
  out.seed = run_seed;
  out.clock = clock == ClockChoice::Real ? ClockMode::RealTime : ClockMode::Virtual;
  return out;
}

}  // namespace steamsim::scenario
