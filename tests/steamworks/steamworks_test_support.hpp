// SPDX-License-Identifier: MIT
#pragma once
// What the Steamworks adapter tests share: text renderings of steamsim's structures (so a
// mismatch shows every field), and identities of each kind.

#include <steamsim/steamworks.hpp>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace steamsim::steamworks_test {

inline constexpr SteamId kA = 76561198000000001ULL;
inline constexpr SteamId kB = 76561198000000002ULL;
inline constexpr SteamId kNobody = 76561198000000099ULL;

inline std::string describe(const Message& m) {
  std::ostringstream out;
  out << "payload=" << std::string(m.payload.begin(), m.payload.end()) << " size=" << m.size
      << " connection=" << m.connection << " identity=" << m.identity
      << " receiver_user_data=" << m.receiver_user_data << " time_received=" << m.time_received
      << " message_number=" << m.message_number << " channel=" << m.channel << " flags=" << m.flags
      << " sender_user_data=" << m.sender_user_data;
  return out.str();
}

inline std::string describe(const ConnectionInfo& c) {
  std::ostringstream out;
  out << "identity=" << c.identity << " user_data=" << c.user_data
      << " listen_socket=" << c.listen_socket << " remote_address=" << c.remote_address
      << " remote_pop=" << c.remote_pop << " pop_relay=" << c.pop_relay
      << " connection_state=" << static_cast<int>(c.connection_state)
      << " end_reason=" << c.end_reason << " end_debug=" << c.end_debug
      << " debug_description=" << c.debug_description << " info_flags=" << c.info_flags;
  return out.str();
}

inline std::string describe(const RealTimeStatus& s) {
  std::ostringstream out;
  out << "state=" << static_cast<int>(s.state) << " ping=" << s.ping
      << " local_quality=" << s.local_quality << " remote_quality=" << s.remote_quality
      << " packets_out=" << s.packets_out_per_second << " bytes_out=" << s.bytes_out_per_second
      << " packets_in=" << s.packets_in_per_second << " bytes_in=" << s.bytes_in_per_second
      << " send_rate=" << s.send_rate << " pending_unreliable=" << s.pending_unreliable
      << " pending_reliable=" << s.pending_reliable
      << " sent_unacknowledged_reliable=" << s.sent_unacknowledged_reliable
      << " queue_time=" << s.queue_time;
  return out.str();
}

inline std::string describe(const SessionConnectionInfo& info) {
  std::string out = "state=" + std::to_string(static_cast<int>(info.connection_state));
  out += info.connection ? " connection{" + describe(*info.connection) + "}" : " no-connection";
  out += info.status ? " status{" + describe(*info.status) + "}" : " no-status";
  return out;
}

inline std::string describe(const SessionFailed& f) {
  return "reason=" + std::to_string(f.reason) + " remote=" + std::to_string(f.remote_steam_id) +
         " state=" + std::to_string(static_cast<int>(f.connection_state)) +
         " debug=" + f.debug_message;
}

/// A Steam-ID identity.
inline SteamNetworkingIdentity steamIdentity(SteamId id) {
  SteamNetworkingIdentity identity;
  identity.Clear();
  identity.SetSteamID64(id);
  return identity;
}

/// One identity of each kind that is valid but not a Steam ID, with a name for messages.
struct NamedIdentity {
  std::string name;
  SteamNetworkingIdentity identity;
};

inline std::vector<NamedIdentity> otherIdentityKinds() {
  std::vector<NamedIdentity> out;
  SteamNetworkingIdentity identity;
  identity.Clear();
  identity.SetIPv4Addr(0x7F000001, 27015);
  out.push_back({"ipv4 address", identity});
  identity.Clear();
  identity.SetLocalHost();
  out.push_back({"localhost", identity});
  identity.Clear();
  identity.SetGenericString("player-one");
  out.push_back({"generic string", identity});
  identity.Clear();
  const std::uint8_t bytes[4] = {1, 2, 3, 4};
  identity.SetGenericBytes(bytes, sizeof bytes);
  out.push_back({"generic bytes", identity});
  identity.Clear();
  identity.SetPSNID(1234567);
  out.push_back({"psn id", identity});
  return out;
}

/// The invalid identity.
inline SteamNetworkingIdentity invalidIdentity() {
  SteamNetworkingIdentity identity;
  identity.Clear();
  return identity;
}

}  // namespace steamsim::steamworks_test
