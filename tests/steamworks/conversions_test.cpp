// SPDX-License-Identifier: MIT
// Conversions between Steam's types and steamsim's: addresses, identities, states, results,
// and the bounds of Steam's fixed-size texts.

#include <gtest/gtest.h>

#include <steamsim/steamworks.hpp>

#include <cstring>
#include <string>

#include "steamworks_test_support.hpp"

namespace steamsim::steamworks_test {
namespace {

using steamworks::toAddressString;
using steamworks::toSteamAddress;

TEST(SteamworksConversions, Ipv4AddressesAreIpv4MappedWithoutAPort) {
  const SteamNetworkingIPAddr address = toSteamAddress("127.0.0.1");
  EXPECT_TRUE(address.IsIPv4());
  EXPECT_EQ(address.GetIPv4(), 0x7F000001U);
  EXPECT_EQ(address.m_port, 0);
  EXPECT_EQ(toAddressString(address), "127.0.0.1");

  SteamNetworkingIPAddr from_steam;
  from_steam.Clear();
  from_steam.SetIPv4(0xC0A80A14, 27015);
  EXPECT_EQ(toAddressString(from_steam), "192.168.10.20");
}

TEST(SteamworksConversions, Ipv6AddressesRoundTripInCompressedForm) {
  for (const std::string text :
       {"::1", "fe80::1", "2001:db8::8:800:200c:417a", "1:2:3:4:5:6:7:8", "1::", "1:0:0:2::3"}) {
    const SteamNetworkingIPAddr address = toSteamAddress(text);
    EXPECT_FALSE(address.IsIPv4()) << text;
    EXPECT_EQ(toAddressString(address), text);
  }
  EXPECT_EQ(toAddressString(toSteamAddress("2001:DB8:0:0:0:0:0:1")), "2001:db8::1");
}

TEST(SteamworksConversions, NoAddressIsAllZeroAndEmpty) {
  for (const std::string text : {"", "not an address", "1.2.3", "1.2.3.4.5", "256.1.1.1",
                                 "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::"}) {
    const SteamNetworkingIPAddr address = toSteamAddress(text);
    EXPECT_TRUE(address.IsIPv6AllZeros()) << text;
    EXPECT_EQ(toAddressString(address), "") << text;
  }
}

TEST(SteamworksConversions, IdentityKinds) {
  EXPECT_EQ(steamworks::identityKind(invalidIdentity()), steamworks::IdentityKind::Invalid);
  EXPECT_EQ(steamworks::identityKind(steamIdentity(kA)), steamworks::IdentityKind::SteamId);
  EXPECT_EQ(steamworks::identityKind(steamIdentity(0)), steamworks::IdentityKind::SteamId);
  for (const NamedIdentity& other : otherIdentityKinds()) {
    EXPECT_EQ(steamworks::identityKind(other.identity), steamworks::IdentityKind::Other)
        << other.name;
    EXPECT_EQ(steamworks::toSteamId(other.identity), 0U) << other.name;
  }
  const SteamNetworkingIdentity identity = steamworks::toSteamIdentity(kB);
  EXPECT_TRUE(identity == steamIdentity(kB));
  EXPECT_EQ(steamworks::toSteamId(identity), kB);
}

TEST(SteamworksConversions, StatesAndResultsKeepTheirValues) {
  for (int value = -3; value <= 5; ++value) {
    const auto state = static_cast<ConnectionState>(value);
    EXPECT_EQ(static_cast<int>(steamworks::toSteamState(state)), value);
    EXPECT_EQ(steamworks::toConnectionState(steamworks::toSteamState(state)), state);
  }
  for (int value = 0; value <= 55; ++value) {
    const auto result = static_cast<Result>(value);
    EXPECT_EQ(static_cast<int>(steamworks::toSteamResult(result)), value);
    EXPECT_EQ(steamworks::toResult(steamworks::toSteamResult(result)), result);
  }
}

TEST(SteamworksConversions, LongTextsAreTruncatedAndTerminated) {
  ConnectionInfo info;
  info.end_debug = std::string(500, 'e');
  info.debug_description = std::string(127, 'd');
  SteamNetConnectionInfo_t steam;
  std::memset(static_cast<void*>(&steam), 0x7F, sizeof steam);
  steamworks::fillSteamConnectionInfo(info, steam);
  EXPECT_EQ(std::string(steam.m_szEndDebug), std::string(sizeof steam.m_szEndDebug - 1, 'e'));
  EXPECT_EQ(std::string(steam.m_szConnectionDescription), std::string(127, 'd'));
  EXPECT_EQ(steam.m_nFlags, 0) << "bytes not written were not zeroed first";
  EXPECT_TRUE(steam.m_addrRemote.IsIPv6AllZeros());
}

TEST(SteamworksConversions, ConnectionInfoAndStatusRoundTrip) {
  ConnectionInfo info;
  info.identity = kA;
  info.user_data = -1;
  info.listen_socket = 3;
  info.remote_address = "127.0.0.1";
  info.remote_pop = 11;
  info.pop_relay = 12;
  info.connection_state = ConnectionState::ClosedByPeer;
  info.end_reason = 1001;
  info.end_debug = "closed";
  info.debug_description = "#7 P2P steamid:76561198000000001 msg vport";
  info.info_flags = 10;
  SteamNetConnectionInfo_t steam_info;
  steamworks::fillSteamConnectionInfo(info, steam_info);
  EXPECT_EQ(describe(steamworks::toConnectionInfo(steam_info)), describe(info));

  RealTimeStatus status;
  status.state = ConnectionState::Connected;
  status.ping = 80;
  status.local_quality = 0.25F;
  status.remote_quality = -1.0F;
  status.packets_out_per_second = 1.5F;
  status.bytes_out_per_second = 2.5F;
  status.packets_in_per_second = 3.5F;
  status.bytes_in_per_second = 4.5F;
  status.send_rate = 5;
  status.pending_unreliable = 6;
  status.pending_reliable = 7;
  status.sent_unacknowledged_reliable = 8;
  status.queue_time = 9;
  SteamNetConnectionRealTimeStatus_t steam_status;
  steamworks::fillSteamRealTimeStatus(status, steam_status);
  EXPECT_EQ(describe(steamworks::toRealTimeStatus(steam_status)), describe(status));
}

}  // namespace
}  // namespace steamsim::steamworks_test
