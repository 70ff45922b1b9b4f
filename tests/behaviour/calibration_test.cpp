// SPDX-License-Identifier: MIT
// SPEC §3 calibration figures (GameNetworkingSockets on real loopback), reproduced in virtual
// time within 15%.

#include <gtest/gtest.h>

#include "behaviour_support.hpp"

namespace steamsim::behaviour {
namespace {

constexpr double kTolerancePct = 15.0;

// ---- Peer vanishes while the survivor sends a reliable message every 50 ms: 10.46 s ----

enum class Vanish { Crash, TotalLoss };

void vanishWhileSending(Vanish how) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.advance(2s);
  s.every(50ms, 800, [&] {
    (void)s.a.sendMessageToUser(kB, "tick", NETWORKING_SEND_RELIABLE, 0);
    if (!s.b.crashed()) (void)drain(s.b, 0);
  });
  s.net.advance(1s);
  if (how == Vanish::Crash) {
    s.net.crash(kB);
  } else {
    s.net.setLink(kA, kB, Link().loss(100));
    s.net.setLink(kB, kA, Link().loss(100));
  }
  const std::int64_t waited = s.timeUntilLeaves(s.a, kB, ConnectionState::Connected, 30s);
  ASSERT_GE(waited, 0);
  EXPECT_TRUE(within(toSeconds(waited), 10.46, kTolerancePct));
  const ConnectionInfo info = infoOf(s.a, kB);
  EXPECT_EQ(info.connection_state, ConnectionState::ProblemDetectedLocally);
  EXPECT_EQ(info.end_reason, static_cast<int>(ConnectionEnd::Misc_Timeout));
  EXPECT_EQ(info.end_debug, "Connection dropped");
  s.net.advance(100ms);
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  EXPECT_EQ(s.log_a.failures[0].reason, 5003);
  EXPECT_EQ(s.log_a.failures[0].state, ConnectionState::ProblemDetectedLocally);
  EXPECT_EQ(s.log_a.failures[0].debug, "Connection dropped");
}

TEST(Calibration, PeerCrashesWhileSurvivorSendsReliable) {
  vanishWhileSending(Vanish::Crash);
}

TEST(Calibration, PeerLinkLosesEverythingWhileSurvivorSendsReliable) {
  vanishWhileSending(Vanish::TotalLoss);
}

// ---- Peer vanishes, survivor idle: 19.5 s, and no signal (B13) ----

TEST(Calibration, PeerVanishesWhileSurvivorIsIdle) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.advance(2s);
  s.net.crash(kB);
  const std::int64_t waited = s.timeUntilLeaves(s.a, kB, ConnectionState::Connected, 40s);
  ASSERT_GE(waited, 0);
  EXPECT_TRUE(within(toSeconds(waited), 19.5, kTolerancePct));
  s.net.advance(100ms);
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::None);
  EXPECT_EQ(infoOf(s.a, kB).end_reason, 0);
  EXPECT_TRUE(s.log_a.failures.empty());
}

// ---- Graceful close by the peer: noticed within one one-way latency ----

TEST(Calibration, GracefulCloseIsNoticedWithinOneWayLatency) {
  {
    Sim s;  // loopback: under 1 ms
    ASSERT_TRUE(s.connect());
    s.net.advance(1s);
    ASSERT_TRUE(s.b.closeSessionWithUser(kA));
    const std::int64_t waited = s.timeUntilLeaves(s.a, kB, ConnectionState::Connected, 1s);
    ASSERT_GE(waited, 0);
    EXPECT_LT(waited, 1 * kUsPerMs);
  }
  {
    Sim s;
    s.net.setDefaultLink(Link().latency(20));
    ASSERT_TRUE(s.connect());
    s.net.advance(1s);
    ASSERT_TRUE(s.b.closeSessionWithUser(kA));
    const std::int64_t waited = s.timeUntilLeaves(s.a, kB, ConnectionState::Connected, 1s);
    ASSERT_GE(waited, 0);
    EXPECT_TRUE(between(static_cast<double>(waited), 19.9 * kUsPerMs, 21.0 * kUsPerMs));
  }
}

