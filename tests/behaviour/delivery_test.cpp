// SPDX-License-Identifier: MIT
// B15-B19, B21, B22: reliable and unreliable delivery, size limits, the send buffer, Nagle,
// received message fields and channel queues.

#include <gtest/gtest.h>

#include <climits>
#include <map>
#include <random>

#include "behaviour_support.hpp"

namespace steamsim::behaviour {
namespace {

// ---- B15: reliable messages arrive exactly once, in order, in one order across channels ----

void reliableUnderImpairment(std::uint64_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  NetworkConfig config;
  config.seed = seed;
  Sim s(config);
  s.net.setDefaultLink(Link().loss(20).latency(30).jitter(10).reorder(10, 15).duplicate(10, 10));
  s.log_b.auto_accept = true;
  const std::vector<int> channels = {0, 1, 7, -3};
  Inbox inbox(s.b, channels);

  std::mt19937 rng(static_cast<std::uint32_t>(seed));
  constexpr std::uint32_t kCount = 400;
  std::vector<std::size_t> sizes(kCount);
  for (std::size_t& size : sizes) {
    const auto kind = rng() % 10;
    if (kind < 6) {
      size = 8 + rng() % 200;
    } else if (kind < 9) {
      size = 1000 + rng() % 2000;
    } else {
      size = 10000 + rng() % 20000;
    }
  }
  std::uint32_t next = 0;
  const std::int64_t deadline = s.nowUs() + 120 * kUsPerS;
  while (inbox.got.size() < kCount && s.nowUs() < deadline) {
    while (next < kCount) {
      const Result r = send(s.a, kB, seqPayload(next, sizes[next]), NETWORKING_SEND_RELIABLE,
                            channels[next % channels.size()]);
      if (r == Result::LimitExceeded) break;
      ASSERT_EQ(r, Result::OK);
      ++next;
    }
    s.net.advance(10ms);
    inbox.poll();
  }
  ASSERT_EQ(inbox.got.size(), kCount) << "lost or duplicated reliable messages";

  std::vector<const Message*> by_seq(kCount, nullptr);
  std::map<int, std::int64_t> last_seq_on_channel;
  for (const Message& m : inbox.got) {
    const std::uint32_t seq = seqOf(m);
    ASSERT_LT(seq, kCount);
    ASSERT_EQ(by_seq[seq], nullptr) << "duplicate " << seq;
    by_seq[seq] = &m;
    EXPECT_TRUE(intact(m, sizes[seq])) << "seq " << seq;
    EXPECT_EQ(m.channel, channels[seq % channels.size()]);
    EXPECT_EQ(m.flags, NETWORKING_SEND_RELIABLE);
    EXPECT_EQ(m.identity, kA);
    EXPECT_EQ(m.message_number, static_cast<std::int64_t>(seq) + 1);
    auto [it, inserted] = last_seq_on_channel.try_emplace(m.channel, -1);
    EXPECT_GT(static_cast<std::int64_t>(seq), it->second) << "out of order on " << m.channel;
    it->second = seq;
  }
  // One reliable stream: a later message never arrives before an earlier one, whatever the
  // channels.
  for (std::uint32_t seq = 1; seq < kCount; ++seq) {
    EXPECT_GE(by_seq[seq]->time_received, by_seq[seq - 1]->time_received) << "seq " << seq;
  }
  EXPECT_GT(s.a.counters().retransmissions, 0U);
  const LinkCounters link = s.net.linkCounters(kA, kB);
  EXPECT_GT(link.dropped_loss, 0U);
  EXPECT_GT(link.duplicated, 0U);
  EXPECT_GT(link.reordered, 0U);
}

TEST(Delivery, B15_ReliableExactlyOnceInOrderUnderLossDuplicationReordering) {
  for (std::uint64_t seed : {1ULL, 2ULL, 3ULL}) reliableUnderImpairment(seed);
}

// ---- B16: unreliable messages ----

/// Connects on a clean link, then applies `conditions` A -> B and sends `count` unreliable
/// messages of `size` bytes, one every `gap`; returns what B received, in queue order.
std::vector<Message> unreliableRun(Sim& s, const LinkConditions& conditions, std::uint32_t count,
                                   std::size_t size, std::chrono::microseconds gap) {
  EXPECT_TRUE(s.connect());
  s.net.setLink(kA, kB, conditions);
  Inbox inbox(s.b, {9});
  for (std::uint32_t i = 0; i < count; ++i) {
    EXPECT_EQ(send(s.a, kB, seqPayload(i, size), NETWORKING_SEND_UNRELIABLE_NO_NAGLE, 9),
              Result::OK);
    s.net.advance(gap);
    inbox.poll();
  }
  s.runPolling(inbox, 3s);
  return inbox.got;
}

std::map<std::uint32_t, int> countBySeq(const std::vector<Message>& got) {
  std::map<std::uint32_t, int> counts;
  for (const Message& m : got) ++counts[seqOf(m)];
  return counts;
}

TEST(Delivery, B16_UnreliableMessagesMayBeLost) {
  Sim s;
  const std::vector<Message> got = unreliableRun(s, Link().loss(20), 500, 100, 10ms);
  EXPECT_TRUE(between(static_cast<double>(got.size()), 360, 440));
  for (const auto& [seq, n] : countBySeq(got)) EXPECT_EQ(n, 1) << "seq " << seq;
  for (const Message& m : got) {
    EXPECT_EQ(m.flags, 0);
    EXPECT_TRUE(intact(m, 100));
  }
}

TEST(Delivery, B16_DuplicatePacketsAreSuppressed) {
  Sim s;
  const std::vector<Message> got = unreliableRun(s, Link().duplicate(50, 10), 500, 100, 10ms);
  EXPECT_GT(s.net.linkCounters(kA, kB).duplicated, 150U);
  ASSERT_EQ(got.size(), 500U);
  for (const auto& [seq, n] : countBySeq(got)) EXPECT_EQ(n, 1) << "seq " << seq;
}

TEST(Delivery, B16_UnreliableMessagesAreDeliveredAsTheyArriveNotResequenced) {
  Sim s;
  const std::vector<Message> got = unreliableRun(s, Link().reorder(30, 15), 300, 100, 2ms);
  ASSERT_EQ(got.size(), 300U);
  int inversions = 0;
  for (std::size_t i = 1; i < got.size(); ++i) {
    if (seqOf(got[i]) < seqOf(got[i - 1])) ++inversions;
  }
  EXPECT_GT(inversions, 10) << "reordered datagrams must not be put back in order";
}

TEST(Delivery, B16_ALostFragmentLosesTheWholeMessage) {
  Sim s;
  // 5000 bytes need at least 4 datagrams: P(all arrive) <= 0.9^4 = 0.66.
  const std::vector<Message> got = unreliableRun(s, Link().loss(10), 400, 5000, 40ms);
  EXPECT_TRUE(between(static_cast<double>(got.size()), 400 * 0.45, 400 * 0.76));
  for (const Message& m : got) {
    EXPECT_TRUE(intact(m, 5000)) << "a partial or mixed message was delivered";
    EXPECT_EQ(m.flags, 0);
  }
  for (const auto& [seq, n] : countBySeq(got)) EXPECT_EQ(n, 1) << "seq " << seq;
}

TEST(Delivery, B16_UnreliableOver16500BytesIsSentReliably) {
  Sim s;
  const std::vector<Message> big = unreliableRun(s, Link().loss(20), 20, 16501, 200ms);
  ASSERT_EQ(big.size(), 20U) << "a converted message was lost";
  for (std::uint32_t i = 0; i < 20; ++i) {
    EXPECT_EQ(seqOf(big[i]), i);
    EXPECT_TRUE(intact(big[i], 16501));
    EXPECT_EQ(big[i].flags, NETWORKING_SEND_RELIABLE);
  }

  Sim clean;
  const std::vector<Message> limit = unreliableRun(clean, Link(), 3, 16500, 100ms);
  ASSERT_EQ(limit.size(), 3U);
  for (const Message& m : limit) EXPECT_EQ(m.flags, 0) << "16500 bytes stays unreliable";
}

// ---- B17: size limits and fragmentation ----

TEST(Delivery, B17_OversizedPayloadOrSteamIdZeroIsInvalidParam) {
  Sim s;
  const std::vector<std::uint8_t> too_big(524289, 0xAB);
  for (int flags : {NETWORKING_SEND_RELIABLE, NETWORKING_SEND_UNRELIABLE}) {
    const Result r = send(s.a, kB, too_big, flags, 0);
    EXPECT_EQ(r, Result::InvalidParam);
    EXPECT_EQ(static_cast<int>(r), 8);
  }
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::None) << "a rejected send created a session";
  EXPECT_EQ(s.a.sendMessageToUser(0, "zero", NETWORKING_SEND_RELIABLE, 0), Result::InvalidParam);
  EXPECT_EQ(s.a.sendMessageToUser(0, "zero", NETWORKING_SEND_UNRELIABLE, 0), Result::InvalidParam);
}

TEST(Delivery, B17_LargestMessageIsSplitIntoDatagramsAndReassembled) {
  Sim s;
  ASSERT_TRUE(s.connect());
  std::uint64_t datagrams = 0;
  std::uint32_t largest = 0;
  s.net.setTraceSink([&](const TraceEvent& e) {
    if (e.kind == TraceKind::DatagramSent && e.from == kA && e.to == kB) {
      ++datagrams;
      largest = std::max(largest, e.bytes);
    }
  });
  ASSERT_EQ(send(s.a, kB, seqPayload(5, 524288), NETWORKING_SEND_RELIABLE, 2), Result::OK);
  Inbox inbox(s.b, {2});
  ASSERT_TRUE(inbox.waitFor(s.net, 1, 10s));
  ASSERT_EQ(inbox.got.size(), 1U);
  EXPECT_TRUE(intact(inbox.got[0], 524288));
  EXPECT_LE(largest, 1300U);
  EXPECT_GE(largest, 1200U) << "datagrams should be filled";
  EXPECT_GE(datagrams, 524288U / 1300U);
}

// ---- B18: the send buffer ----

TEST(Delivery, B18_SendBufferFullReturnsLimitExceededWithoutHarm) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  EXPECT_EQ(send(s.a, kB, seqPayload(1, 200000), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  EXPECT_EQ(send(s.a, kB, seqPayload(2, 200000), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  const Result r = send(s.a, kB, seqPayload(3, 200000), NETWORKING_SEND_RELIABLE, 1);
  EXPECT_EQ(r, Result::LimitExceeded);
  EXPECT_EQ(static_cast<int>(r), 25);
  EXPECT_EQ(send(s.a, kB, seqPayload(4, 150000), NETWORKING_SEND_UNRELIABLE, 1),
            Result::LimitExceeded);
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connected);

  Inbox inbox(s.b, {1});
  s.runPolling(inbox, 3s);
  ASSERT_EQ(inbox.got.size(), 2U);
  EXPECT_EQ(seqOf(inbox.got[0]), 1U);
  EXPECT_EQ(seqOf(inbox.got[1]), 2U);
  EXPECT_TRUE(intact(inbox.got[1], 200000));
  EXPECT_TRUE(s.log_a.failures.empty());
  EXPECT_TRUE(s.log_b.failures.empty());

  EXPECT_EQ(send(s.a, kB, seqPayload(3, 200000), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  s.runPolling(inbox, 2s);
  ASSERT_EQ(inbox.got.size(), 3U);
  EXPECT_EQ(seqOf(inbox.got[2]), 3U);
}

TEST(Delivery, B18_SendBufferIsConfigurableAndFreesAsDataIsSent) {
  NetworkConfig config;
  config.send_buffer = 160 * 1024;
  Sim s(config);
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  EXPECT_EQ(send(s.a, kB, seqPayload(1, 100000), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  EXPECT_EQ(send(s.a, kB, seqPayload(2, 100000), NETWORKING_SEND_RELIABLE, 1),
            Result::LimitExceeded);
  ASSERT_TRUE(
      s.net.runUntil([&] { return statusOf(s.a, kB).pending_reliable + 100000 < 160 * 1024; }, 2s));
  EXPECT_EQ(send(s.a, kB, seqPayload(2, 100000), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  Inbox inbox(s.b, {1});
  s.runPolling(inbox, 2s);
  ASSERT_EQ(inbox.got.size(), 2U);
  EXPECT_EQ(seqOf(inbox.got[1]), 2U);
}

// ---- B19: Nagle ----

/// Sends one small message with `flags` on a quiet connection; returns µs from the send to
/// its time_received at B.
std::int64_t delayOfOneMessage(Sim& s, int flags) {
  const std::int64_t t0 = s.nowUs();
  EXPECT_EQ(s.a.sendMessageToUser(kB, "n", flags, 0), Result::OK);
  Inbox inbox(s.b, {0});
  if (!s.net.runUntil(
          [&] {
            inbox.poll();
            return !inbox.got.empty();
          },
          1s)) {
    ADD_FAILURE() << "not delivered";
    return -1;
  }
  return inbox.got[0].time_received - t0;
}

TEST(Delivery, B19_NagleHoldsASmallMessageForNagleTime) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  EXPECT_TRUE(
      between(static_cast<double>(delayOfOneMessage(s, NETWORKING_SEND_UNRELIABLE)), 4990, 5500));
  s.net.advance(1s);
  EXPECT_TRUE(
      between(static_cast<double>(delayOfOneMessage(s, NETWORKING_SEND_RELIABLE)), 4990, 5500));
  s.net.advance(1s);
  EXPECT_TRUE(between(
      static_cast<double>(delayOfOneMessage(s, NETWORKING_SEND_UNRELIABLE_NO_NAGLE)), 0, 500));
  s.net.advance(1s);
  EXPECT_TRUE(between(static_cast<double>(delayOfOneMessage(s, NETWORKING_SEND_RELIABLE_NO_NAGLE)),
                      0, 500));
}

TEST(Delivery, B19_NagleTimeIsConfigurable) {
  NetworkConfig config;
  config.nagle = 20000us;
  Sim s(config);
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  EXPECT_TRUE(
      between(static_cast<double>(delayOfOneMessage(s, NETWORKING_SEND_UNRELIABLE)), 19990, 20500));
}

TEST(Delivery, B19_WaitingMessagesShareOneDatagram) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  std::uint64_t datagrams = 0;
  s.net.setTraceSink([&](const TraceEvent& e) {
    if (e.kind == TraceKind::DatagramSent && e.from == kA && e.to == kB) ++datagrams;
  });
  for (std::uint32_t i = 0; i < 10; ++i) {
    ASSERT_EQ(send(s.a, kB, seqPayload(i, 20), NETWORKING_SEND_UNRELIABLE, 0), Result::OK);
  }
  s.net.advance(4ms);
  EXPECT_EQ(datagrams, 0U) << "sent before the Nagle time";
  s.net.advance(2ms);
  EXPECT_EQ(datagrams, 1U) << "ten small messages should share one datagram";
  const std::vector<Message> got = drain(s.b, 0);
  ASSERT_EQ(got.size(), 10U);
  for (const Message& m : got) EXPECT_EQ(m.time_received, got[0].time_received);
}

TEST(Delivery, B19_NoNagleFlushesEverythingWaiting) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  std::uint64_t datagrams = 0;
  s.net.setTraceSink([&](const TraceEvent& e) {
    if (e.kind == TraceKind::DatagramSent && e.from == kA && e.to == kB) ++datagrams;
  });
  for (std::uint32_t i = 0; i < 3; ++i) {
    ASSERT_EQ(send(s.a, kB, seqPayload(i, 20), NETWORKING_SEND_UNRELIABLE, 0), Result::OK);
  }
  s.net.advance(2ms);
  EXPECT_EQ(datagrams, 0U);
  const std::int64_t t_flush = s.nowUs();
  ASSERT_EQ(send(s.a, kB, seqPayload(3, 20), NETWORKING_SEND_RELIABLE_NO_NAGLE, 0), Result::OK);
  s.net.advance(1ms);
  EXPECT_EQ(datagrams, 1U);
  const std::vector<Message> got = drain(s.b, 0);
  ASSERT_EQ(got.size(), 4U) << "the flush must take every waiting message";
  for (const Message& m : got)
    EXPECT_TRUE(between(static_cast<double>(m.time_received - t_flush), 0, 500));
}

// ---- B21: received message fields ----

TEST(Delivery, B21_ReceivedMessageFields) {
  Sim s;
  s.log_b.auto_accept = true;
  const std::int64_t t_hello = s.nowUs();
  ASSERT_EQ(s.a.sendMessageToUser(kB, "hello", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  Inbox hello(s.b, {0});
  ASSERT_TRUE(hello.waitFor(s.net, 1, 2s));
  const Message& h = hello.got[0];
  EXPECT_EQ(h.message_number, 1);
  EXPECT_EQ(h.size, 5);
  EXPECT_EQ(h.payload, bytesOf("hello"));
  EXPECT_GE(h.time_received, t_hello);
  EXPECT_LE(h.time_received, s.nowUs());
  EXPECT_GT(h.time_received, 0);

  struct Sent {
    std::uint32_t seq;
    int flags;
    int channel;
  };
  const Sent sent[] = {{1, NETWORKING_SEND_RELIABLE_NO_NAGLE, 5},
                       {2, NETWORKING_SEND_UNRELIABLE_NO_NAGLE, -7},
                       {3, NETWORKING_SEND_RELIABLE_NO_NAGLE, 5},
                       {4, NETWORKING_SEND_UNRELIABLE_NO_NAGLE, INT_MAX}};
  const std::int64_t t_send = s.nowUs();
  for (const Sent& m : sent) {
    ASSERT_EQ(send(s.a, kB, seqPayload(m.seq, 33), m.flags, m.channel), Result::OK);
    s.net.advance(1ms);
  }
  s.net.advance(100ms);
  Inbox inbox(s.b, {5, -7, INT_MAX});
  inbox.poll();
  ASSERT_EQ(inbox.got.size(), 4U);
  std::map<std::uint32_t, const Message*> by_seq;
  for (const Message& m : inbox.got) by_seq[seqOf(m)] = &m;
  for (const Sent& sm : sent) {
    ASSERT_EQ(by_seq.count(sm.seq), 1U);
    const Message& m = *by_seq[sm.seq];
    EXPECT_EQ(m.connection, 0U);
    EXPECT_EQ(m.identity, kA);
    EXPECT_EQ(m.receiver_user_data, 0);
    EXPECT_EQ(m.sender_user_data, 0);
    EXPECT_EQ(m.channel, sm.channel);
    EXPECT_EQ(m.flags, (sm.flags & NETWORKING_SEND_RELIABLE) != 0 ? 8 : 0);
    EXPECT_EQ(m.size, 33);
    EXPECT_TRUE(intact(m, 33));
    // One counter per connection, shared by reliable and unreliable, after the hello's 1.
    EXPECT_EQ(m.message_number, static_cast<std::int64_t>(sm.seq) + 1);
    EXPECT_GE(m.time_received, t_send);
    EXPECT_LE(m.time_received, s.nowUs());
  }
}

TEST(Delivery, B21_MessageNumbersRestartOnANewConnection) {
  Sim s;
  ASSERT_TRUE(s.connect());  // hello was number 1
  for (std::uint32_t i = 0; i < 3; ++i) {
    ASSERT_EQ(send(s.a, kB, seqPayload(i, 8), NETWORKING_SEND_RELIABLE, 0), Result::OK);
  }
  s.net.advance(200ms);
  const std::vector<Message> first = drain(s.b, 0);
  ASSERT_EQ(first.size(), 3U);
  EXPECT_EQ(first[2].message_number, 4);

  ASSERT_TRUE(s.b.closeSessionWithUser(kA));
  s.net.advance(200ms);
  ASSERT_EQ(stateOf(s.a, kB), ConnectionState::None);
  ASSERT_EQ(send(s.a, kB, seqPayload(9, 8), NETWORKING_SEND_RELIABLE, 0), Result::OK);
  Inbox inbox(s.b, {0});
  ASSERT_TRUE(inbox.waitFor(s.net, 1, 2s));
  EXPECT_EQ(inbox.got[0].message_number, 1);
}

// ---- B22: channels and their queues ----

TEST(Delivery, B22_AnyIntIsAChannel) {
  Sim s;
  ASSERT_TRUE(s.connect());
  const std::vector<int> channels = {INT_MIN, -1, 0, 1, 42, INT_MAX};
  for (std::size_t i = 0; i < channels.size(); ++i) {
    ASSERT_EQ(send(s.a, kB, seqPayload(static_cast<std::uint32_t>(i), 12), NETWORKING_SEND_RELIABLE,
                   channels[i]),
              Result::OK);
  }
  s.net.advance(200ms);
  for (std::size_t i = 0; i < channels.size(); ++i) {
    const std::vector<Message> got = drain(s.b, channels[i]);
    ASSERT_EQ(got.size(), 1U) << "channel " << channels[i];
    EXPECT_EQ(seqOf(got[0]), i);
    EXPECT_EQ(got[0].channel, channels[i]);
  }
}

TEST(Delivery, B22_AChannelQueueHoldsAllPeersInArrivalOrder) {
  Sim s;
  SignalLog log_c;
  Peer& c = s.addPeer(kC, log_c);
  ASSERT_TRUE(s.connect());
  ASSERT_TRUE(s.connect(c, s.b, s.log_b));
  s.net.advance(100ms);
  Peer* senders[] = {&s.a, &c, &s.a, &c, &c, &s.a};
  for (std::uint32_t i = 0; i < 6; ++i) {
    ASSERT_EQ(send(*senders[i], kB, seqPayload(i, 10), NETWORKING_SEND_RELIABLE_NO_NAGLE, 3),
              Result::OK);
    s.net.advance(10ms);
  }
  const std::vector<Message> got = drain(s.b, 3);
  ASSERT_EQ(got.size(), 6U);
  for (std::uint32_t i = 0; i < 6; ++i) {
    EXPECT_EQ(seqOf(got[i]), i);
    EXPECT_EQ(got[i].identity, senders[i]->steamId());
  }
}

TEST(Delivery, B22_MaxMessagesBoundsTheBatch) {
  Sim s;
  ASSERT_TRUE(s.connect());
  for (std::uint32_t i = 0; i < 10; ++i) {
    ASSERT_EQ(send(s.a, kB, seqPayload(i, 10), NETWORKING_SEND_RELIABLE, 4), Result::OK);
  }
  s.net.advance(200ms);
  EXPECT_TRUE(s.b.receiveMessagesOnChannel(4, 0).empty());
  EXPECT_TRUE(s.b.receiveMessagesOnChannel(4, -1).empty());
  EXPECT_TRUE(s.b.receiveMessagesOnChannel(4, INT_MIN).empty());
  std::vector<Message> batch = s.b.receiveMessagesOnChannel(4, 3);
  ASSERT_EQ(batch.size(), 3U);
  EXPECT_EQ(seqOf(batch[0]), 0U);
  EXPECT_EQ(seqOf(batch[2]), 2U);
  batch = s.b.receiveMessagesOnChannel(4, 3);
  ASSERT_EQ(batch.size(), 3U);
  EXPECT_EQ(seqOf(batch[0]), 3U);
  batch = s.b.receiveMessagesOnChannel(4, 100);
  ASSERT_EQ(batch.size(), 4U);
  EXPECT_EQ(seqOf(batch[3]), 9U);
  EXPECT_TRUE(s.b.receiveMessagesOnChannel(4, 1).empty());
  EXPECT_TRUE(s.b.receiveMessagesOnChannel(123456, 10).empty()) << "unknown channel";
}

}  // namespace
}  // namespace steamsim::behaviour
