// SPDX-License-Identifier: MIT
// Soak (B15, B16, SPEC §8): many seeds of mixed reliable and unreliable traffic in both
// directions over a heavily impaired link, with a partition that heals and loss that changes
// mid-run. Every reliable message must arrive exactly once, in order, byte-identical; no
// unreliable message may arrive corrupted or twice.
//
// Size: STEAMSIM_SOAK_SEEDS (default 40) x STEAMSIM_SOAK_MESSAGES per direction (default 1000),
// about 65 s on one core of our 2-core machine in a Release build.
// The `soak-long` CTest entry runs the full 200 x 2000.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <steamsim/steamsim.hpp>

#include "verified_payload.hpp"

namespace steamsim {
namespace {

using namespace std::chrono_literals;
using testing::kHeaderSize;
using testing::makePayload;
using testing::parsePayload;
using testing::senderTag;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;
constexpr int kChannels[] = {0, 1, 7, -3, 100000};

int envInt(const char* name, int fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  const int value = std::atoi(text);
  return value > 0 ? value : fallback;
}

struct Planned {
  std::uint32_t seq = 0;
  bool reliable = true;
  int channel = 0;
  std::size_t size = 0;
};

/// One sending side: its plan, what it has sent, and what its receiver has seen of it.
struct Stream {
  SteamId from = 0;
  SteamId to = 0;
  std::vector<Planned> plan;
  std::size_t next = 0;  // index of the next message to send
  // Receiver side bookkeeping.
  std::map<int, std::deque<Planned>> expected_reliable;  // per channel, sent not received
  std::vector<std::uint32_t> reliable_sent_order;        // seqs, in send order
  std::vector<std::pair<std::int64_t, std::uint32_t>> reliable_received;  // (msg no, seq)
  std::set<std::int64_t> message_numbers;
  std::set<std::uint32_t> unreliable_seen;
  std::size_t reliable_outstanding = 0;
  std::size_t unreliable_received = 0;
  std::size_t unreliable_sent = 0;
};

std::vector<Planned> makePlan(std::mt19937_64& rng, int count) {
  std::vector<Planned> plan;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < count; ++i) {
    Planned p;
    p.seq = static_cast<std::uint32_t>(i);
    p.reliable = i == 0 || unit(rng) < 0.7;  // the first one opens the session reliably
    p.channel = kChannels[rng() % std::size(kChannels)];
    const double r = unit(rng);
    if (p.reliable) {
      if (r < 0.6) {
        p.size = 1 + rng() % 100;
      } else if (r < 0.93) {
        p.size = 100 + rng() % 1900;
      } else {
        p.size = 2000 + rng() % (102400 - 2000 + 1);  // up to 100 KB
      }
    } else {
      p.size = kHeaderSize + rng() % (1200 - kHeaderSize);
    }
    plan.push_back(p);
  }
  return plan;
}

class Soak {
 public:
  Soak(std::uint64_t seed, int messages) : net_(makeConfig(seed)), rng_(seed * 7919 + 1) {
    Peer& a = net_.addPeer(kA);
    Peer& b = net_.addPeer(kB);
    a.onSessionRequest([&a](SteamId id) { a.acceptSessionWithUser(id); });
    b.onSessionRequest([&b](SteamId id) { b.acceptSessionWithUser(id); });
    net_.setDefaultLink(impaired(20.0));
    streams_[0].from = kA;
    streams_[0].to = kB;
    streams_[1].from = kB;
    streams_[1].to = kA;
    for (Stream& s : streams_) s.plan = makePlan(rng_, messages);
  }

