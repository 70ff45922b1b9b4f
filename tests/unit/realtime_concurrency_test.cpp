// SPDX-License-Identifier: MIT
// Real-time concurrency (SPEC §2: "every API call is thread-safe"): several threads call
// every API function at once for about a second of wall time; afterwards every reliable
// message has arrived exactly once and in order per sender and channel. Meant to run under
// ThreadSanitizer too. Deadlocks are bounded by runUntil timeouts (never asserted as timing).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <steamsim/steamsim.hpp>

#include "../soak/verified_payload.hpp"

namespace steamsim {
namespace {

using namespace std::chrono_literals;
using testing::makePayload;
using testing::parsePayload;
using testing::senderTag;

constexpr int kPeers = 3;
constexpr SteamId kIds[kPeers] = {76561198000000001ULL, 76561198000000002ULL, 76561198000000003ULL};
constexpr SteamId kChurn = 76561198000000004ULL;  // sessions opened, closed, crashed
constexpr int kReliableChannels[] = {0, 5};
constexpr int kUnreliableChannel = 9;
constexpr auto kWallBudget = 1000ms;

class Harness {
 public:
  Harness() : net_(config()) {
    for (const SteamId id : kIds) net_.addPeer(id);
    net_.addPeer(kChurn);
    for (const SteamId id : kIds) {
      Peer& p = net_.peer(id);
      p.onSessionRequest([&p](SteamId remote) { p.acceptSessionWithUser(remote); });
    }
    LinkConditions link;
    link.loss_pct = 2.0;
    link.latency_ms = 1.0;
    net_.setDefaultLink(link);
  }

  static NetworkConfig config() {
    NetworkConfig c;
    c.clock = ClockMode::RealTime;
    return c;
  }

  void error(const std::string& what) {
    std::lock_guard lock(errors_mutex_);
    if (errors_.size() < 20) errors_.push_back(what);
  }

  /// Sends sequenced reliable messages from peer `i` to both others, and some unreliable.
  void sender(int i) {
    Peer& p = net_.peer(kIds[i]);
    std::uint32_t round = 0;
    while (!stop_.load()) {
      for (int j = 0; j < kPeers; ++j) {
        if (j == i) continue;
        for (int c = 0; c < 2; ++c) {
          auto& counter = sent_[i][j][c];
          const std::uint32_t seq = counter.load();
          const auto data =
              makePayload(senderTag(kIds[i]), seq, kReliableChannels[c], 20 + (seq * 37U) % 300U);
          const Result r =
              p.sendMessageToUser(kIds[j], data, NETWORKING_SEND_RELIABLE, kReliableChannels[c]);
          if (r == Result::OK) {
            counter.store(seq + 1);
          } else if (r != Result::LimitExceeded) {
            error("reliable send returned " + std::to_string(static_cast<int>(r)));
          }
        }
        const auto unreliable = makePayload(senderTag(kIds[i]), round, kUnreliableChannel, 64);
        (void)p.sendMessageToUser(kIds[j], unreliable, NETWORKING_SEND_UNRELIABLE_NO_NAGLE,
                                  kUnreliableChannel);
      }
      ++round;
      if (round % 64 == 0) std::this_thread::yield();
    }
  }

  /// Peer `j` reads its channels and checks order; only this thread touches expected_[j].
  void drainOnce(int j) {
    Peer& p = net_.peer(kIds[j]);
    for (int c = 0; c < 2; ++c) {
      for (const Message& m : p.receiveMessagesOnChannel(kReliableChannels[c], 64)) {
        int i = -1;
        for (int k = 0; k < kPeers; ++k) {
          if (kIds[k] == m.identity) i = k;
        }
        if (i < 0) continue;  // the churn peer
        const auto id = parsePayload(m.payload);
        if (!id || id->sender_tag != senderTag(kIds[i]) || id->channel != kReliableChannels[c]) {
          error("corrupted reliable message");
          continue;
        }
        std::uint32_t& expected = expected_[j][i][c];
        if (id->seq != expected) {
          error("from " + std::to_string(i) + " to " + std::to_string(j) + " channel " +
                std::to_string(c) + ": got seq " + std::to_string(id->seq) + ", expected " +
                std::to_string(expected));
        }
        expected = id->seq + 1;
      }
    }
    for (const Message& m : p.receiveMessagesOnChannel(kUnreliableChannel, 64)) {
      if (m.identity != kChurn && !parsePayload(m.payload)) error("corrupted unreliable message");
    }
  }

  void receiver(int j) {
    while (!stop_.load()) drainOnce(j);
  }

  /// Calls every other API function, repeatedly.
  void prober(int i) {
    Peer& p = net_.peer(kIds[i]);
    while (!stop_.load()) {
      for (const SteamId remote : {kIds[(i + 1) % kPeers], kChurn, SteamId{0}, kIds[i]}) {
        (void)p.getSessionConnectionInfo(remote, true, true);
        (void)p.acceptSessionWithUser(remote);
        (void)p.closeChannelWithUser(remote, 12345);  // never received on: no effect
      }
      (void)p.closeSessionWithUser(kChurn);
      (void)p.receiveMessagesOnChannel(777, 0);
      p.runCallbacks();
      (void)p.counters();
      (void)p.port();
      (void)p.socketAddress();
      (void)p.pendingCallbacks();
      (void)p.crashed();
      (void)net_.now();
      (void)net_.linkCounters(kIds[i], kIds[(i + 1) % kPeers]);
      (void)net_.counters();
      (void)net_.traceHash();
      (void)net_.link(kIds[i], kChurn);
    }
  }

