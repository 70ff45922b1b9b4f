// SPDX-License-Identifier: MIT
// B1-B5: session creation, session requests, accepting, the reliable kludge before
// Connected, and symmetric connect.

#include <gtest/gtest.h>

#include "behaviour_support.hpp"

namespace steamsim::behaviour {
namespace {

// ---- B1: the first send creates the session and starts a handshake; OK means queued ----

TEST(Sessions, B1_FirstSendCreatesSessionAndStartsHandshake) {
  Sim s;
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::None);
  const std::uint64_t offered_before = s.net.linkCounters(kA, kB).offered;

  const Result result = s.a.sendMessageToUser(kB, "hi", NETWORKING_SEND_RELIABLE, 0);
  EXPECT_EQ(result, Result::OK);
  EXPECT_EQ(static_cast<int>(result), 1);
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connecting);

  s.net.advance(100ms);
  EXPECT_GT(s.net.linkCounters(kA, kB).offered, offered_before) << "no handshake datagram sent";
  ASSERT_EQ(s.log_b.requests.size(), 1U);
  EXPECT_EQ(s.log_b.requests[0].remote, kA);
  // B accepted nothing: the OK did not mean delivery.
  EXPECT_TRUE(drain(s.b, 0).empty());
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connecting);
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::Connecting);
}