// ---- 512 KiB reliable under 10% loss + 50 ms lag both ways: 2.52 s (2.47-3.12) ----

/// Seconds from sending `count` messages of 512 KiB until the last arrives.
double bulkTransfer(std::uint64_t seed, int count, int send_buffer) {
  NetworkConfig config;
  config.seed = seed;
  config.send_buffer = send_buffer;
  Sim s(config);
  s.net.setDefaultLink(Link().loss(10).latency(50));
  EXPECT_TRUE(s.connect());
  s.net.advance(1s);
  const std::int64_t t0 = s.nowUs();
  for (int i = 0; i < count; ++i) {
    EXPECT_EQ(send(s.a, kB, seqPayload(static_cast<std::uint32_t>(i), 524288),
                   NETWORKING_SEND_RELIABLE, 0),
              Result::OK);
  }
  Inbox inbox(s.b, {0});
  const bool done = s.net.runUntil(
      [&] {
        inbox.poll();
        return inbox.got.size() == static_cast<std::size_t>(count);
      },
      60s);
  EXPECT_TRUE(done) << "seed " << seed;
  if (!done) return -1.0;
  for (const Message& m : inbox.got) EXPECT_TRUE(intact(m, 524288));
  return toSeconds(s.nowUs() - t0);
}

TEST(Calibration, HalfMebibyteUnderLossAndLag) {
  std::vector<double> seconds;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const double t = bulkTransfer(seed, 1, 524288);
    seconds.push_back(t);
    EXPECT_TRUE(between(t, 2.47 * 0.85, 3.12 * 1.15)) << "seed " << seed;
  }
  EXPECT_TRUE(within(median(seconds), 2.52, kTolerancePct));
}

TEST(Calibration, OneMebibyteAsTwoMessagesUnderLossAndLag) {
  std::vector<double> seconds;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const double t = bulkTransfer(seed, 2, 4 * 1024 * 1024);
    seconds.push_back(t);
    EXPECT_TRUE(between(t, 4.56 * 0.85, 5.23 * 1.15)) << "seed " << seed;
  }
  EXPECT_TRUE(within(median(seconds), 4.75, kTolerancePct));
}

// ---- 64-byte messages, queue kept full, default pacing: 3866 / 3751 msg/s ----

double smallMessageRate(int flags) {
  Sim s;
  EXPECT_TRUE(s.connect());
  s.net.advance(1s);
  const std::vector<std::uint8_t> message = seqPayload(0, 64);
  auto top_up = [&] {
    for (;;) {
      const RealTimeStatus st = statusOf(s.a, kB);
      if (st.pending_reliable + st.pending_unreliable >= 60000) return;
      for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(send(s.a, kB, message, flags, 0), Result::OK);
      }
    }
  };
  for (int step = 0; step < 100; ++step) {  // 1 s of warm-up
    top_up();
    s.net.advance(10ms);
    (void)drain(s.b, 0);
  }
  std::size_t received = 0;
  const std::int64_t t0 = s.nowUs();
  for (int step = 0; step < 500; ++step) {  // 5 s measured
    top_up();
    s.net.advance(10ms);
    received += drain(s.b, 0).size();
  }
  return static_cast<double>(received) / toSeconds(s.nowUs() - t0);
}

TEST(Calibration, SmallUnreliableMessagesAtDefaultPacing) {
  EXPECT_TRUE(within(smallMessageRate(NETWORKING_SEND_UNRELIABLE), 3866, kTolerancePct));
}

TEST(Calibration, SmallReliableMessagesAtDefaultPacing) {
  EXPECT_TRUE(within(smallMessageRate(NETWORKING_SEND_RELIABLE), 3751, kTolerancePct));
}

}  // namespace
}  // namespace steamsim::behaviour
