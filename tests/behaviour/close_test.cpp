// SPDX-License-Identifier: MIT
// B7, B9, B10, B14: sending on a broken session, closing sessions and channels, and what
// the peer sees when closed.

#include <gtest/gtest.h>

#include "behaviour_support.hpp"

namespace steamsim::behaviour {
namespace {

constexpr int kSessionClosed = static_cast<int>(ConnectionEnd::P2PSessionClosed);  // 1001
constexpr int kFlagRestart = NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION;

void expectFailure(const SignalLog::Failure& f, int reason, SteamId remote, ConnectionState state,
                   const std::string& debug) {
  EXPECT_EQ(f.reason, reason);
  EXPECT_EQ(f.remote, remote);
  EXPECT_EQ(f.state, state);
  EXPECT_EQ(f.debug, debug);
}

/// A sends to B, B ignores the request; after 12 s both sides have recorded a failure.
void failUnacceptedAttempt(Sim& s) {
  ASSERT_EQ(s.a.sendMessageToUser(kB, "ignored", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(12s);
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  ASSERT_EQ(s.log_b.failures.size(), 1U);
  ASSERT_EQ(stateOf(s.a, kB), ConnectionState::ProblemDetectedLocally);
}

/// Connected A-B where A has reliable data pending and unacked (200 kB being paced out).
void connectWithDataInFlight(Sim& s) {
  s.net.setDefaultLink(Link().latency(20));
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  ASSERT_EQ(send(s.a, kB, seqPayload(1, 200000), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  s.net.advance(100ms);
}

// ---- B7: a recorded failure makes sends return 35 unless AutoRestartBrokenSession ----

TEST(Close, B7_SendOnFailedSessionReturnsConnectFailed) {
  Sim s;
  failUnacceptedAttempt(s);
  const Result r = s.a.sendMessageToUser(kB, "again", NETWORKING_SEND_RELIABLE, 0);
  EXPECT_EQ(r, Result::ConnectFailed);
  EXPECT_EQ(static_cast<int>(r), 35);
  EXPECT_EQ(s.a.sendMessageToUser(kB, "again", NETWORKING_SEND_UNRELIABLE, 3),
            Result::ConnectFailed);
  EXPECT_EQ(s.a.sendMessageToUser(kB, "again", NETWORKING_SEND_RELIABLE_NO_NAGLE, 0),
            Result::ConnectFailed);
  // The failure stays recorded and no new attempt starts.
  const ConnectionInfo info = infoOf(s.a, kB);
  EXPECT_EQ(info.connection_state, ConnectionState::ProblemDetectedLocally);
  EXPECT_EQ(info.end_reason, static_cast<int>(ConnectionEnd::Misc_Timeout));
  s.net.advance(1s);
  EXPECT_EQ(s.log_b.requests.size(), 1U);
}

TEST(Close, B7_AutoRestartBrokenSessionWipesTheFailureAndReconnects) {
  Sim s;
  failUnacceptedAttempt(s);
  s.log_b.auto_accept = true;
  EXPECT_EQ(s.a.sendMessageToUser(kB, "restarted", NETWORKING_SEND_RELIABLE | kFlagRestart, 4),
            Result::OK);
  const ConnectionInfo info = infoOf(s.a, kB);
  EXPECT_EQ(info.connection_state, ConnectionState::Connecting);
  EXPECT_EQ(info.end_reason, 0);
  EXPECT_EQ(info.end_debug, "");

  Inbox inbox(s.b, {4});
  ASSERT_TRUE(inbox.waitFor(s.net, 1, 3s));
  EXPECT_EQ(inbox.got[0].payload, bytesOf("restarted"));
  EXPECT_EQ(s.log_b.requests.size(), 2U);
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connected);
  EXPECT_EQ(s.a.sendMessageToUser(kB, "plain", NETWORKING_SEND_RELIABLE, 4), Result::OK);
}

TEST(Close, B7_BrokenSessionResultIsConfigurable) {
  NetworkConfig config;
  config.broken_session_result = 3;
  Sim s(config);
  failUnacceptedAttempt(s);
  const Result r = s.a.sendMessageToUser(kB, "again", NETWORKING_SEND_RELIABLE, 0);
  EXPECT_EQ(r, Result::NoConnection);
  EXPECT_EQ(static_cast<int>(r), 3);
  EXPECT_EQ(s.a.sendMessageToUser(kB, "again", NETWORKING_SEND_RELIABLE | kFlagRestart, 0),
            Result::OK);
}

TEST(Close, B7_FailureFromPeerCloseAlsoReturnsConnectFailed) {
  Sim s;
  connectWithDataInFlight(s);
  ASSERT_TRUE(s.b.closeSessionWithUser(kA));
  s.net.advance(200ms);
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  EXPECT_EQ(s.a.sendMessageToUser(kB, "x", NETWORKING_SEND_RELIABLE, 1), Result::ConnectFailed);
  EXPECT_EQ(s.a.sendMessageToUser(kB, "x", NETWORKING_SEND_RELIABLE | kFlagRestart, 1), Result::OK);
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connecting);
}

// ---- B9: closeSessionWithUser ----

TEST(Close, B9_CloseWithoutSessionReturnsFalse) {
  Sim s;
  EXPECT_FALSE(s.b.closeSessionWithUser(kA));
  EXPECT_FALSE(s.b.closeSessionWithUser(kNobody));
}

TEST(Close, B9_CloseDiscardsThatPeersUnreadMessagesOnEveryChannel) {
  Sim s;
  SignalLog log_c;
  Peer& c = s.addPeer(kC, log_c);
  ASSERT_TRUE(s.connect());
  ASSERT_TRUE(s.connect(c, s.b, s.log_b));
  for (std::uint32_t i = 0; i < 3; ++i) {
    ASSERT_EQ(send(s.a, kB, seqPayload(i, 40), NETWORKING_SEND_RELIABLE, 1), Result::OK);
    ASSERT_EQ(send(s.a, kB, seqPayload(i, 40), NETWORKING_SEND_UNRELIABLE, 2), Result::OK);
    ASSERT_EQ(send(s.a, kB, seqPayload(i, 40), NETWORKING_SEND_RELIABLE, -5), Result::OK);
  }
  ASSERT_EQ(send(c, kB, seqPayload(100, 40), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  ASSERT_EQ(send(c, kB, seqPayload(101, 40), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  s.net.advance(200ms);

  EXPECT_TRUE(s.b.closeSessionWithUser(kA));
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::None);
  const std::vector<Message> ch1 = drain(s.b, 1);
  ASSERT_EQ(ch1.size(), 2U) << "only C's messages may remain";
  EXPECT_EQ(ch1[0].identity, kC);
  EXPECT_EQ(ch1[1].identity, kC);
  EXPECT_TRUE(drain(s.b, 2).empty());
  EXPECT_TRUE(drain(s.b, -5).empty());
  EXPECT_EQ(stateOf(s.b, kC), ConnectionState::Connected);
  EXPECT_FALSE(s.b.closeSessionWithUser(kA)) << "the session was destroyed";
}

TEST(Close, B9_CloseDropsUnsentDataAndThePeerSeesClosedByPeer1001) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  ASSERT_EQ(send(s.b, kA, seqPayload(7, 300000), NETWORKING_SEND_RELIABLE, 4), Result::OK);
  s.net.advance(200ms);  // about a sixth of it is on the wire
  const std::uint64_t offered_before = s.net.linkCounters(kB, kA).offered;

  EXPECT_TRUE(s.b.closeSessionWithUser(kA));
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::None);
  s.net.advance(3s);
  EXPECT_LE(s.net.linkCounters(kB, kA).offered - offered_before, 10U)
      << "unsent data kept flowing after the close";
  EXPECT_TRUE(drain(s.a, 4).empty());

  // A was half-way through receiving, so its failure is posted.
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  expectFailure(s.log_a.failures[0], kSessionClosed, kB, ConnectionState::ClosedByPeer,
                "CloseSessionWithUser");
  const ConnectionInfo info = infoOf(s.a, kB);
  EXPECT_EQ(info.connection_state, ConnectionState::ClosedByPeer);
  EXPECT_EQ(info.end_reason, kSessionClosed);
  EXPECT_EQ(info.end_debug, "CloseSessionWithUser");
  EXPECT_TRUE(s.log_b.failures.empty());
}

TEST(Close, B9_CloseFailedSessionReturnsTrueAndResetsIt) {
  Sim s;
  failUnacceptedAttempt(s);
  EXPECT_TRUE(s.a.closeSessionWithUser(kB));
  const ConnectionInfo info = infoOf(s.a, kB);
  EXPECT_EQ(info.connection_state, ConnectionState::None);
  EXPECT_EQ(info.end_reason, 0);
  EXPECT_EQ(s.a.sendMessageToUser(kB, "fresh", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connecting);
}

// ---- B10: closeChannelWithUser ----

TEST(Close, B10_CloseChannelIsFalseUnlessAMessageWasReceivedOnIt) {
  Sim s;
  EXPECT_FALSE(s.b.closeChannelWithUser(kA, 0)) << "no session";
  ASSERT_TRUE(s.connect());  // B received "hello" on channel 0
  ASSERT_EQ(s.a.sendMessageToUser(kB, "five", NETWORKING_SEND_RELIABLE, 5), Result::OK);
  s.net.advance(100ms);
  EXPECT_FALSE(s.b.closeChannelWithUser(kA, 7)) << "never received on 7";
  EXPECT_FALSE(s.a.closeChannelWithUser(kB, 5)) << "sending does not open a channel";
  EXPECT_FALSE(s.a.closeChannelWithUser(kB, 0)) << "sending does not open a channel";
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connected);
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::Connected);
  EXPECT_EQ(drain(s.b, 5).size(), 1U);
}

TEST(Close, B10_CloseChannelDiscardsOnlyThatChannelsUnreadMessages) {
  Sim s;
  ASSERT_TRUE(s.connect());
  for (std::uint32_t i = 0; i < 3; ++i) {
    ASSERT_EQ(send(s.a, kB, seqPayload(i, 30), NETWORKING_SEND_RELIABLE, 1), Result::OK);
    ASSERT_EQ(send(s.a, kB, seqPayload(i, 30), NETWORKING_SEND_RELIABLE, 2), Result::OK);
  }
  s.net.advance(200ms);
  EXPECT_TRUE(s.b.closeChannelWithUser(kA, 1));
  EXPECT_TRUE(drain(s.b, 1).empty());
  EXPECT_EQ(drain(s.b, 2).size(), 3U);
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::Connected) << "channels 0 and 2 are still open";
  EXPECT_FALSE(s.b.closeChannelWithUser(kA, 1)) << "already closed";
}

TEST(Close, B10_ClosingTheLastOpenChannelClosesTheSession) {
  Sim s;
  s.net.setDefaultLink(Link().latency(20));
  ASSERT_TRUE(s.connect());  // channel 0 open at B
  ASSERT_EQ(s.a.sendMessageToUser(kB, "one", NETWORKING_SEND_RELIABLE, 1), Result::OK);
  s.net.advance(200ms);  // channel 1 open at B
  EXPECT_TRUE(s.b.closeChannelWithUser(kA, 0));
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::Connected);

  ASSERT_EQ(send(s.a, kB, seqPayload(1, 200000), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  s.net.advance(100ms);
  EXPECT_TRUE(s.b.closeChannelWithUser(kA, 1));
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::None);
  EXPECT_FALSE(s.b.closeSessionWithUser(kA)) << "the session should be destroyed";
  EXPECT_TRUE(drain(s.b, 1).empty());

  s.net.advance(200ms);
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  expectFailure(s.log_a.failures[0], kSessionClosed, kB, ConnectionState::ClosedByPeer,
                "CloseSessionWithUser");
}

// ---- B14: closed by the peer: state 4 with the peer's reason ----

TEST(Close, B14_ClosedByPeerReportsThePeersReasonAndDebug) {
  Sim s;
  connectWithDataInFlight(s);
  ASSERT_TRUE(s.b.closeSessionWithUser(kA));
  const std::int64_t t_close = s.nowUs();
  ASSERT_TRUE(s.net.runUntil([&] { return !s.log_a.failures.empty(); }, 1s));
  // Noticed after one one-way latency (20 ms).
  EXPECT_TRUE(between(toSeconds(s.log_a.failures[0].at_us - t_close), 0.019, 0.030));
  expectFailure(s.log_a.failures[0], kSessionClosed, kB, ConnectionState::ClosedByPeer,
                "CloseSessionWithUser");
  const SessionConnectionInfo info = s.a.getSessionConnectionInfo(kB, true, true);
  EXPECT_EQ(info.connection_state, ConnectionState::ClosedByPeer);
  ASSERT_TRUE(info.connection.has_value());
  EXPECT_EQ(info.connection->end_reason, kSessionClosed);
  EXPECT_EQ(info.connection->end_debug, "CloseSessionWithUser");
  ASSERT_TRUE(info.status.has_value());
  EXPECT_EQ(info.status->state, ConnectionState::ClosedByPeer);
}

TEST(Close, B14_PeerWithNoRecordOfTheConnectionClosesIt5010) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  s.every(50ms, 200, [&] { (void)s.a.sendMessageToUser(kB, "tick", NETWORKING_SEND_RELIABLE, 0); });
  s.net.advance(500ms);
  s.net.crash(kB);
  s.net.advance(500ms);
  s.net.restart(kB);  // B is back with no sessions; A's data reaches a stranger
  ASSERT_TRUE(s.net.runUntil([&] { return !s.log_a.failures.empty(); }, 5s));
  expectFailure(s.log_a.failures[0], static_cast<int>(ConnectionEnd::Misc_PeerSentNoConnection), kB,
                ConnectionState::ClosedByPeer, "Received unexpected P2P 'no connection' signal");
}

}  // namespace
}  // namespace steamsim::behaviour
