// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Conversions between Steam's networking types and steamsim's: identities, addresses,
/// result codes, connection states, connection info, real-time status, messages and the
/// session-failed callback. Field for field; nothing is dropped that both sides can hold.

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "steamsim/message.hpp"
#include "steamsim/steamworks/steam_headers.hpp"
#include "steamsim/types.hpp"

namespace steamsim::steamworks {

/// What an identity names, as far as the Messages API over Steam is concerned.
enum class IdentityKind {
  Invalid,  ///< the invalid (empty) identity
  SteamId,  ///< a Steam ID, the only kind a Messages session can have on Steam
  Other,    ///< an IP address, generic string or bytes, console ID, ...: no P2P route on Steam
};

/// The kind of `identity`.
inline IdentityKind identityKind(const SteamNetworkingIdentity& identity) {
  if (identity.IsInvalid()) return IdentityKind::Invalid;
  if (identity.m_eType == k_ESteamNetworkingIdentityType_SteamID) return IdentityKind::SteamId;
  return IdentityKind::Other;
}

/// The Steam-ID identity of `steam_id`, every other byte zero.
inline SteamNetworkingIdentity toSteamIdentity(SteamId steam_id) {
  SteamNetworkingIdentity identity;
  identity.Clear();
  identity.SetSteamID64(steam_id);
  return identity;
}

/// The Steam ID `identity` names; 0 for every other kind.
inline SteamId toSteamId(const SteamNetworkingIdentity& identity) {
  return identity.GetSteamID64();
}

/// EResult for a steamsim Result (same numeric value).
inline EResult toSteamResult(Result result) {
  return static_cast<EResult>(static_cast<int>(result));
}

/// steamsim Result for an EResult (same numeric value).
inline Result toResult(EResult result) {
  return static_cast<Result>(static_cast<int>(result));
}

/// ESteamNetworkingConnectionState for a steamsim state (same numeric value).
inline ESteamNetworkingConnectionState toSteamState(ConnectionState state) {
  return static_cast<ESteamNetworkingConnectionState>(static_cast<int>(state));
}

/// steamsim state for an ESteamNetworkingConnectionState (same numeric value).
inline ConnectionState toConnectionState(ESteamNetworkingConnectionState state) {
  return static_cast<ConnectionState>(static_cast<int>(state));
}

namespace detail {

/// The text of a fixed-size, NUL-terminated char array, never reading past its end.
template <std::size_t N>
std::string boundedString(const char (&text)[N]) {
  return std::string(text, std::find(text, text + N, '\0'));
}

/// Copies `text` into a fixed-size char array, truncated to N - 1 bytes and NUL-terminated.
template <std::size_t N>
void copyBounded(char (&out)[N], std::string_view text) {
  const std::size_t length = std::min(text.size(), N - 1);
  std::memcpy(out, text.data(), length);
  out[length] = '\0';
}

inline bool isIpv4Mapped(const std::uint8_t (&bytes)[16]) {
  return std::all_of(bytes, bytes + 10, [](std::uint8_t b) { return b == 0; }) &&
         bytes[10] == 0xFF && bytes[11] == 0xFF;
}

/// Parses "a.b.c.d" (decimal, each 0..255) into four bytes.
inline bool parseIpv4(std::string_view text, std::uint8_t* out) {
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (text.empty() || text.front() != '.') return false;
      text.remove_prefix(1);
    }
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    const auto digits = static_cast<std::size_t>(end - text.data());
    if (error != std::errc{} || digits == 0 || digits > 3 || value > 255) return false;
    out[part] = static_cast<std::uint8_t>(value);
    text.remove_prefix(digits);
  }
  return text.empty();
}

/// Parses colon-separated hexadecimal groups ("1:2:ab"), appending them to `groups`.
inline bool parseIpv6Groups(std::string_view text, std::uint16_t* groups, int& count) {
  if (text.empty()) return true;
  for (;;) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    const auto digits = static_cast<std::size_t>(end - text.data());
    if (error != std::errc{} || digits == 0 || digits > 4 || count == 8) return false;
    groups[count++] = static_cast<std::uint16_t>(value);
    text.remove_prefix(digits);
    if (text.empty()) return true;
    if (text.front() != ':') return false;
    text.remove_prefix(1);
  }
}

