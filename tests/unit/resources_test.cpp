// Resources (SPEC §8): a game that never reads cannot make a peer hold unbounded memory when
// NetworkConfig::max_unread_bytes is set, and sockets are released when peers crash and when
// networks are destroyed.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include <steamsim/steamsim.hpp>

namespace steamsim {
namespace {

using namespace std::chrono_literals;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;

/// Open file descriptors of this process; -1 where /proc/self/fd does not exist.
int openFds() {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/fd", ec);
  if (ec) return -1;
  int count = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) ++count;
  return count;
}

TEST(Resources, UnreadBytesStayUnderTheCap) {
  constexpr std::size_t kCap = 64 * 1024;
  constexpr std::size_t kSize = 1000;
  constexpr int kChannelsUsed = 4;
  NetworkConfig config;
  config.max_unread_bytes = kCap;
  config.send_buffer = 4 * 1024 * 1024;
  Network net(config);
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  b.onSessionRequest([&b](SteamId id) { b.acceptSessionWithUser(id); });

  // 1 MB of reliable and unreliable messages on several channels, never read.
  int sent = 0;
  for (int i = 0; i < 1000; ++i) {
    const int flags = i % 3 == 0 ? NETWORKING_SEND_UNRELIABLE : NETWORKING_SEND_RELIABLE;
    const std::vector<std::uint8_t> payload(kSize, static_cast<std::uint8_t>(i));
    ASSERT_EQ(a.sendMessageToUser(kB, payload, i == 0 ? NETWORKING_SEND_RELIABLE : flags,
                                  i % kChannelsUsed),
              Result::OK);
    ++sent;
    if (i % 50 == 0) net.advance(100ms);
  }
  net.advance(10s);
  const PeerCounters c = b.counters();
  EXPECT_GT(c.messages_dropped_cap, 0U);
  EXPECT_EQ(c.messages_received + c.messages_dropped_cap, static_cast<std::uint64_t>(sent));

  std::size_t unread = 0;
  std::size_t count = 0;
  for (int channel = 0; channel < kChannelsUsed; ++channel) {
    for (const Message& m : b.receiveMessagesOnChannel(channel, 100000)) {
      unread += m.payload.size();
      ++count;
    }
  }
  EXPECT_LE(unread, kCap);
  EXPECT_GT(unread, kCap - kSize);  // filled up to the cap, not stopped early
  EXPECT_EQ(count, c.messages_received);

  // Reading frees the space: new messages are accepted again.
  ASSERT_EQ(
      a.sendMessageToUser(kB, std::vector<std::uint8_t>(kSize, 7), NETWORKING_SEND_RELIABLE, 9),
      Result::OK);
  net.advance(1s);
  const auto fresh = b.receiveMessagesOnChannel(9, 10);
  ASSERT_EQ(fresh.size(), 1U);
  EXPECT_EQ(b.counters().messages_dropped_cap, c.messages_dropped_cap);
  // The session survived the overflow.
  EXPECT_EQ(a.getSessionConnectionInfo(kB, false, false).connection_state,
            ConnectionState::Connected);
}

TEST(Resources, SocketsAreReleasedOnCrashAndDestruction) {
  {
    // The process-wide socket context (its reactor's descriptors) is created with the first
    // socket and kept; it is not per network.
    Network warm_up;
    warm_up.addPeer(kA);
  }
  const int baseline = openFds();
  if (baseline < 0) GTEST_SKIP() << "/proc/self/fd not available";
  constexpr int kPeers = 8;
  for (int round = 0; round < 5; ++round) {
    for (const ClockMode clock : {ClockMode::Virtual, ClockMode::RealTime}) {
      NetworkConfig config;
      config.clock = clock;
      auto net = std::make_unique<Network>(config);
      const int empty = openFds();
      for (int i = 0; i < kPeers; ++i) net->addPeer(kA + static_cast<SteamId>(i));
      const int full = openFds();
      EXPECT_GE(full - empty, kPeers) << "at least one socket per peer";
      // Some traffic, so sessions and buffers exist.
      net->peer(kA).onSessionRequest([&](SteamId id) { net->peer(kA).acceptSessionWithUser(id); });
      for (int i = 1; i < kPeers; ++i) {
        net->peer(kA + static_cast<SteamId>(i)).sendMessageToUser(kA, "hello", 8, 0);
      }
      net->advance(50ms);
      for (int i = 0; i < kPeers; i += 2) net->crash(kA + static_cast<SteamId>(i));
      EXPECT_LE(openFds(), full - kPeers / 2) << "crash closes the socket";
      for (int i = 0; i < kPeers; i += 2) net->restart(kA + static_cast<SteamId>(i));
      EXPECT_EQ(openFds(), full) << "restart opens one again";
      net.reset();
      EXPECT_EQ(openFds(), baseline) << "round " << round << ", destroying the network";
    }
  }
}

}  // namespace
}  // namespace steamsim
