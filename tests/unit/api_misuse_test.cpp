// SPDX-License-Identifier: MIT
// API misuse (B17, SPEC §2, §8): every function called with invalid arguments returns the
// documented value and never crashes; the Network's own functions throw the documented
// exceptions.

#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include <steamsim/steamsim.hpp>

namespace steamsim {
namespace {

using namespace std::chrono_literals;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;
constexpr SteamId kNobody = 76561198000000099ULL;
constexpr int kExtremeChannels[] = {INT_MIN, INT_MIN + 1, -1, 0, INT_MAX - 1, INT_MAX};

std::vector<std::uint8_t> bytes(std::size_t size) {
  return std::vector<std::uint8_t>(size, 0x5A);
}

/// Every field of a "no session" answer is zero (B8).
void expectNoSession(const SessionConnectionInfo& info) {
  EXPECT_EQ(info.connection_state, ConnectionState::None);
  ASSERT_TRUE(info.connection.has_value());
  EXPECT_EQ(info.connection->identity, 0U);
  EXPECT_EQ(info.connection->end_reason, 0);
  ASSERT_TRUE(info.status.has_value());
  EXPECT_EQ(static_cast<int>(info.status->state), 0);
  EXPECT_EQ(info.status->ping, 0);
}

struct Pair {
  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
};

TEST(ApiMisuse, SteamIdZeroIsInvalidEverywhere) {
  Pair p;
  const auto data = bytes(10);
  for (int flags : {0, 1, 8, 9, 32, 63}) {
    EXPECT_EQ(p.a.sendMessageToUser(0, data, flags, 0), Result::InvalidParam) << flags;
  }
  EXPECT_FALSE(p.a.acceptSessionWithUser(0));
  EXPECT_FALSE(p.a.closeSessionWithUser(0));
  EXPECT_FALSE(p.a.closeChannelWithUser(0, 0));
  expectNoSession(p.a.getSessionConnectionInfo(0, true, true));
  p.net.advance(1s);
  EXPECT_EQ(p.b.counters().datagrams_received, 0U);  // nothing was sent anywhere
}

TEST(ApiMisuse, SendingToSelfIsInvalid) {
  Pair p;
  EXPECT_EQ(p.a.sendMessageToUser(kA, bytes(10), NETWORKING_SEND_RELIABLE, 0),
            Result::InvalidParam);
  EXPECT_FALSE(p.a.acceptSessionWithUser(kA));
  EXPECT_FALSE(p.a.closeSessionWithUser(kA));
  EXPECT_FALSE(p.a.closeChannelWithUser(kA, 0));
  expectNoSession(p.a.getSessionConnectionInfo(kA, true, true));
  p.net.advance(1s);
  EXPECT_TRUE(p.a.receiveMessagesOnChannel(0, 10).empty());
}

TEST(ApiMisuse, OversizeIsInvalidAndTheLimitItselfIsFine) {
  NetworkConfig config;
  config.send_buffer = 4 * 1024 * 1024;
  Network net(config);
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  b.onSessionRequest([&b](SteamId id) { b.acceptSessionWithUser(id); });
  EXPECT_EQ(a.sendMessageToUser(kB, bytes(524289), NETWORKING_SEND_RELIABLE, 0),
            Result::InvalidParam);
  EXPECT_EQ(a.sendMessageToUser(kB, bytes(524289), NETWORKING_SEND_UNRELIABLE, 0),
            Result::InvalidParam);
  EXPECT_EQ(a.sendMessageToUser(kB, bytes(4 * 1024 * 1024), NETWORKING_SEND_RELIABLE, 0),
            Result::InvalidParam);
  // The invalid calls created nothing.
  EXPECT_EQ(a.getSessionConnectionInfo(kB, false, false).connection_state, ConnectionState::None);
  EXPECT_EQ(a.sendMessageToUser(kB, bytes(524288), NETWORKING_SEND_RELIABLE, 0), Result::OK);
  std::vector<Message> got;
  ASSERT_TRUE(net.runUntil(
      [&] {
        for (auto& m : b.receiveMessagesOnChannel(0, 10)) got.push_back(std::move(m));
        return !got.empty();
      },
      60s));
  EXPECT_EQ(got[0].size, 524288);
}

TEST(ApiMisuse, EmptyPayloadIsAValidMessage) {
  Pair p;
  p.b.onSessionRequest([&p](SteamId id) { p.b.acceptSessionWithUser(id); });
  EXPECT_EQ(p.a.sendMessageToUser(kB, std::span<const std::uint8_t>(), NETWORKING_SEND_RELIABLE, 3),
            Result::OK);
  std::vector<Message> got;
  ASSERT_TRUE(p.net.runUntil(
      [&] {
        for (auto& m : p.b.receiveMessagesOnChannel(3, 10)) got.push_back(std::move(m));
        return !got.empty();
      },
      10s));
  EXPECT_EQ(got[0].size, 0);
  EXPECT_TRUE(got[0].payload.empty());
}

TEST(ApiMisuse, ExtremeChannelsWork) {
  Pair p;
  p.b.onSessionRequest([&p](SteamId id) { p.b.acceptSessionWithUser(id); });
  for (const int channel : kExtremeChannels) {
    EXPECT_FALSE(p.a.closeChannelWithUser(kB, channel));
    EXPECT_TRUE(p.b.receiveMessagesOnChannel(channel, 10).empty());
    const std::uint8_t tag = static_cast<std::uint8_t>(channel & 0xFF);
    EXPECT_EQ(p.a.sendMessageToUser(kB, std::vector<std::uint8_t>{tag}, NETWORKING_SEND_RELIABLE,
                                    channel),
              Result::OK);
  }
  p.net.advance(2s);
  for (const int channel : kExtremeChannels) {
    const auto got = p.b.receiveMessagesOnChannel(channel, 10);
    ASSERT_EQ(got.size(), 1U) << channel;
    EXPECT_EQ(got[0].channel, channel);
    EXPECT_EQ(got[0].payload, std::vector<std::uint8_t>{static_cast<std::uint8_t>(channel & 0xFF)});
  }
  // Received on INT_MIN: closing it works once.
  EXPECT_TRUE(p.b.closeChannelWithUser(kA, INT_MIN));
  EXPECT_FALSE(p.b.closeChannelWithUser(kA, INT_MIN));
}

TEST(ApiMisuse, MaxMessagesOutOfRange) {
  Pair p;
  p.b.onSessionRequest([&p](SteamId id) { p.b.acceptSessionWithUser(id); });
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(p.a.sendMessageToUser(kB, bytes(8), NETWORKING_SEND_RELIABLE, 2), Result::OK);
  }
  p.net.advance(2s);
  for (const int max : {0, -1, INT_MIN}) {
    EXPECT_TRUE(p.b.receiveMessagesOnChannel(2, max).empty()) << max;
  }
  EXPECT_EQ(p.b.receiveMessagesOnChannel(2, INT_MAX).size(), 5U);  // nothing was lost
  EXPECT_TRUE(p.b.receiveMessagesOnChannel(2, INT_MAX).empty());
}

TEST(ApiMisuse, UnknownPeers) {
  Pair p;
  EXPECT_FALSE(p.a.acceptSessionWithUser(kNobody));
  EXPECT_FALSE(p.a.closeSessionWithUser(kNobody));
  EXPECT_FALSE(p.a.closeChannelWithUser(kNobody, 0));
  expectNoSession(p.a.getSessionConnectionInfo(kNobody, true, true));
  // Like Steam: queued, never delivered; the attempt times out (B6).
  EXPECT_EQ(p.a.sendMessageToUser(kNobody, bytes(4), NETWORKING_SEND_RELIABLE, 0), Result::OK);
  std::vector<SessionFailed> failed;
  p.a.onSessionFailed([&](const SessionFailed& f) { failed.push_back(f); });
  p.net.advance(12s);
  ASSERT_EQ(failed.size(), 1U);
  EXPECT_EQ(failed[0].remote_steam_id, kNobody);
  EXPECT_EQ(failed[0].reason, 5003);
  EXPECT_EQ(p.a.sendMessageToUser(kNobody, bytes(4), NETWORKING_SEND_RELIABLE, 0),
            Result::ConnectFailed);
}

TEST(ApiMisuse, CrashedPeerAnswersLikeNobody) {
  Pair p;
  p.b.onSessionRequest([&p](SteamId id) { p.b.acceptSessionWithUser(id); });
  ASSERT_EQ(p.a.sendMessageToUser(kB, bytes(4), NETWORKING_SEND_RELIABLE, 0), Result::OK);
  p.net.advance(1s);
  p.net.crash(kA);
  EXPECT_TRUE(p.a.crashed());
  EXPECT_EQ(p.a.port(), 0);
  EXPECT_EQ(p.a.socketAddress(), "");
  for (const SteamId remote : {kB, SteamId{0}, kA, kNobody}) {
    EXPECT_EQ(p.a.sendMessageToUser(remote, bytes(4), NETWORKING_SEND_RELIABLE, 0), Result::Fail);
    EXPECT_EQ(p.a.sendMessageToUser(remote, bytes(524289), 0, INT_MIN), Result::Fail);
    EXPECT_FALSE(p.a.acceptSessionWithUser(remote));
    EXPECT_FALSE(p.a.closeSessionWithUser(remote));
    EXPECT_FALSE(p.a.closeChannelWithUser(remote, INT_MAX));
    const auto info = p.a.getSessionConnectionInfo(remote, true, true);
    EXPECT_EQ(info.connection_state, ConnectionState::None);
    EXPECT_TRUE(info.connection.has_value());
    EXPECT_TRUE(info.status.has_value());
    EXPECT_FALSE(p.a.getSessionConnectionInfo(remote, false, false).connection.has_value());
  }
  EXPECT_TRUE(p.a.receiveMessagesOnChannel(0, INT_MAX).empty());
  p.a.runCallbacks();
  EXPECT_THROW(p.net.crash(kNobody), std::out_of_range);
  p.net.crash(kA);  // crashing twice is harmless
  p.net.advance(1s);
  p.net.restart(kA);
  EXPECT_FALSE(p.a.crashed());
  EXPECT_NE(p.a.port(), 0);
}

TEST(ApiMisuse, NetworkRejectsBadArguments) {
  Network net;
  EXPECT_THROW(net.addPeer(0), std::invalid_argument);
  net.addPeer(kA);
  EXPECT_THROW(net.addPeer(kA), std::invalid_argument);
  EXPECT_THROW(net.peer(kNobody), std::out_of_range);
  EXPECT_THROW(net.peer(0), std::out_of_range);
  EXPECT_FALSE(net.hasPeer(kNobody));

  std::vector<LinkConditions> bad(9);
  bad[0].loss_pct = -1.0;
  bad[1].loss_pct = 140.0;
  bad[2].latency_ms = -5.0;
  bad[3].latency_ms = 1e9;
  bad[4].jitter_ms = -1.0;
  bad[5].reorder_pct = 101.0;
  bad[6].duplicate_pct = std::numeric_limits<double>::quiet_NaN();
  bad[7].corrupt_pct = std::numeric_limits<double>::infinity();
  bad[8].burst_length_mean = 0.5;
  for (std::size_t i = 0; i < bad.size(); ++i) {
    EXPECT_FALSE(bad[i].validate().empty()) << i;
    EXPECT_THROW(net.setDefaultLink(bad[i]), std::invalid_argument) << i;
    EXPECT_THROW(net.setLink(kA, kB, bad[i]), std::invalid_argument) << i;
  }
  EXPECT_EQ(net.link(kA, kB), LinkConditions{});  // nothing half-applied

  NetworkConfig config;
  config.send_rate = -1;
  EXPECT_THROW(Network{config}, std::invalid_argument);
}

}  // namespace
}  // namespace steamsim