/// Parses an IPv6 address in hexadecimal groups, with at most one "::", into 16 bytes.
inline bool parseIpv6(std::string_view text, std::uint8_t* out) {
  std::uint16_t head[8] = {};
  std::uint16_t tail[8] = {};
  int head_count = 0;
  int tail_count = 0;
  const auto gap = text.find("::");
  if (gap == std::string_view::npos) {
    if (!parseIpv6Groups(text, head, head_count) || head_count != 8) return false;
  } else {
    if (!parseIpv6Groups(text.substr(0, gap), head, head_count) ||
        !parseIpv6Groups(text.substr(gap + 2), tail, tail_count) || head_count + tail_count > 7) {
      return false;
    }
  }
  std::uint16_t groups[8] = {};
  std::copy(head, head + head_count, groups);
  std::copy(tail, tail + tail_count, groups + (8 - tail_count));
  for (int i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xFF);
  }
  return true;
}

}  // namespace detail

/// An address as steamsim reports it: no port; "a.b.c.d" for IPv4 (Steam stores IPv4 as
/// an IPv4-mapped IPv6 address); RFC 5952 text for IPv6; "" for the all-zero address
/// (no address known).
inline std::string toAddressString(const SteamNetworkingIPAddr& address) {
  const auto& bytes = address.m_ipv6;
  if (std::all_of(bytes, bytes + 16, [](std::uint8_t b) { return b == 0; })) return {};
  char text[48] = {};
  if (detail::isIpv4Mapped(bytes)) {
    std::snprintf(text, sizeof text, "%u.%u.%u.%u", unsigned{bytes[12]}, unsigned{bytes[13]},
                  unsigned{bytes[14]}, unsigned{bytes[15]});
    return text;
  }
  std::array<unsigned, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i) groups[i] = (unsigned{bytes[2 * i]} << 8) | bytes[2 * i + 1];
  // The longest run of two or more zero groups (the first, on a tie) is written "::".
  std::size_t best_start = 8;
  std::size_t best_length = 1;
  for (std::size_t i = 0; i < 8;) {
    std::size_t j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    char group[8] = {};
    std::snprintf(group, sizeof group, "%x", groups[i]);
    out += group;
  }
  return out;
}

/// A Steam address from steamsim's text: "a.b.c.d" becomes an IPv4-mapped address, IPv6
/// text ("::1", "fe80::1") is parsed as is; the port is 0 (steamsim reports none). Empty or
/// unparsable text gives the all-zero address, which is what Steam reports when it knows none.
inline SteamNetworkingIPAddr toSteamAddress(std::string_view text) {
  SteamNetworkingIPAddr address;
  std::memset(&address, 0, sizeof address);
  std::uint8_t bytes[16] = {};
  if (detail::parseIpv4(text, bytes + 12)) {
    bytes[10] = 0xFF;
    bytes[11] = 0xFF;
  } else if (!detail::parseIpv6(text, bytes)) {
    return address;
  }
  std::memcpy(address.m_ipv6, bytes, sizeof bytes);
  return address;
}

/// steamsim's ConnectionInfo from Steam's SteamNetConnectionInfo_t, field for field. A remote
/// identity that is not a Steam ID becomes 0.
inline ConnectionInfo toConnectionInfo(const SteamNetConnectionInfo_t& info) {
  ConnectionInfo out;
  out.identity = toSteamId(info.m_identityRemote);
  out.user_data = info.m_nUserData;
  out.listen_socket = info.m_hListenSocket;
  out.remote_address = toAddressString(info.m_addrRemote);
  out.remote_pop = info.m_idPOPRemote;
  out.pop_relay = info.m_idPOPRelay;
  out.connection_state = toConnectionState(info.m_eState);
  out.end_reason = info.m_eEndReason;
  out.end_debug = detail::boundedString(info.m_szEndDebug);
  out.debug_description = detail::boundedString(info.m_szConnectionDescription);
  out.info_flags = info.m_nFlags;
  return out;
}

/// Fills `out` (every byte zeroed first, as Steam does) from steamsim's ConnectionInfo.
/// Strings longer than Steam's arrays are truncated and always NUL-terminated.
inline void fillSteamConnectionInfo(const ConnectionInfo& info, SteamNetConnectionInfo_t& out) {
  std::memset(static_cast<void*>(&out), 0, sizeof out);
  out.m_identityRemote = toSteamIdentity(info.identity);
  out.m_nUserData = info.user_data;
  out.m_hListenSocket = info.listen_socket;
  out.m_addrRemote = toSteamAddress(info.remote_address);
  out.m_idPOPRemote = info.remote_pop;
  out.m_idPOPRelay = info.pop_relay;
  out.m_eState = toSteamState(info.connection_state);
  out.m_eEndReason = info.end_reason;
  detail::copyBounded(out.m_szEndDebug, info.end_debug);
  detail::copyBounded(out.m_szConnectionDescription, info.debug_description);
  out.m_nFlags = info.info_flags;
}