  /// Runs the whole soak; returns the first problem found, or "".
  std::string run() {
    // Open the session with each side's first (reliable) message and wait until Connected,
    // so that unreliable messages are not turned reliable by the handshake (B4).
    for (Stream& s : streams_) sendSome(s, 1);
    const bool connected = net_.runUntil(
        [&] {
          return state(kA, kB) == ConnectionState::Connected &&
                 state(kB, kA) == ConnectionState::Connected;
        },
        60s);
    if (!connected) return "session never connected";

    const std::int64_t start_us = net_.now().count();
    bool partitioned = false;
    bool healed = false;
    bool loss_changed = false;
    std::int64_t heal_at_us = 0;
    const auto all_sent = [&] {
      return streams_[0].next == streams_[0].plan.size() &&
             streams_[1].next == streams_[1].plan.size();
    };
    const std::int64_t deadline_us = start_us + 3600LL * 1000000LL;  // virtual hour
    while (net_.now().count() < deadline_us) {
      // Changing conditions, keyed to A's progress.
      const std::size_t progress = streams_[0].next;
      if (!partitioned && progress >= streams_[0].plan.size() / 3) {
        net_.partition({{kA}, {kB}});
        partitioned = true;
        heal_at_us = net_.now().count() + 3000000;  // 3 s < timeout_connected
      }
      if (partitioned && !healed && net_.now().count() >= heal_at_us) {
        net_.heal();
        healed = true;
      }
      if (healed && !loss_changed && progress >= streams_[0].plan.size() * 2 / 3) {
        net_.setDefaultLink(impaired(35.0));
        net_.setLink(kB, kA, impaired(5.0));
        loss_changed = true;
      }
      for (Stream& s : streams_) sendSome(s, 64);
      net_.advance(5ms);
      for (Stream& s : streams_) {
        drain(s);
        if (!error_.empty()) return error_;
      }
      if (all_sent() && healed && streams_[0].reliable_outstanding == 0 &&
          streams_[1].reliable_outstanding == 0) {
        break;
      }
      // Sessions must survive: a failure would lose reliable data.
      if (state(kA, kB) != ConnectionState::Connected ||
          state(kB, kA) != ConnectionState::Connected) {
        return "session left Connected at " + std::to_string(net_.now().count() - start_us) + " us";
      }
    }
    for (const Stream& s : streams_) {
      if (s.next != s.plan.size()) return "sender did not get everything queued";
      if (s.reliable_outstanding != 0) {
        return std::to_string(s.reliable_outstanding) + " reliable messages never arrived";
      }
      // One order across channels: by message number, the seqs are the send order.
      auto received = s.reliable_received;
      std::sort(received.begin(), received.end());
      std::vector<std::uint32_t> seqs;
      for (const auto& r : received) seqs.push_back(r.second);
      if (seqs != s.reliable_sent_order) return "reliable messages out of order across channels";
      if (s.unreliable_received > s.unreliable_sent) return "more unreliable than sent";
    }
    if (!partitioned || !healed || !loss_changed) return "condition changes did not all happen";
    return {};
  }

  const Stream& stream(int i) const { return streams_[i]; }
  Network& net() { return net_; }

 private:
  static NetworkConfig makeConfig(std::uint64_t seed) {
    NetworkConfig config;
    config.seed = seed;
    return config;
  }

  static LinkConditions impaired(double loss_pct) {
    LinkConditions c;
    c.loss_pct = loss_pct;
    c.latency_ms = 50.0;
    c.jitter_ms = 20.0;
    c.reorder_pct = 10.0;
    c.duplicate_pct = 10.0;
    return c;
  }

  ConnectionState state(SteamId self, SteamId remote) {
    return net_.peer(self).getSessionConnectionInfo(remote, false, false).connection_state;
  }

  /// Queues up to `limit` planned messages, stopping at the first LimitExceeded (B18).
  void sendSome(Stream& s, int limit) {
    Peer& peer = net_.peer(s.from);
    for (int i = 0; i < limit && s.next < s.plan.size(); ++i) {
      const Planned& p = s.plan[s.next];
      const auto bytes = makePayload(senderTag(s.from), p.seq, p.channel, p.size);
      const int flags = p.reliable ? NETWORKING_SEND_RELIABLE : NETWORKING_SEND_UNRELIABLE;
      const Result r = peer.sendMessageToUser(s.to, bytes, flags, p.channel);
      if (r == Result::LimitExceeded) return;
      if (r != Result::OK) {
        fail("send returned " + std::to_string(static_cast<int>(r)));
        return;
      }
      if (p.reliable) {
        s.expected_reliable[p.channel].push_back(p);
        s.reliable_sent_order.push_back(p.seq);
        ++s.reliable_outstanding;
      } else {
        ++s.unreliable_sent;
      }
      ++s.next;
    }
  }

  /// The receiver of `s` reads every channel and checks what came from `s.from`.
  void drain(Stream& s) {
    Peer& receiver = net_.peer(s.to);
    for (const int channel : kChannels) {
      for (;;) {
        auto batch = receiver.receiveMessagesOnChannel(channel, 256);
        if (batch.empty()) break;
        for (const Message& m : batch) check(s, channel, m);
      }
    }
  }

