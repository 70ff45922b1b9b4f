// SPDX-License-Identifier: MIT
// Formatting trace events.

#include "trace_format.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace steamsim::scenario::detail {

std::string formatTraceLine(const TraceEvent& event, std::int64_t start_us, const NameOf& name) {
  char time[32];
  std::snprintf(time, sizeof time, "%10.3f ms",
                static_cast<double>(event.time_us - start_us) / 1e3);
  std::string kind(toString(event.kind));
  kind.resize(std::max<std::size_t>(kind.size(), 19), ' ');
  std::string line = std::string(time) + "  " + kind + " ";
  if (event.from != 0) line += name(event.from);
  if (event.to != 0) line += " -> " + name(event.to);
  if (event.bytes != 0) line += "  " + std::to_string(event.bytes) + " B";
  if (!event.detail.empty()) line += "  " + event.detail;
  switch (event.kind) {
    case TraceKind::DatagramDelayed:
    case TraceKind::DatagramDuplicated: {
      char delay[32];
      std::snprintf(delay, sizeof delay, " +%.3f ms", static_cast<double>(event.value) / 1e3);
      line += delay;
      break;
    }
    case TraceKind::DatagramDelivered:
      break;  // value is the delivery time, already the event's time
    case TraceKind::ApiCall:
      line += " -> " + std::to_string(event.value);
      break;
    default:
      if (event.value != 0) line += " (" + std::to_string(event.value) + ")";
  }
  return line;
}

std::string traceJsonLine(const TraceEvent& event, std::int64_t start_us, const NameOf& name,
                          const std::string& run_name, std::uint64_t seed) {
  using Json = nlohmann::ordered_json;
  Json j;
  j["run"] = run_name;
  j["seed"] = seed;
  j["t_us"] = event.time_us - start_us;
  j["kind"] = toString(event.kind);
  j["from"] = event.from;
  j["to"] = event.to;
  if (event.from != 0) j["from_peer"] = name(event.from);
  if (event.to != 0) j["to_peer"] = name(event.to);
  j["bytes"] = event.bytes;
  j["value"] = event.value;
  j["detail"] = event.detail;
  if (event.packet_id != 0) j["packet_id"] = event.packet_id;
  if (event.message_id != 0) j["message_id"] = event.message_id;
  if (event.packet_content != 0) {
    Json carries = Json::array();
    if ((event.packet_content & kPacketPing) != 0) carries.push_back("ping");
    if ((event.packet_content & kPacketMessages) != 0) carries.push_back("messages");
    if ((event.packet_content & kPacketAcks) != 0) carries.push_back("acks");
    j["carries"] = std::move(carries);
  }
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace steamsim::scenario::detail