/// steamsim's RealTimeStatus from Steam's SteamNetConnectionRealTimeStatus_t.
inline RealTimeStatus toRealTimeStatus(const SteamNetConnectionRealTimeStatus_t& status) {
  RealTimeStatus out;
  out.state = toConnectionState(status.m_eState);
  out.ping = status.m_nPing;
  out.local_quality = status.m_flConnectionQualityLocal;
  out.remote_quality = status.m_flConnectionQualityRemote;
  out.packets_out_per_second = status.m_flOutPacketsPerSec;
  out.bytes_out_per_second = status.m_flOutBytesPerSec;
  out.packets_in_per_second = status.m_flInPacketsPerSec;
  out.bytes_in_per_second = status.m_flInBytesPerSec;
  out.send_rate = status.m_nSendRateBytesPerSecond;
  out.pending_unreliable = status.m_cbPendingUnreliable;
  out.pending_reliable = status.m_cbPendingReliable;
  out.sent_unacknowledged_reliable = status.m_cbSentUnackedReliable;
  out.queue_time = status.m_usecQueueTime;
  return out;
}

/// Fills `out` (every byte zeroed first) from steamsim's RealTimeStatus.
inline void fillSteamRealTimeStatus(const RealTimeStatus& status,
                                    SteamNetConnectionRealTimeStatus_t& out) {
  std::memset(static_cast<void*>(&out), 0, sizeof out);
  out.m_eState = toSteamState(status.state);
  out.m_nPing = status.ping;
  out.m_flConnectionQualityLocal = status.local_quality;
  out.m_flConnectionQualityRemote = status.remote_quality;
  out.m_flOutPacketsPerSec = status.packets_out_per_second;
  out.m_flOutBytesPerSec = status.bytes_out_per_second;
  out.m_flInPacketsPerSec = status.packets_in_per_second;
  out.m_flInBytesPerSec = status.bytes_in_per_second;
  out.m_nSendRateBytesPerSecond = status.send_rate;
  out.m_cbPendingUnreliable = status.pending_unreliable;
  out.m_cbPendingReliable = status.pending_reliable;
  out.m_cbSentUnackedReliable = status.sent_unacknowledged_reliable;
  out.m_usecQueueTime = status.queue_time;
}

/// steamsim's Message from a received SteamNetworkingMessage_t: the payload is copied (the
/// caller still releases `message`); every other field is carried over as is. A sender
/// that is not a Steam ID becomes 0; a null or negative-size payload becomes empty.
inline Message toMessage(const SteamNetworkingMessage_t& message) {
  Message out;
  if (message.m_pData != nullptr && message.m_cbSize > 0) {
    const auto* bytes = static_cast<const std::uint8_t*>(message.m_pData);
    out.payload.assign(bytes, bytes + message.m_cbSize);
  }
  out.size = static_cast<int>(out.payload.size());
  out.connection = message.m_conn;
  out.identity = toSteamId(message.m_identityPeer);
  out.receiver_user_data = message.m_nConnUserData;
  out.time_received = message.m_usecTimeReceived;
  out.message_number = message.m_nMessageNumber;
  out.channel = message.m_nChannel;
  out.flags = message.m_nFlags;
  out.sender_user_data = message.m_nUserData;
  return out;
}

/// The arguments of `network_messages_session_failed` from Steam's callback: the end
/// reason, the remote Steam ID (0 if the identity is another kind), the state (4 or 5) and
/// the end reason's debug text.
inline SessionFailed toSessionFailed(const SteamNetworkingMessagesSessionFailed_t& failed) {
  SessionFailed out;
  out.reason = failed.m_info.m_eEndReason;
  out.remote_steam_id = toSteamId(failed.m_info.m_identityRemote);
  out.connection_state = toConnectionState(failed.m_info.m_eState);
  out.debug_message = detail::boundedString(failed.m_info.m_szEndDebug);
  return out;
}

}  // namespace steamsim::steamworks
