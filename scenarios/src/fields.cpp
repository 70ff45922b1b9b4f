// SPDX-License-Identifier: MIT
// The field tables of fields.hpp.

#include "fields.hpp"

#include <limits>

namespace steamsim::scenario::detail {

const std::vector<LinkBoolField>& linkBoolFields() {
  static const std::vector<LinkBoolField> fields = {
      {"down", &LinkPatch::down, &LinkConditions::down},
      {"jitter_reorders", &LinkPatch::jitter_reorders, &LinkConditions::jitter_reorders},
  };
  return fields;
}

const std::vector<LinkNumberField>& linkNumberFields() {
  static const std::vector<LinkNumberField> fields = {
      {"rate_limit_bytes_per_s", &LinkPatch::rate_limit_bytes_per_s,
       &LinkConditions::rate_limit_bytes_per_s},
      {"rate_limit_burst_bytes", &LinkPatch::rate_limit_burst_bytes,
       &LinkConditions::rate_limit_burst_bytes},
      {"loss_pct", &LinkPatch::loss_pct, &LinkConditions::loss_pct},
      {"burst_loss_pct", &LinkPatch::burst_loss_pct, &LinkConditions::burst_loss_pct},
      {"burst_length_mean", &LinkPatch::burst_length_mean, &LinkConditions::burst_length_mean},
      {"latency_ms", &LinkPatch::latency_ms, &LinkConditions::latency_ms},
      {"jitter_ms", &LinkPatch::jitter_ms, &LinkConditions::jitter_ms},
      {"reorder_pct", &LinkPatch::reorder_pct, &LinkConditions::reorder_pct},
      {"reorder_ms", &LinkPatch::reorder_ms, &LinkConditions::reorder_ms},
      {"duplicate_pct", &LinkPatch::duplicate_pct, &LinkConditions::duplicate_pct},
      {"duplicate_ms", &LinkPatch::duplicate_ms, &LinkConditions::duplicate_ms},
      {"corrupt_pct", &LinkPatch::corrupt_pct, &LinkConditions::corrupt_pct},
  };
  return fields;
}

const std::vector<ConfigIntField>& configIntFields() {
  constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();
  static const std::vector<ConfigIntField> fields = {
      {"timeout_initial_ms", "timeout_initial", &ConfigPatch::timeout_initial_ms, 1, kIntMax},
      {"timeout_connected_ms", "timeout_connected", &ConfigPatch::timeout_connected_ms, 1, kIntMax},
      {"idle_timeout_ms", "idle_timeout", &ConfigPatch::idle_timeout_ms, 1, kIntMax},
      {"nagle_us", "nagle", &ConfigPatch::nagle_us, 0, kIntMax},
      {"send_rate", "send_rate", &ConfigPatch::send_rate, 0, kIntMax},
      {"send_buffer", "send_buffer", &ConfigPatch::send_buffer, 0, kIntMax},
      {"broken_session_result", "broken_session_result", &ConfigPatch::broken_session_result, 0,
       kIntMax},
      {"info_flags", "info_flags", &ConfigPatch::info_flags, 0, kIntMax},
      {"max_unread_bytes", "max_unread_bytes", &ConfigPatch::max_unread_bytes, 0,
       std::numeric_limits<std::int64_t>::max()},
  };
  return fields;
}

const std::vector<StatusField>& statusFields() {
  static const std::vector<StatusField> fields = {
      {"ping", [](const RealTimeStatus& s) { return static_cast<double>(s.ping); }},
      {"local_quality",
       [](const RealTimeStatus& s) { return static_cast<double>(s.local_quality); }},
      {"remote_quality",
       [](const RealTimeStatus& s) { return static_cast<double>(s.remote_quality); }},
      {"packets_out_per_second",
       [](const RealTimeStatus& s) { return static_cast<double>(s.packets_out_per_second); }},
      {"bytes_out_per_second",
       [](const RealTimeStatus& s) { return static_cast<double>(s.bytes_out_per_second); }},
      {"packets_in_per_second",
       [](const RealTimeStatus& s) { return static_cast<double>(s.packets_in_per_second); }},
      {"bytes_in_per_second",
       [](const RealTimeStatus& s) { return static_cast<double>(s.bytes_in_per_second); }},
      {"send_rate", [](const RealTimeStatus& s) { return static_cast<double>(s.send_rate); }},
      {"pending_unreliable",
       [](const RealTimeStatus& s) { return static_cast<double>(s.pending_unreliable); }},
      {"pending_reliable",
       [](const RealTimeStatus& s) { return static_cast<double>(s.pending_reliable); }},
      {"sent_unacknowledged_reliable",
       [](const RealTimeStatus& s) { return static_cast<double>(s.sent_unacknowledged_reliable); }},
      {"queue_time", [](const RealTimeStatus& s) { return static_cast<double>(s.queue_time); }},
  };
  return fields;
}

const StatusField* findStatusField(std::string_view name) {
  for (const StatusField& f : statusFields()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace steamsim::scenario::detail
