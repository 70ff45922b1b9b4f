// SPDX-License-Identifier: MIT
// B8, B20, B23, B24: getSessionConnectionInfo, pacing and queue time, connection info and
// the measured real-time status.

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <set>

#include "behaviour_support.hpp"

namespace steamsim::behaviour {
namespace {

// ---- B8: no session -> state 0 with every requested key zero; failures are kept ----

TEST(Status, B8_NoSessionReportsNoneWithEveryRequestedKeyZero) {
  Sim s;
  const SessionConnectionInfo info = s.a.getSessionConnectionInfo(kB, true, true);
  EXPECT_EQ(info.connection_state, ConnectionState::None);
  ASSERT_TRUE(info.connection.has_value());
  ASSERT_TRUE(info.status.has_value());
  const ConnectionInfo& c = *info.connection;
  EXPECT_EQ(c.identity, 0U);
  EXPECT_EQ(c.user_data, 0);
  EXPECT_EQ(c.listen_socket, 0U);
  EXPECT_EQ(c.remote_address, "");
  EXPECT_EQ(c.remote_pop, 0U);
  EXPECT_EQ(c.pop_relay, 0U);
  EXPECT_EQ(c.connection_state, ConnectionState::None);
  EXPECT_EQ(c.end_reason, 0);
  EXPECT_EQ(c.end_debug, "");
  EXPECT_EQ(c.debug_description, "");
  EXPECT_EQ(c.info_flags, 0);
  const RealTimeStatus& st = *info.status;
  EXPECT_EQ(st.state, ConnectionState::None);
  EXPECT_EQ(st.ping, 0);
  EXPECT_EQ(st.local_quality, 0.0F);
  EXPECT_EQ(st.remote_quality, 0.0F);
  EXPECT_EQ(st.packets_out_per_second, 0.0F);
  EXPECT_EQ(st.bytes_out_per_second, 0.0F);
  EXPECT_EQ(st.packets_in_per_second, 0.0F);
  EXPECT_EQ(st.bytes_in_per_second, 0.0F);
  EXPECT_EQ(st.send_rate, 0);
  EXPECT_EQ(st.pending_unreliable, 0);
  EXPECT_EQ(st.pending_reliable, 0);
  EXPECT_EQ(st.sent_unacknowledged_reliable, 0);
  EXPECT_EQ(st.queue_time, 0);

  // GodotSteam's dictionary: every key present, all zero.
  const nlohmann::json dict = toDictionary(info);
  const std::set<std::string> expected_keys = {"connection_state",
                                               "identity",
                                               "user_data",
                                               "listen_socket",
                                               "remote_address",
                                               "remote_pop",
                                               "pop_relay",
                                               "end_reason",
                                               "end_debug",
                                               "debug_description",
                                               "info_flags",
                                               "state",
                                               "ping",
                                               "local_quality",
                                               "remote_quality",
                                               "packets_out_per_second",
                                               "bytes_out_per_second",
                                               "packets_in_per_second",
                                               "bytes_in_per_second",
                                               "send_rate",
                                               "pending_unreliable",
                                               "pending_reliable",
                                               "sent_unacknowledged_reliable",
                                               "queue_time"};
  std::set<std::string> keys;
  for (const auto& [key, value] : dict.items()) {
    keys.insert(key);
    if (value.is_string()) {
      EXPECT_EQ(value.get<std::string>(), "") << key;
    } else {
      EXPECT_EQ(value.get<double>(), 0.0) << key;
    }
  }
  EXPECT_EQ(keys, expected_keys);

  const SessionConnectionInfo bare = s.a.getSessionConnectionInfo(kB, false, false);
  EXPECT_EQ(bare.connection_state, ConnectionState::None);
  EXPECT_FALSE(bare.connection.has_value());
  EXPECT_FALSE(bare.status.has_value());
  EXPECT_EQ(toDictionary(bare), nlohmann::json({{"connection_state", 0}}));
  // Asking did not create a session.
  EXPECT_FALSE(s.a.closeSessionWithUser(kB));
}

TEST(Status, B8_FailedSessionKeepsItsFailureUntilRestartedOrClosed) {
  Sim s;
  ASSERT_EQ(s.a.sendMessageToUser(kB, "ignored", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(12s);
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  for (int i = 0; i < 6; ++i) {
    s.net.advance(10s);
    const SessionConnectionInfo info = s.a.getSessionConnectionInfo(kB, true, true);
    EXPECT_EQ(info.connection_state, ConnectionState::ProblemDetectedLocally);
    EXPECT_EQ(info.connection->connection_state, ConnectionState::ProblemDetectedLocally);
    EXPECT_EQ(info.connection->end_reason, static_cast<int>(ConnectionEnd::Misc_Timeout));
    EXPECT_EQ(info.connection->end_debug, "Timed out attempting to connect");
    EXPECT_EQ(info.connection->identity, kB);
    EXPECT_EQ(info.status->state, ConnectionState::ProblemDetectedLocally);

    const ConnectionInfo at_b = infoOf(s.b, kA);
    EXPECT_TRUE(at_b.connection_state == ConnectionState::ClosedByPeer ||
                at_b.connection_state == ConnectionState::ProblemDetectedLocally);
    EXPECT_EQ(at_b.end_reason, static_cast<int>(ConnectionEnd::Misc_Timeout));
  }

  // Closed: gone.
  EXPECT_TRUE(s.a.closeSessionWithUser(kB));
  EXPECT_EQ(infoOf(s.a, kB).connection_state, ConnectionState::None);
  EXPECT_EQ(infoOf(s.a, kB).end_reason, 0);

  // Restarted: wiped.
  ASSERT_EQ(
      s.b.sendMessageToUser(
          kA, "restart", NETWORKING_SEND_RELIABLE | NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION, 0),
      Result::OK);
  const ConnectionInfo restarted = infoOf(s.b, kA);
  EXPECT_EQ(restarted.connection_state, ConnectionState::Connecting);
  EXPECT_EQ(restarted.end_reason, 0);
  EXPECT_EQ(restarted.end_debug, "");
}

// ---- B20: pacing at send_rate; queue_time ----

double secondsToDeliver(int send_rate, std::size_t size) {
  NetworkConfig config;
  config.send_rate = send_rate;
  Sim s(config);
  EXPECT_TRUE(s.connect());
  s.net.advance(1s);
  const std::int64_t t0 = s.nowUs();
  EXPECT_EQ(send(s.a, kB, seqPayload(3, size), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  EXPECT_EQ(statusOf(s.a, kB).send_rate, send_rate);
  Inbox inbox(s.b, {1});
  const bool got = s.net.runUntil(
      [&] {
        inbox.poll();
        return !inbox.got.empty();
      },
      30s);
  EXPECT_TRUE(got);
  if (!got) return -1.0;
  EXPECT_TRUE(intact(inbox.got[0], size));
  return toSeconds(s.nowUs() - t0);
}

TEST(Status, B20_SendingIsPacedAtTheDefaultSendRate) {
  const double seconds = secondsToDeliver(262144, 400000);
  const double ideal = 400000.0 / 262144.0;  // 1.53 s of payload alone
  EXPECT_TRUE(between(seconds, ideal * 0.97, ideal * 1.25));
}

TEST(Status, B20_SendRateIsConfigurable) {
  const double seconds = secondsToDeliver(65536, 200000);
  const double ideal = 200000.0 / 65536.0;  // 3.05 s
  EXPECT_TRUE(between(seconds, ideal * 0.97, ideal * 1.25));
}

TEST(Status, B20_QueueTimeIsPendingBytesOverRateWhenConnected) {
  Sim s;
  ASSERT_EQ(s.a.sendMessageToUser(kB, "x", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  EXPECT_EQ(statusOf(s.a, kB).queue_time, std::numeric_limits<std::int64_t>::max())
      << "not Connected";

  s.log_b.auto_accept = true;
  ASSERT_TRUE(s.net.runUntil([&] { return stateOf(s.a, kB) == ConnectionState::Connected; }, 2s));
  s.net.advance(1s);
  ASSERT_EQ(send(s.a, kB, seqPayload(1, 300000), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  for (int step = 0; step < 3; ++step) {
    const RealTimeStatus st = statusOf(s.a, kB);
    const double pending = st.pending_reliable + st.pending_unreliable;
    EXPECT_GT(pending, 0.0);
    const double expected_us = pending * 1e6 / 262144.0;
    // Steam rounds pending down to whole 1132-byte units.
    EXPECT_NEAR(static_cast<double>(st.queue_time), expected_us, 1132.0 * 1e6 / 262144.0 + 1.0)
        << "pending " << pending;
    s.net.advance(300ms);
  }
  EXPECT_EQ(statusOf(s.a, kB).send_rate, 262144);
}

// ---- B23: connection info ----

void expectDescribes(const ConnectionInfo& c, SteamId remote, const std::string& remote_ip,
                     int flags) {
  EXPECT_EQ(c.identity, remote);
  EXPECT_EQ(c.user_data, -1);
  EXPECT_EQ(c.listen_socket, 0U);
  EXPECT_EQ(c.remote_address, remote_ip);
  EXPECT_EQ(c.remote_pop, 0U);
  EXPECT_EQ(c.pop_relay, 0U);
  EXPECT_EQ(c.connection_state, ConnectionState::Connected);
  EXPECT_EQ(c.end_reason, 0);
  EXPECT_EQ(c.end_debug, "");
  EXPECT_EQ(c.info_flags, flags);
  const std::regex description("^#([0-9]+) P2P( [A-Za-z]+)? steamid:" + std::to_string(remote) +
                               " msg vport$");
  EXPECT_TRUE(std::regex_match(c.debug_description, description)) << c.debug_description;
}

std::string ipOf(const std::string& socket_address) {
  return socket_address.substr(0, socket_address.rfind(':'));
}

std::string connectionNumber(const std::string& description) {
  return description.substr(1, description.find(' ') - 1);
}

TEST(Status, B23_ConnectionInfoDescribesTheRemotePeer) {
  Sim s;
  SignalLog log_c;
  Peer& c = s.addPeer(kC, log_c);
  ASSERT_TRUE(s.connect());
  ASSERT_TRUE(s.connect(s.a, c, log_c));
  EXPECT_EQ(ipOf(s.b.socketAddress()), "127.0.0.1");
  const ConnectionInfo ab = infoOf(s.a, kB);
  const ConnectionInfo ac = infoOf(s.a, kC);
  expectDescribes(ab, kB, ipOf(s.b.socketAddress()), 8);
  expectDescribes(ac, kC, ipOf(c.socketAddress()), 8);
  expectDescribes(infoOf(s.b, kA), kA, ipOf(s.a.socketAddress()), 8);
  EXPECT_NE(connectionNumber(ab.debug_description), connectionNumber(ac.debug_description))
      << "two connections of one peer share a number";
}

TEST(Status, B23_InfoFlagsAreConfigurable) {
  NetworkConfig config;
  config.info_flags = 16;  // Relayed, to imitate Steam relays
  Sim s(config);
  ASSERT_TRUE(s.connect());
  expectDescribes(infoOf(s.a, kB), kB, "127.0.0.1", 16);
}

// ---- B24: status is measured ----

TEST(Status, B24_PingIsUnknownUntilMeasuredThenTheNetworkRoundTrip) {
  Sim s;
  s.net.setDefaultLink(Link().latency(40));
  s.log_b.auto_accept = true;
  ASSERT_EQ(s.a.sendMessageToUser(kB, "hello", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  const RealTimeStatus first = statusOf(s.a, kB);
  EXPECT_EQ(first.ping, -1);
  EXPECT_EQ(first.local_quality, -1.0F);
  EXPECT_EQ(first.remote_quality, -1.0F);

  // Sparse reliable traffic: every ack is held back by the receiver's ack delay.
  s.every(100ms, 200, [&] {
    (void)s.a.sendMessageToUser(kB, "tick", NETWORKING_SEND_RELIABLE, 0);
    (void)drain(s.b, 0);
  });
  s.net.advance(20s);
  ASSERT_EQ(stateOf(s.a, kB), ConnectionState::Connected);
  EXPECT_TRUE(between(statusOf(s.a, kB).ping, 79, 86)) << "ping must exclude the ack delay";
}

TEST(Status, B24_TheReceivingSideMeasuresPingToo) {
  // B only receives and acks; Steam still probes (every 5-7 s) so both ends know the ping.
  Sim s;
  s.net.setDefaultLink(Link().latency(40));
  ASSERT_TRUE(s.connect());
  s.every(100ms, 200, [&] {
    (void)s.a.sendMessageToUser(kB, "tick", NETWORKING_SEND_RELIABLE, 0);
    (void)drain(s.b, 0);
  });
  s.net.advance(20s);
  EXPECT_TRUE(between(statusOf(s.b, kA).ping, 79, 86));
}

TEST(Status, B24_QualityReflectsLossOnTheIncomingLink) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.setLink(kA, kB, Link().loss(20));
  s.every(10ms, 1200, [&] {
    (void)send(s.a, kB, seqPayload(1, 200), NETWORKING_SEND_UNRELIABLE_NO_NAGLE, 0);
    (void)send(s.b, kA, seqPayload(2, 200), NETWORKING_SEND_UNRELIABLE_NO_NAGLE, 0);
    (void)drain(s.a, 0);
    (void)drain(s.b, 0);
  });
  s.net.advance(11s);
  const RealTimeStatus at_a = statusOf(s.a, kB);
  const RealTimeStatus at_b = statusOf(s.b, kA);
  EXPECT_TRUE(between(at_b.local_quality, 0.72, 0.88));
  EXPECT_TRUE(between(at_a.remote_quality, 0.72, 0.88)) << "B's quality reported back";
  EXPECT_EQ(at_a.local_quality, 1.0F) << "B to A is clean";
  EXPECT_EQ(at_b.remote_quality, 1.0F);
}

TEST(Status, B24_QualityCountsDuplicates) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.setLink(kA, kB, Link().duplicate(25, 5));
  s.every(10ms, 1200, [&] {
    (void)send(s.a, kB, seqPayload(1, 200), NETWORKING_SEND_UNRELIABLE_NO_NAGLE, 0);
    (void)drain(s.b, 0);
  });
  s.net.advance(11s);
  EXPECT_TRUE(between(statusOf(s.b, kA).local_quality, 0.65, 0.9));
}

TEST(Status, B24_RatesAreMeasuredOverTheLastFiveSeconds) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  s.every(10ms, 1100, [&] {
    (void)send(s.a, kB, seqPayload(1, 1000), NETWORKING_SEND_UNRELIABLE_NO_NAGLE, 0);
    (void)drain(s.b, 0);
  });
  s.net.advance(11s);
  const RealTimeStatus out = statusOf(s.a, kB);
  const RealTimeStatus in = statusOf(s.b, kA);
  EXPECT_TRUE(between(out.packets_out_per_second, 95, 125));
  EXPECT_TRUE(between(out.bytes_out_per_second, 100000, 130000));
  EXPECT_TRUE(between(in.packets_in_per_second, 95, 125));
  EXPECT_TRUE(between(in.bytes_in_per_second, 100000, 130000));
  EXPECT_LT(in.packets_out_per_second, out.packets_out_per_second);

  s.net.advance(11s);  // idle: the rates fall back
  EXPECT_LT(statusOf(s.a, kB).packets_out_per_second, 5.0F);
  EXPECT_LT(statusOf(s.b, kA).bytes_in_per_second, 1000.0F);
}

TEST(Status, B24_PendingAndUnackedBytesComeFromTheQueues) {
  Sim s;
  s.net.setDefaultLink(Link().latency(50));
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  RealTimeStatus st = statusOf(s.a, kB);
  EXPECT_EQ(st.pending_reliable, 0);
  EXPECT_EQ(st.pending_unreliable, 0);
  EXPECT_EQ(st.sent_unacknowledged_reliable, 0);

  for (std::uint32_t i = 0; i < 10; ++i) {
    ASSERT_EQ(send(s.a, kB, seqPayload(i, 100), NETWORKING_SEND_UNRELIABLE, 0), Result::OK);
  }
  st = statusOf(s.a, kB);
  EXPECT_TRUE(between(st.pending_unreliable, 10 * 105, 10 * 130)) << "payload + 5-byte header";
  EXPECT_EQ(st.pending_reliable, 0);
  s.net.advance(10ms);  // Nagle expired: sent
  EXPECT_EQ(statusOf(s.a, kB).pending_unreliable, 0);

  ASSERT_EQ(send(s.a, kB, seqPayload(1, 200000), NETWORKING_SEND_RELIABLE, 0), Result::OK);
  st = statusOf(s.a, kB);
  // All of it is either queued or on the wire (a first burst may leave at once).
  EXPECT_GE(st.pending_reliable + st.sent_unacknowledged_reliable, 200005);
  EXPECT_LT(st.pending_reliable + st.sent_unacknowledged_reliable, 200100);
  EXPECT_GT(st.pending_reliable, 190000);
  const int pending_before = st.pending_reliable;
  s.net.advance(200ms);
  st = statusOf(s.a, kB);
  EXPECT_TRUE(
      between(pending_before - st.pending_reliable, 0.2 * 262144 * 0.75, 0.2 * 262144 * 1.05))
      << "200 ms of pacing";
  EXPECT_GT(st.sent_unacknowledged_reliable, 10000) << "100 ms round trip of data in flight";
  ASSERT_TRUE(s.net.runUntil(
      [&] {
        const RealTimeStatus now = statusOf(s.a, kB);
        return now.pending_reliable == 0 && now.sent_unacknowledged_reliable == 0;
      },
      5s));
}

}  // namespace
}  // namespace steamsim::behaviour
