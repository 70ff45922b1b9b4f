// SPDX-License-Identifier: MIT
// The simulated network as a whole: determinism of the trace, datagrams really crossing
// sockets, virtual time, per-link independence, partitions and crashes.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include <steamsim/steamsim.hpp>

namespace steamsim {
namespace {

using namespace std::chrono_literals;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;
constexpr SteamId kC = 76561198000000003ULL;

LinkConditions rough() {
  LinkConditions link;
  link.loss_pct = 10;
  link.latency_ms = 30;
  link.jitter_ms = 10;
  link.reorder_pct = 5;
  link.duplicate_pct = 5;
  link.corrupt_pct = 2;
  return link;
}

// A fixed exchange over rough links: b accepts, both sides send a stream for a while.
std::uint64_t exchangeHash(std::uint64_t seed) {
  NetworkConfig config;
  config.seed = seed;
  Network net(config);
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  b.onSessionRequest([&](SteamId id) { b.acceptSessionWithUser(id); });
  net.setDefaultLink(rough());
  for (int i = 0; i < 200; ++i) {
    a.sendMessageToUser(kB, "to b " + std::to_string(i), NETWORKING_SEND_RELIABLE, 0);
    b.sendMessageToUser(kA, "to a " + std::to_string(i), NETWORKING_SEND_UNRELIABLE, 1);
    net.advance(10ms);
    a.receiveMessagesOnChannel(1, 100);
    b.receiveMessagesOnChannel(0, 100);
  }
  net.advance(5s);
  return net.traceHash();
}

TEST(Network, SameSeedGivesTheSameTraceHash) {
  EXPECT_EQ(exchangeHash(7), exchangeHash(7));
}

TEST(Network, AnotherSeedGivesAnotherTraceHash) {
  EXPECT_NE(exchangeHash(7), exchangeHash(8));
}

TEST(Network, TrafficOnAnotherLinkLeavesThisLinksImpairmentDrawsAlone) {
  // a->b's impairment decisions are drawn from their own stream: the same datagrams on a->b
  // meet the same fate whether or not a also talks to c.
  auto drops = [](bool talk_to_c) {
    Network net;
    Peer& a = net.addPeer(kA);
    Peer& b = net.addPeer(kB);
    net.addPeer(kC);
    LinkConditions lossy;
    lossy.loss_pct = 30;
    net.setLink(kA, kB, lossy);
    b.onSessionRequest([&](SteamId id) { b.acceptSessionWithUser(id); });
    for (int i = 0; i < 50; ++i) {
      // If links shared one random stream, a's datagrams to c would shift a->b's draws.
      a.sendMessageToUser(kB, "x", NETWORKING_SEND_RELIABLE, 0);
      if (talk_to_c) a.sendMessageToUser(kC, "y", NETWORKING_SEND_RELIABLE, 0);
      net.advance(100ms);
    }
    const LinkCounters ab = net.linkCounters(kA, kB);
    return std::pair{ab.offered, ab.dropped_loss};
  };
  const auto alone = drops(false);
  const auto with_c = drops(true);
  EXPECT_GT(alone.second, 0U);
  EXPECT_EQ(alone, with_c);
}

TEST(Network, EveryDatagramCrossesARealSocket) {
  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  EXPECT_NE(a.port(), 0);
  EXPECT_NE(a.port(), b.port());
  EXPECT_EQ(a.socketAddress(), "127.0.0.1:" + std::to_string(a.port()));
  b.onSessionRequest([&](SteamId id) { b.acceptSessionWithUser(id); });
  for (int i = 0; i < 100; ++i) {
    a.sendMessageToUser(kB, std::string(500, 'p'), NETWORKING_SEND_RELIABLE, 0);
    net.advance(20ms);
  }
  net.advance(2s);
  const LinkCounters ab = net.linkCounters(kA, kB);
  const LinkCounters ba = net.linkCounters(kB, kA);
  const NetworkCounters counters = net.counters();
  ASSERT_GT(ab.delivered, 0U);
  // Everything delivered was written to a socket and read back from the receiver's socket.
  EXPECT_EQ(counters.datagrams, ab.delivered + ba.delivered);
  EXPECT_EQ(counters.socket_bytes_read, ab.delivered_bytes + ba.delivered_bytes);
  EXPECT_EQ(counters.kernel_lost, 0U);
  EXPECT_EQ(b.counters().datagrams_received, ab.delivered);
  EXPECT_EQ(a.counters().datagrams_received, ba.delivered);
}

TEST(Network, TenIdleVirtualMinutesTakeAHandfulOfEvents) {
  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  b.onSessionRequest([&](SteamId id) { b.acceptSessionWithUser(id); });
  a.sendMessageToUser(kB, "hello", NETWORKING_SEND_RELIABLE, 0);
  net.advance(1s);
  const auto start = net.now();
  const std::uint64_t events_before = net.counters().events;
  net.advance(10min);
  EXPECT_EQ(net.now() - start, std::chrono::microseconds(10min));
  // Keepalives every 10 s and the idle timeout: a few hundred events, not one per tick.
  EXPECT_LT(net.counters().events - events_before, 1000U);
}

TEST(Network, VirtualClockStartsWellAboveZero) {
  Network net;
  EXPECT_GT(net.now(), std::chrono::microseconds(1'000'000));
}

TEST(Network, PartitionCutsOnlyBetweenGroupsAndHealRestores) {
  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  Peer& c = net.addPeer(kC);
  b.onSessionRequest([&](SteamId id) { b.acceptSessionWithUser(id); });
  c.onSessionRequest([&](SteamId id) { c.acceptSessionWithUser(id); });
  net.partition({{kA, kB}, {kC}});
  a.sendMessageToUser(kB, "same side", NETWORKING_SEND_RELIABLE, 0);
  a.sendMessageToUser(kC, "other side", NETWORKING_SEND_RELIABLE, 0);
  net.advance(2s);
  EXPECT_EQ(b.receiveMessagesOnChannel(0, 10).size(), 1U);
  EXPECT_TRUE(c.receiveMessagesOnChannel(0, 10).empty());
  EXPECT_GT(net.linkCounters(kA, kC).dropped_down, 0U);
  net.heal();
  net.advance(2s);
  EXPECT_EQ(c.receiveMessagesOnChannel(0, 10).size(), 1U);
}

TEST(Network, CrashClosesTheSocketAndRestartOpensANewOne) {
  Network net;
  Peer& a = net.addPeer(kA);
  net.addPeer(kB);
  net.crash(kA);
  EXPECT_TRUE(a.crashed());
  EXPECT_EQ(a.port(), 0);
  EXPECT_EQ(a.sendMessageToUser(kB, "x", NETWORKING_SEND_RELIABLE, 0), Result::Fail);
  net.restart(kA);
  EXPECT_FALSE(a.crashed());
  EXPECT_NE(a.port(), 0);
  EXPECT_EQ(a.sendMessageToUser(kB, "x", NETWORKING_SEND_RELIABLE, 0), Result::OK);
}

TEST(Network, InvalidConditionsAreRejectedWithTheFieldNamed) {
  Network net;
  net.addPeer(kA);
  net.addPeer(kB);
  LinkConditions bad;
  bad.loss_pct = 140;
  try {
    net.setLink(kA, kB, bad);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("loss_pct must be within 0..100, got 140"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace steamsim
