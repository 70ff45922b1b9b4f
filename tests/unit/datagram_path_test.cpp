// SPDX-License-Identifier: MIT
// The batched datagram path: datagrams are written and read back ahead of their delivery,
// yet each one delivered has crossed the sockets the two peers hold when it is delivered.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include <steamsim/steamsim.hpp>

namespace steamsim {
namespace {

using namespace std::chrono_literals;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;

struct Crossing {
  std::int64_t time_us = 0;
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
};

class Recorder final : public DatagramCapture {
 public:
  void datagram(const CapturedDatagram& d) override {
    if (d.packet_id != 0) crossings.push_back({d.time_us, d.source.port, d.destination.port});
  }
  std::vector<Crossing> crossings;
};

TEST(DatagramPath, DatagramsInFlightAcrossACrashAndRestartCrossTheNewSocket) {
  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  LinkConditions link;
  link.latency_ms = 40;
  net.setDefaultLink(link);
  auto recorder = std::make_shared<Recorder>();
  net.setCapture(recorder);
  b.onSessionRequest([&b](SteamId from) { b.acceptSessionWithUser(from); });

  // Traffic both ways, so write passes run while A's datagrams are still 40 ms from B.
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(a.sendMessageToUser(kB, "before", NETWORKING_SEND_RELIABLE_NO_NAGLE, 0), Result::OK);
    net.advance(5ms);
  }
  const std::uint16_t old_port = b.port();
  const std::size_t before = recorder->crossings.size();
  net.crash(kB);
  net.restart(kB);
  const std::uint16_t new_port = b.port();
  net.advance(200ms);

  std::size_t after = 0;
  for (std::size_t i = before; i < recorder->crossings.size(); ++i) {
    const Crossing& c = recorder->crossings[i];
    if (c.source_port != a.port()) continue;
    ++after;
    EXPECT_EQ(c.destination_port, new_port)
        << "delivered at " << c.time_us << " through B's old socket " << old_port;
  }
  EXPECT_GT(after, 0U) << "A's datagrams in flight at the crash reach B's new socket";
  EXPECT_EQ(net.counters().kernel_lost, 0U);
  EXPECT_EQ(net.counters().socket_bytes_read,
            net.linkCounters(kA, kB).delivered_bytes + net.linkCounters(kB, kA).delivered_bytes)
      << "every datagram delivered was read back";
}

TEST(DatagramPath, TheSameRunGivesTheSameTraceWithLatencyLossAndDuplicates) {
  auto run = [] {
    NetworkConfig config;
    config.seed = 11;
    Network net(config);
    Peer& a = net.addPeer(kA);
    Peer& b = net.addPeer(kB);
    LinkConditions link;
    link.latency_ms = 50;
    link.jitter_ms = 20;
    link.loss_pct = 5;
    link.duplicate_pct = 5;
    net.setDefaultLink(link);
    b.onSessionRequest([&b](SteamId from) { b.acceptSessionWithUser(from); });
    for (int i = 0; i < 300; ++i) {
      (void)a.sendMessageToUser(kB, "m", NETWORKING_SEND_RELIABLE, 0);
      (void)b.sendMessageToUser(kA, "n", i % 3 == 0 ? NETWORKING_SEND_RELIABLE : 0, 0);
      net.advance(4ms);
      (void)a.receiveMessagesOnChannel(0, 100);
      (void)b.receiveMessagesOnChannel(0, 100);
    }
    net.advance(3s);
    return net.traceHash();
  };
  EXPECT_EQ(run(), run());
}

TEST(DatagramPath, EightThousandFullDatagramsDueAtOnceAreAllReadBack) {
  // About 18 MB in the kernel, far more than a socket's receive buffer holds, all due in the same
  // instant: the write passes must read them back in portions instead of letting the kernel drop
  // some.
  NetworkConfig config;
  config.send_rate = 256 * 1024 * 1024;
  config.send_buffer = 64 * 1024 * 1024;
  Network net(config);
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  LinkConditions link;
  link.latency_ms = 50;
  net.setDefaultLink(link);
  b.onSessionRequest([&b](SteamId from) { b.acceptSessionWithUser(from); });
  ASSERT_EQ(a.sendMessageToUser(kB, "hello", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  ASSERT_TRUE(net.runUntil([&] { return b.receiveMessagesOnChannel(0, 1).size() == 1; }, 5s));

  constexpr int kCount = 8000;
  const std::vector<std::uint8_t> payload(1100, 0x5a);
  for (int i = 0; i < kCount; ++i) {
    ASSERT_EQ(a.sendMessageToUser(kB, payload, NETWORKING_SEND_UNRELIABLE_NO_NAGLE, 1), Result::OK);
  }
  std::size_t received = 0;
  net.runUntil(
      [&] {
        received += b.receiveMessagesOnChannel(1, 256).size();
        return received == kCount;
      },
      5s);
  EXPECT_EQ(received, static_cast<std::size_t>(kCount));
  EXPECT_EQ(net.counters().kernel_lost, 0U);
}

}  // namespace
}  // namespace steamsim