  /// Opens and closes sessions with the churn peer, crashes and restarts it, and changes
  /// its links and the partition state of the churn peer only.
  void churn() {
    Peer& d = net_.peer(kChurn);
    std::uint32_t n = 0;
    while (!stop_.load()) {
      for (const SteamId id : kIds) {
        (void)d.sendMessageToUser(id, "x", NETWORKING_SEND_RELIABLE, 0);
        (void)d.sendMessageToUser(id, "y", NETWORKING_SEND_UNRELIABLE, kUnreliableChannel);
        (void)d.receiveMessagesOnChannel(0, 10);
        if (n % 3 == 0) (void)d.closeSessionWithUser(id);
      }
      LinkConditions link;
      link.loss_pct = static_cast<double>(n % 50);
      net_.setLink(kChurn, kIds[n % kPeers], link);
      if (n % 7 == 0) net_.clearLink(kChurn, kIds[n % kPeers]);
      if (n % 5 == 0) {
        net_.crash(kChurn);
        (void)d.sendMessageToUser(kIds[0], "z", NETWORKING_SEND_RELIABLE, 0);
        net_.restart(kChurn);
      }
      if (n % 11 == 0) net_.partition({{kChurn}, {kIds[0], kIds[1], kIds[2]}});
      if (n % 11 == 5) net_.heal();
      ++n;
      std::this_thread::sleep_for(1ms);
    }
    net_.heal();
  }

  void clock() {
    while (!stop_.load()) {
      net_.advance(2ms);
      (void)net_.runUntil([this] { return stop_.load(); }, 3ms);
    }
  }

  bool allDelivered() {
    for (int j = 0; j < kPeers; ++j) drainOnce(j);
    for (int i = 0; i < kPeers; ++i) {
      for (int j = 0; j < kPeers; ++j) {
        for (int c = 0; c < 2; ++c) {
          if (i != j && expected_[j][i][c] != sent_[i][j][c].load()) return false;
        }
      }
    }
    return true;
  }

  Network net_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint32_t> sent_[kPeers][kPeers][2]{};  // [from][to][channel]
  std::uint32_t expected_[kPeers][kPeers][2]{};           // [to][from][channel]
  std::mutex errors_mutex_;
  std::vector<std::string> errors_;
};

TEST(RealtimeConcurrency, EveryApiAtOnceLosesNothing) {
  Harness h;
  // Sessions among the three peers first (both sides send: one connection each, B5).
  for (int i = 0; i < kPeers; ++i) {
    for (int j = 0; j < kPeers; ++j) {
      if (i != j) {
        ASSERT_EQ(
            h.net_.peer(kIds[i]).sendMessageToUser(kIds[j], "hi", NETWORKING_SEND_RELIABLE, 100),
            Result::OK);
      }
    }
  }
  ASSERT_TRUE(h.net_.runUntil(
      [&] {
        for (int i = 0; i < kPeers; ++i) {
          for (int j = 0; j < kPeers; ++j) {
            if (i != j && h.net_.peer(kIds[i])
                                  .getSessionConnectionInfo(kIds[j], false, false)
                                  .connection_state != ConnectionState::Connected) {
              return false;
            }
          }
        }
        return true;
      },
      30s));

  std::vector<std::thread> threads;
  for (int i = 0; i < kPeers; ++i) {
    threads.emplace_back([&h, i] { h.sender(i); });
    threads.emplace_back([&h, i] { h.receiver(i); });
    threads.emplace_back([&h, i] { h.prober(i); });
  }
  threads.emplace_back([&h] { h.churn(); });
  threads.emplace_back([&h] { h.clock(); });
  std::this_thread::sleep_for(kWallBudget);  // real time is the point of this test
  h.stop_.store(true);
  for (auto& t : threads) t.join();

  // Everything queued arrives (bounded: a deadlock or loss fails here, not hangs).
  const bool delivered = h.net_.runUntil([&] { return h.allDelivered(); }, 60s);
  std::uint64_t total = 0;
  for (int i = 0; i < kPeers; ++i) {
    for (int j = 0; j < kPeers; ++j) {
      for (int c = 0; c < 2; ++c) {
        total += h.sent_[i][j][c].load();
        EXPECT_EQ(h.expected_[j][i][c], h.sent_[i][j][c].load())
            << "from " << i << " to " << j << " channel " << c;
      }
    }
  }
  EXPECT_TRUE(delivered);
  EXPECT_GT(total, 0U);
  std::lock_guard lock(h.errors_mutex_);
  EXPECT_TRUE(h.errors_.empty()) << h.errors_.front();
  std::cout << "concurrency: " << total << " reliable messages delivered exactly once in order\n";
}

}  // namespace
}  // namespace steamsim
