// SPDX-License-Identifier: MIT
#include "steamsim/dictionary.hpp"

namespace steamsim {

nlohmann::json toDictionary(const Message& message) {
  nlohmann::json d = nlohmann::json::object();
  d["payload"] = message.payload;
  d["size"] = message.size;
  d["connection"] = message.connection;
  d["identity"] = message.identity;
  d["receiver_user_data"] = message.receiver_user_data;
  d["time_received"] = message.time_received;
  d["message_number"] = message.message_number;
  d["channel"] = message.channel;
  d["flags"] = message.flags;
  d["sender_user_data"] = message.sender_user_data;
  return d;
}

nlohmann::json toDictionary(const SessionConnectionInfo& info) {
  nlohmann::json d = nlohmann::json::object();
  d["connection_state"] = static_cast<int>(info.connection_state);
  if (info.connection) {
    const ConnectionInfo& c = *info.connection;
    d["identity"] = c.identity;
    d["user_data"] = c.user_data;
    d["listen_socket"] = c.listen_socket;
    d["remote_address"] = c.remote_address;
    d["remote_pop"] = c.remote_pop;
    d["pop_relay"] = c.pop_relay;
    d["connection_state"] = static_cast<int>(c.connection_state);
    d["end_reason"] = c.end_reason;
    d["end_debug"] = c.end_debug;
    d["debug_description"] = c.debug_description;
    d["info_flags"] = c.info_flags;
  }
  if (info.status) {
    const RealTimeStatus& s = *info.status;
    d["state"] = static_cast<int>(s.state);
    d["ping"] = s.ping;
    d["local_quality"] = s.local_quality;
    d["remote_quality"] = s.remote_quality;
    d["packets_out_per_second"] = s.packets_out_per_second;
    d["bytes_out_per_second"] = s.bytes_out_per_second;
    d["packets_in_per_second"] = s.packets_in_per_second;
    d["bytes_in_per_second"] = s.bytes_in_per_second;
    d["send_rate"] = s.send_rate;
    d["pending_unreliable"] = s.pending_unreliable;
    d["pending_reliable"] = s.pending_reliable;
    d["sent_unacknowledged_reliable"] = s.sent_unacknowledged_reliable;
    d["queue_time"] = s.queue_time;
  }
  return d;
}

nlohmann::json toDictionary(const SessionFailed& failed) {
  nlohmann::json d = nlohmann::json::object();
  d["reason"] = failed.reason;
  d["remote_steam_id"] = failed.remote_steam_id;
  d["connection_state"] = static_cast<int>(failed.connection_state);
  d["debug_message"] = failed.debug_message;
  return d;
}

}  // namespace steamsim