TEST(Sessions, B1_SendReturnsOkEvenWhenNothingCanArrive) {
  Sim s;
  s.net.setLink(kA, kB, Link().down());
  EXPECT_EQ(s.a.sendMessageToUser(kB, "one", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  EXPECT_EQ(s.a.sendMessageToUser(kB, "two", NETWORKING_SEND_UNRELIABLE, 1), Result::OK);
  // No peer owns this Steam ID at all.
  EXPECT_EQ(s.a.sendMessageToUser(kNobody, "void", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(1s);
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connecting);
  EXPECT_EQ(stateOf(s.a, kNobody), ConnectionState::Connecting);
  EXPECT_TRUE(s.log_b.requests.empty());
  EXPECT_TRUE(s.log_a.failures.empty());
}

// ---- B2: one session request per connection attempt; nothing delivered until accepted ----

TEST(Sessions, B2_OneRequestPerAttemptAndNothingDeliveredBeforeAccept) {
  Sim s;
  for (std::uint32_t i = 0; i < 20; ++i) {
    ASSERT_EQ(send(s.a, kB, seqPayload(i, 32), NETWORKING_SEND_RELIABLE, 3), Result::OK);
    s.net.advance(100ms);
  }
  ASSERT_EQ(s.log_b.requests.size(), 1U) << "one request per attempt, not per message";
  EXPECT_EQ(s.log_b.requests[0].remote, kA);
  EXPECT_GT(s.net.linkCounters(kA, kB).delivered, 0U);
  EXPECT_TRUE(drain(s.b, 3).empty()) << "delivered before accept";
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::Connecting);

  EXPECT_TRUE(s.b.acceptSessionWithUser(kA));
  Inbox inbox(s.b, {3});
  s.runPolling(inbox, 1s);
  ASSERT_EQ(inbox.got.size(), 20U);
  for (std::uint32_t i = 0; i < 20; ++i) {
    EXPECT_EQ(seqOf(inbox.got[i]), i);
    EXPECT_TRUE(intact(inbox.got[i], 32));
  }
  EXPECT_EQ(s.log_b.requests.size(), 1U);
  EXPECT_TRUE(s.log_a.requests.empty());
}

TEST(Sessions, B2_NextAttemptPostsANewRequest) {
  Sim s;
  ASSERT_EQ(s.a.sendMessageToUser(kB, "first", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(12s);  // the ignored attempt fails on both sides
  ASSERT_EQ(s.log_b.requests.size(), 1U);
  ASSERT_EQ(s.log_a.failures.size(), 1U);

  ASSERT_EQ(
      s.a.sendMessageToUser(
          kB, "second", NETWORKING_SEND_RELIABLE | NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION, 0),
      Result::OK);
  s.net.advance(500ms);
  ASSERT_EQ(s.log_b.requests.size(), 2U);
  EXPECT_EQ(s.log_b.requests[1].remote, kA);
}

TEST(Sessions, B2_SendingToTheRequesterAcceptsImplicitly) {
  Sim s;
  ASSERT_EQ(s.a.sendMessageToUser(kB, "from a", NETWORKING_SEND_RELIABLE, 1), Result::OK);
  s.net.advance(200ms);
  ASSERT_EQ(s.log_b.requests.size(), 1U);
  EXPECT_TRUE(drain(s.b, 1).empty());

  ASSERT_EQ(s.b.sendMessageToUser(kA, "from b", NETWORKING_SEND_RELIABLE, 1), Result::OK);
  Inbox at_a(s.a, {1});
  Inbox at_b(s.b, {1});
  ASSERT_TRUE(s.net.runUntil(
      [&] {
        at_a.poll();
        at_b.poll();
        return !at_a.got.empty() && !at_b.got.empty();
      },
      2s));
  EXPECT_EQ(at_a.got[0].payload, bytesOf("from b"));
  EXPECT_EQ(at_b.got[0].payload, bytesOf("from a"));
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connected);
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::Connected);
  EXPECT_TRUE(s.log_a.requests.empty());
  EXPECT_EQ(s.log_b.requests.size(), 1U);
}

// ---- B3: acceptSessionWithUser's return value ----

TEST(Sessions, B3_AcceptWithoutSessionReturnsFalse) {
  Sim s;
  EXPECT_FALSE(s.b.acceptSessionWithUser(kA));
  EXPECT_FALSE(s.b.acceptSessionWithUser(kNobody));
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::None) << "accept must not create a session";
}

TEST(Sessions, B3_AcceptPendingRequestReturnsTrueAndConnects) {
  Sim s;
  ASSERT_EQ(s.a.sendMessageToUser(kB, "knock", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(100ms);
  ASSERT_EQ(s.log_b.requests.size(), 1U);
  EXPECT_TRUE(s.b.acceptSessionWithUser(kA));
  Inbox inbox(s.b, {0});
  ASSERT_TRUE(s.net.runUntil(
      [&] {
        inbox.poll();
        return !inbox.got.empty() && stateOf(s.a, kB) == ConnectionState::Connected;
      },
      2s));
  EXPECT_EQ(inbox.got[0].payload, bytesOf("knock"));
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::Connected);
}

TEST(Sessions, B3_AcceptSelfInitiatedOrActiveReturnsTrue) {
  Sim s;
  ASSERT_EQ(s.a.sendMessageToUser(kB, "x", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  EXPECT_TRUE(s.a.acceptSessionWithUser(kB)) << "self-initiated, still connecting";
  s.log_b.auto_accept = true;
  ASSERT_TRUE(s.net.runUntil([&] { return stateOf(s.a, kB) == ConnectionState::Connected; }, 2s));
  ASSERT_EQ(s.log_b.accept_results.size(), 1U);
  EXPECT_TRUE(s.log_b.accept_results[0]);
  EXPECT_TRUE(s.a.acceptSessionWithUser(kB));
  EXPECT_TRUE(s.b.acceptSessionWithUser(kA));
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connected);
}

TEST(Sessions, B3_AcceptAfterTheAttemptFailedReturnsFalse) {
  Sim s;
  ASSERT_EQ(s.a.sendMessageToUser(kB, "x", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(12s);
  ASSERT_EQ(s.log_b.failures.size(), 1U);
  // The session still exists (its failure is recorded) but has no active connection.
  EXPECT_NE(stateOf(s.b, kA), ConnectionState::None);
  EXPECT_FALSE(s.b.acceptSessionWithUser(kA));
}

// ---- B4: until Connected every message is queued as Reliable; all arrive in order ----

TEST(Sessions, B4_MessagesBeforeConnectedAreSentReliablyInOrder) {
  Sim s;
  s.net.setDefaultLink(Link().loss(30).latency(20));
  const int flag_cycle[] = {NETWORKING_SEND_UNRELIABLE, NETWORKING_SEND_UNRELIABLE_NO_NAGLE,
                            NETWORKING_SEND_UNRELIABLE_NO_DELAY, NETWORKING_SEND_RELIABLE};
  for (std::uint32_t i = 0; i < 40; ++i) {
    ASSERT_EQ(send(s.a, kB, seqPayload(i, 200), flag_cycle[i % 4], 2), Result::OK);
    s.net.advance(10ms);
  }
  const RealTimeStatus pending = statusOf(s.a, kB);
  EXPECT_EQ(pending.pending_unreliable, 0) << "unreliable messages must be queued as reliable";
  EXPECT_GT(pending.pending_reliable, 0);

  s.net.advance(1s);
  EXPECT_TRUE(drain(s.b, 2).empty());
  ASSERT_TRUE(s.b.acceptSessionWithUser(kA));
  Inbox inbox(s.b, {2});
  s.runPolling(inbox, 15s);
  ASSERT_EQ(inbox.got.size(), 40U) << "a message sent before Connected was lost";
  for (std::uint32_t i = 0; i < 40; ++i) {
    EXPECT_EQ(seqOf(inbox.got[i]), i);
    EXPECT_TRUE(intact(inbox.got[i], 200));
    EXPECT_EQ(inbox.got[i].flags, NETWORKING_SEND_RELIABLE) << "message " << i;
  }

  // Once Connected, unreliable stays unreliable.
  s.net.setDefaultLink(Link());
  ASSERT_EQ(send(s.a, kB, seqPayload(99, 200), NETWORKING_SEND_UNRELIABLE_NO_NAGLE, 2), Result::OK);
  s.runPolling(inbox, 200ms);
  ASSERT_EQ(inbox.got.size(), 41U);
  EXPECT_EQ(inbox.got[40].flags, 0);
}

// ---- B5: both sides send first: one connection, no session request on either side ----

void expectSymmetricConnect(Sim& s) {
  Inbox at_a(s.a, {0});
  Inbox at_b(s.b, {0});
  s.runPolling(at_a, 2s);
  at_b.poll();
  EXPECT_TRUE(s.log_a.requests.empty());
  EXPECT_TRUE(s.log_b.requests.empty());
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connected);
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::Connected);
  ASSERT_EQ(at_a.got.size(), 1U);
  ASSERT_EQ(at_b.got.size(), 1U);
  EXPECT_EQ(at_a.got[0].payload, bytesOf("from b"));
  EXPECT_EQ(at_b.got[0].payload, bytesOf("from a"));
  EXPECT_EQ(at_a.got[0].message_number, 1);
  EXPECT_EQ(at_b.got[0].message_number, 1);

  // The one connection keeps numbering on both sides.
  for (std::uint32_t i = 1; i <= 5; ++i) {
    ASSERT_EQ(send(s.a, kB, seqPayload(i, 16), NETWORKING_SEND_RELIABLE, 0), Result::OK);
    ASSERT_EQ(send(s.b, kA, seqPayload(i, 16), NETWORKING_SEND_RELIABLE, 0), Result::OK);
  }
  s.runPolling(at_a, 1s);
  at_b.poll();
  ASSERT_EQ(at_a.got.size(), 6U);
  ASSERT_EQ(at_b.got.size(), 6U);
  for (std::size_t i = 1; i < 6; ++i) {
    EXPECT_EQ(at_a.got[i].message_number, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(at_b.got[i].message_number, static_cast<std::int64_t>(i + 1));
  }
  EXPECT_TRUE(s.log_a.failures.empty());
  EXPECT_TRUE(s.log_b.failures.empty());
}

TEST(Sessions, B5_SimultaneousFirstSendsMakeOneConnectionWithoutRequests) {
  Sim s;
  s.net.setDefaultLink(Link().latency(50));
  ASSERT_EQ(s.a.sendMessageToUser(kB, "from a", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  ASSERT_EQ(s.b.sendMessageToUser(kA, "from b", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  expectSymmetricConnect(s);
}

TEST(Sessions, B5_CrossingAttemptsMergeWithoutRequests) {
  Sim s;
  s.net.setDefaultLink(Link().latency(50));
  ASSERT_EQ(s.a.sendMessageToUser(kB, "from a", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(20ms);  // A's request is still in flight
  ASSERT_EQ(s.b.sendMessageToUser(kA, "from b", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  expectSymmetricConnect(s);
}

}  // namespace
}  // namespace steamsim::behaviour