  void check(Stream& s, int channel, const Message& m) {
    const std::string where = " (seed " + std::to_string(net_.config().seed) + ", channel " +
                              std::to_string(channel) + ")";
    if (m.identity != s.from) return fail("message from unexpected sender" + where);
    if (m.channel != channel) return fail("message reports another channel" + where);
    if (m.size != static_cast<int>(m.payload.size())) return fail("size field wrong" + where);
    if (!s.message_numbers.insert(m.message_number).second) {
      return fail("message number " + std::to_string(m.message_number) + " seen twice" + where);
    }
    if (m.flags == NETWORKING_SEND_RELIABLE) {
      auto& queue = s.expected_reliable[channel];
      if (queue.empty()) return fail("unexpected reliable message (duplicate?)" + where);
      const Planned p = queue.front();
      queue.pop_front();
      if (m.payload != makePayload(senderTag(s.from), p.seq, p.channel, p.size)) {
        return fail("reliable message " + std::to_string(p.seq) + " lost, misordered or corrupted" +
                    where);
      }
      s.reliable_received.emplace_back(m.message_number, p.seq);
      --s.reliable_outstanding;
      return;
    }
    if (m.flags != 0) return fail("unexpected flags " + std::to_string(m.flags) + where);
    const auto id = parsePayload(m.payload);
    if (!id) return fail("corrupted unreliable message" + where);
    if (id->sender_tag != senderTag(s.from) || id->channel != channel) {
      return fail("unreliable message with wrong sender or channel" + where);
    }
    if (id->seq >= s.plan.size() || s.plan[id->seq].reliable ||
        s.plan[id->seq].size != m.payload.size()) {
      return fail("unreliable message that was never sent" + where);
    }
    if (!s.unreliable_seen.insert(id->seq).second) {
      return fail("unreliable message " + std::to_string(id->seq) + " duplicated" + where);
    }
    ++s.unreliable_received;
  }

  void fail(const std::string& what) {
    if (error_.empty()) error_ = what;
  }

  Network net_;
  std::mt19937_64 rng_;
  Stream streams_[2];
  std::string error_;
};

TEST(ReliabilitySoak, ReliableExactlyOnceInOrderUnderHeavyImpairment) {
  const int seeds = envInt("STEAMSIM_SOAK_SEEDS", 40);
  const int messages = envInt("STEAMSIM_SOAK_MESSAGES", 1000);
  std::uint64_t reliable = 0;
  std::uint64_t unreliable_sent = 0;
  std::uint64_t unreliable_received = 0;
  std::uint64_t retransmissions = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t reordered = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    Soak soak(static_cast<std::uint64_t>(seed), messages);
    const std::string problem = soak.run();
    ASSERT_EQ(problem, "") << "seed " << seed;
    for (int i = 0; i < 2; ++i) {
      reliable += soak.stream(i).reliable_sent_order.size();
      unreliable_sent += soak.stream(i).unreliable_sent;
      unreliable_received += soak.stream(i).unreliable_received;
    }
    EXPECT_EQ(soak.net().counters().kernel_lost, 0U) << "seed " << seed;
    for (const SteamId id : {kA, kB})
      retransmissions += soak.net().peer(id).counters().retransmissions;
    for (const auto& [from, to] : {std::pair{kA, kB}, std::pair{kB, kA}}) {
      const LinkCounters c = soak.net().linkCounters(from, to);
      duplicated += c.duplicated;
      reordered += c.reordered;
    }
  }
  // The impairment really happened, and loss was repaired.
  EXPECT_GT(retransmissions, 0U);
  EXPECT_GT(duplicated, 0U);
  EXPECT_GT(reordered, 0U);
  EXPECT_GT(unreliable_received, 0U);
  EXPECT_LT(unreliable_received, unreliable_sent);  // 20% loss must lose some
  std::cout << "soak: " << seeds << " seeds x " << messages << " messages per direction; "
            << reliable << " reliable delivered exactly once, " << unreliable_received << "/"
            << unreliable_sent << " unreliable, " << retransmissions << " retransmissions\n";
}

}  // namespace
}  // namespace steamsim
