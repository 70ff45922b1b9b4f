// SPDX-License-Identifier: MIT
// B6, B11, B12, B13: the handshake timeout, the idle timeout, the connected timeout, and
// when a failure is posted versus silently reset.

#include <gtest/gtest.h>

#include "behaviour_support.hpp"

namespace steamsim::behaviour {
namespace {

constexpr int kTimeout = static_cast<int>(ConnectionEnd::Misc_Timeout);               // 5003
constexpr int kIdleTimeout = static_cast<int>(ConnectionEnd::P2PSessionIdleTimeout);  // 1002

void expectFailure(const SignalLog::Failure& f, int reason, SteamId remote, ConnectionState state,
                   const std::string& debug) {
  EXPECT_EQ(f.reason, reason);
  EXPECT_EQ(f.remote, remote);
  EXPECT_EQ(f.state, state);
  EXPECT_EQ(f.debug, debug);
}

void expectInfo(Peer& peer, SteamId remote, ConnectionState state, int reason,
                const std::string& debug) {
  const SessionConnectionInfo info = peer.getSessionConnectionInfo(remote, true, false);
  EXPECT_EQ(info.connection_state, state);
  ASSERT_TRUE(info.connection.has_value());
  EXPECT_EQ(info.connection->connection_state, state);
  EXPECT_EQ(info.connection->end_reason, reason);
  EXPECT_EQ(info.connection->end_debug, debug);
}

// ---- B6: an unaccepted request fails timeout_initial after the attempt began ----

TEST(Timeouts, B6_UnacceptedRequestFailsAfterTimeoutInitialSenderFirst) {
  Sim s;
  // A's first requests are lost, so B's timer starts about a second after A's: A's runs out
  // first and A tells B.
  s.net.setLink(kA, kB, Link().down());
  const std::int64_t t0 = s.nowUs();
  ASSERT_EQ(s.a.sendMessageToUser(kB, "hello?", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(900ms);
  s.net.clearLink(kA, kB);
  s.net.advance(2s);
  ASSERT_EQ(s.log_b.requests.size(), 1U);
  EXPECT_GE(s.log_b.requests[0].at_us - t0, 900 * kUsPerMs);

  s.net.advance(15s);
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  expectFailure(s.log_a.failures[0], kTimeout, kB, ConnectionState::ProblemDetectedLocally,
                "Timed out attempting to connect");
  EXPECT_TRUE(between(toSeconds(s.log_a.failures[0].at_us - t0), 9.99, 10.5));

  ASSERT_EQ(s.log_b.failures.size(), 1U);
  expectFailure(s.log_b.failures[0], kTimeout, kA, ConnectionState::ClosedByPeer,
                "Timed out attempting to connect");
  EXPECT_TRUE(between(toSeconds(s.log_b.failures[0].at_us - t0), 9.99, 10.5));

  expectInfo(s.a, kB, ConnectionState::ProblemDetectedLocally, kTimeout,
             "Timed out attempting to connect");
  expectInfo(s.b, kA, ConnectionState::ClosedByPeer, kTimeout, "Timed out attempting to connect");
}

TEST(Timeouts, B6_ReceiverReportsAppDidNotRespondWhenTheCloseIsLost) {
  Sim s;
  s.net.setLink(kA, kB, Link().latency(200));
  const std::int64_t t0 = s.nowUs();
  ASSERT_EQ(s.a.sendMessageToUser(kB, "hello?", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(1s);
  ASSERT_EQ(s.log_b.requests.size(), 1U);
  const std::int64_t t_request = s.log_b.requests[0].at_us;
  s.net.setLink(kA, kB, Link().latency(200).down());  // A's close will never reach B

  s.net.advance(12s);
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  expectFailure(s.log_a.failures[0], kTimeout, kB, ConnectionState::ProblemDetectedLocally,
                "Timed out attempting to connect");
  EXPECT_TRUE(between(toSeconds(s.log_a.failures[0].at_us - t0), 9.99, 10.5));

  ASSERT_EQ(s.log_b.failures.size(), 1U);
  expectFailure(s.log_b.failures[0], kTimeout, kA, ConnectionState::ProblemDetectedLocally,
                "App did not respond; discarding.");
  EXPECT_TRUE(between(toSeconds(s.log_b.failures[0].at_us - t_request), 9.99, 10.5));
  expectInfo(s.b, kA, ConnectionState::ProblemDetectedLocally, kTimeout,
             "App did not respond; discarding.");
}

TEST(Timeouts, B6_TimeoutInitialIsConfigurable) {
  NetworkConfig config;
  config.timeout_initial = 3000ms;
  Sim s(config);
  const std::int64_t t0 = s.nowUs();
  ASSERT_EQ(s.a.sendMessageToUser(kNobody, "anyone?", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(5s);
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  expectFailure(s.log_a.failures[0], kTimeout, kNobody, ConnectionState::ProblemDetectedLocally,
                "Timed out attempting to connect");
  EXPECT_TRUE(between(toSeconds(s.log_a.failures[0].at_us - t0), 2.99, 3.5));
}

// ---- B11: idle timeout 180 s ----

TEST(Timeouts, B11_IdleSessionClosesAfter180sWithoutSignal) {
  Sim s;
  ASSERT_TRUE(s.connect());
  const std::int64_t t_connected = s.nowUs();
  s.net.advance(175s);
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connected);
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::Connected);

  const std::int64_t waited = s.timeUntilLeaves(s.a, kB, ConnectionState::Connected, 10s);
  ASSERT_GE(waited, 0) << "session still open 185 s after its last use";
  EXPECT_TRUE(between(toSeconds(s.nowUs() - t_connected), 179.9, 181.5));
  s.net.advance(1s);
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::None);
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::None);
  EXPECT_TRUE(s.log_a.failures.empty());
  EXPECT_TRUE(s.log_b.failures.empty());
}

TEST(Timeouts, B11_SendResetsTheIdleTimer) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.advance(100s);
  const std::int64_t t_use = s.nowUs();
  ASSERT_EQ(s.a.sendMessageToUser(kB, "still here", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  ASSERT_EQ(s.b.sendMessageToUser(kA, "me too", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(100s);  // 200 s after connecting, 100 s after the sends
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connected);
  EXPECT_EQ(stateOf(s.b, kA), ConnectionState::Connected);

  s.net.advance(75s);
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connected);
  ASSERT_GE(s.timeUntilLeaves(s.a, kB, ConnectionState::Connected, 10s), 0);
  EXPECT_TRUE(between(toSeconds(s.nowUs() - t_use), 179.9, 181.5));
  EXPECT_TRUE(s.log_a.failures.empty());
  EXPECT_TRUE(s.log_b.failures.empty());
}

TEST(Timeouts, B11_ReceivingDoesNotResetTheIdleTimerAndExpiryDiscardsUnread) {
  Sim s;
  // B starts the session; A accepts once, then only receives and never reads.
  ASSERT_TRUE(s.connect(s.b, s.a, s.log_a));
  s.log_a.auto_accept = false;
  const std::int64_t t_connected = s.nowUs();
  std::size_t unread_checked = 0;
  for (int i = 0; i < 178; ++i) {
    ASSERT_EQ(send(s.b, kA, seqPayload(static_cast<std::uint32_t>(i), 100),
                   NETWORKING_SEND_UNRELIABLE_NO_NAGLE, 1),
              Result::OK);
    s.net.advance(1s);
  }
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connected);
  // Peek without emptying the queue: the unread messages must still be there.
  {
    std::vector<Message> one = s.a.receiveMessagesOnChannel(1, 1);
    unread_checked = one.size();
  }
  EXPECT_EQ(unread_checked, 1U);

  for (int i = 178; i < 186; ++i) {
    (void)send(s.b, kA, seqPayload(static_cast<std::uint32_t>(i), 100),
               NETWORKING_SEND_UNRELIABLE_NO_NAGLE, 1);
    s.net.advance(1s);
  }
  // A's session expired ~180 s after its last use, despite receiving every second; B's next
  // send started a new attempt, which A has not accepted.
  EXPECT_TRUE(s.log_a.failures.empty()) << "idle expiry posts no signal locally";
  ASSERT_EQ(s.log_a.requests.size(), 2U);
  EXPECT_TRUE(between(toSeconds(s.log_a.requests[1].at_us - t_connected), 179.9, 183.0));
  EXPECT_TRUE(drain(s.a, 1).empty()) << "unread messages survived the idle expiry";
}

TEST(Timeouts, B11_PeerWithUnackedDataSeesIdleTimeout1002) {
  Sim s;
  s.net.setLink(kB, kA, Link().latency(300));
  ASSERT_TRUE(s.connect());
  const std::int64_t t_connected = s.nowUs();
  // B keeps reliable data in flight towards A (acks take >300 ms, sends every 200 ms); A only
  // receives, so A's idle timer runs out.
  s.every(200ms, 950, [&] {
    (void)s.b.sendMessageToUser(kA, "tick", NETWORKING_SEND_RELIABLE_NO_NAGLE, 0);
    (void)drain(s.a, 0);
  });
  s.net.advance(178s);
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connected);
  EXPECT_TRUE(s.log_b.failures.empty());

  s.net.advance(7s);
  EXPECT_TRUE(s.log_a.failures.empty()) << "idle expiry posts no signal locally";
  ASSERT_EQ(s.log_b.failures.size(), 1U);
  expectFailure(s.log_b.failures[0], kIdleTimeout, kA, ConnectionState::ClosedByPeer,
                "Session Idle Timeout");
  EXPECT_TRUE(between(toSeconds(s.log_b.failures[0].at_us - t_connected), 179.5, 182.0));
  expectInfo(s.b, kA, ConnectionState::ClosedByPeer, kIdleTimeout, "Session Idle Timeout");
}

TEST(Timeouts, B11_ExpiryIsExtendedWhileReliableDataIsUnacked) {
  NetworkConfig config;
  config.timeout_connected = 400000ms;  // the cut below must not time the link out
  Sim s(config);
  ASSERT_TRUE(s.connect());
  const std::int64_t t0 = s.nowUs();
  s.net.advance(1s);
  s.net.setLink(kB, kA, Link().down());  // A's data is never acknowledged
  ASSERT_EQ(s.a.sendMessageToUser(kB, "unacked", NETWORKING_SEND_RELIABLE_NO_NAGLE, 0), Result::OK);
  // B keeps its own session in use (its sends are lost on the cut link).
  for (int i = 0; i < 198; ++i) {
    (void)s.b.sendMessageToUser(kA, "b", NETWORKING_SEND_UNRELIABLE, 0);
    s.net.advance(1s);
  }
  // ~199 s after A's last use: without the extension A would have expired at ~181 s.
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connected);
  EXPECT_GT(s.a.counters().retransmissions, 0U);

  s.net.clearLink(kB, kA);
  const std::int64_t t_heal = s.nowUs();
  ASSERT_GE(s.timeUntilLeaves(s.a, kB, ConnectionState::Connected, 5s), 0)
      << "acked and idle for 199 s, yet still open";
  EXPECT_TRUE(between(toSeconds(s.nowUs() - t_heal), 0.0, 3.0));
  EXPECT_GT(s.nowUs() - t0, 195 * kUsPerS);
  s.net.advance(100ms);
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::None);
  EXPECT_TRUE(s.log_a.failures.empty());
}

TEST(Timeouts, B11_ExpiryIsExtendedWhileAMessageIsHalfReceived) {
  NetworkConfig config;
  config.send_rate = 2048;  // a 40 kB message takes ~20 s
  Sim s(config);
  ASSERT_TRUE(s.connect());
  const std::int64_t t_connected = s.nowUs();
  s.net.advance(170s);
  // B sends (so B stays in use); A receives slowly across its idle expiry.
  ASSERT_EQ(send(s.b, kA, seqPayload(42, 40000), NETWORKING_SEND_RELIABLE, 6), Result::OK);
  Inbox inbox(s.a, {6});
  std::int64_t t_received = 0;
  ASSERT_TRUE(s.net.runUntil(
      [&] {
        inbox.poll();
        if (!inbox.got.empty() && t_received == 0) t_received = s.nowUs();
        return t_received != 0;
      },
      40s))
      << "session ended before the message completed";
  ASSERT_EQ(inbox.got.size(), 1U);
  EXPECT_TRUE(intact(inbox.got[0], 40000));
  EXPECT_GT(t_received - t_connected, 185 * kUsPerS) << "the transfer did not span the expiry";

  ASSERT_GE(s.timeUntilLeaves(s.a, kB, ConnectionState::Connected, 5s), 0);
  EXPECT_TRUE(between(toSeconds(s.nowUs() - t_received), 0.0, 2.0));
  EXPECT_TRUE(s.log_a.failures.empty());
}

// ---- B12: nothing heard for timeout_connected on a connected link ----

void expectDroppedWhileSending(NetworkConfig config, double lo_s, double hi_s) {
  Sim s(config);
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  s.every(50ms, 800, [&] {
    (void)s.a.sendMessageToUser(kB, "tick", NETWORKING_SEND_RELIABLE, 0);
    (void)drain(s.b, 0);
  });
  s.net.advance(1s);
  const std::int64_t t_cut = s.nowUs();
  s.net.partition({{kA}, {kB}});
  const std::int64_t waited = s.timeUntilLeaves(s.a, kB, ConnectionState::Connected, 30s);
  ASSERT_GE(waited, 0);
  EXPECT_TRUE(between(toSeconds(waited), lo_s, hi_s));
  expectInfo(s.a, kB, ConnectionState::ProblemDetectedLocally, kTimeout, "Connection dropped");
  s.net.advance(100ms);
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  expectFailure(s.log_a.failures[0], kTimeout, kB, ConnectionState::ProblemDetectedLocally,
                "Connection dropped");
  EXPECT_TRUE(between(toSeconds(s.log_a.failures[0].at_us - t_cut), lo_s, hi_s + 0.1));
}

TEST(Timeouts, B12_ConnectedLinkFailsAfterTimeoutConnected) {
  expectDroppedWhileSending(NetworkConfig{}, 9.95, 12.0);
}

TEST(Timeouts, B12_TimeoutConnectedIsConfigurable) {
  NetworkConfig config;
  config.timeout_connected = 3000ms;
  expectDroppedWhileSending(config, 2.95, 4.0);
}

// ---- B13: failure posted when entering 4/5, except a connected idle session resets silently

TEST(Timeouts, B13_IdlePeerVanishingResetsTheSessionSilently) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  s.net.crash(kB);
  const std::int64_t waited = s.timeUntilLeaves(s.a, kB, ConnectionState::Connected, 40s);
  ASSERT_GE(waited, 0) << "the vanished peer was never noticed";
  EXPECT_GT(toSeconds(waited), 9.95);
  s.net.advance(100ms);
  expectInfo(s.a, kB, ConnectionState::None, 0, "");
  EXPECT_TRUE(s.log_a.failures.empty()) << "an idle connected session must reset silently";

  // The next send reconnects (not ConnectFailed).
  s.net.restart(kB);
  s.log_b.auto_accept = true;
  ASSERT_EQ(s.a.sendMessageToUser(kB, "again", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  Inbox inbox(s.b, {0});
  ASSERT_TRUE(inbox.waitFor(s.net, 1, 3s));
  EXPECT_EQ(inbox.got[0].payload, bytesOf("again"));
  EXPECT_EQ(s.log_b.requests.size(), 2U);
  EXPECT_EQ(stateOf(s.a, kB), ConnectionState::Connected);
}

TEST(Timeouts, B13_HalfReceivedMessageMakesTheDropVisible) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  ASSERT_EQ(send(s.b, kA, seqPayload(1, 300000), NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(300ms);
  s.net.crash(kB);
  ASSERT_TRUE(s.net.runUntil([&] { return !s.log_a.failures.empty(); }, 40s));
  expectFailure(s.log_a.failures[0], kTimeout, kB, ConnectionState::ProblemDetectedLocally,
                "Connection dropped");
  expectInfo(s.a, kB, ConnectionState::ProblemDetectedLocally, kTimeout, "Connection dropped");
  EXPECT_EQ(s.a.sendMessageToUser(kB, "x", NETWORKING_SEND_RELIABLE, 0), Result::ConnectFailed);
}

TEST(Timeouts, B13_PeerCloseWhileIdleIsSilent) {
  Sim s;
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  ASSERT_TRUE(s.b.closeSessionWithUser(kA));
  s.net.advance(100ms);
  expectInfo(s.a, kB, ConnectionState::None, 0, "");
  EXPECT_TRUE(s.log_a.failures.empty());

  ASSERT_EQ(s.a.sendMessageToUser(kB, "again", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  Inbox inbox(s.b, {0});
  ASSERT_TRUE(inbox.waitFor(s.net, 1, 2s));
  EXPECT_EQ(s.log_b.requests.size(), 2U);
}

TEST(Timeouts, B13_PeerCloseWithUnackedDataPostsTheFailure) {
  Sim s;
  s.net.setDefaultLink(Link().latency(20));
  ASSERT_TRUE(s.connect());
  s.net.advance(1s);
  ASSERT_EQ(send(s.a, kB, seqPayload(1, 200000), NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(100ms);
  ASSERT_TRUE(s.b.closeSessionWithUser(kA));
  s.net.advance(200ms);
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  expectFailure(s.log_a.failures[0], static_cast<int>(ConnectionEnd::P2PSessionClosed), kB,
                ConnectionState::ClosedByPeer, "CloseSessionWithUser");
}

TEST(Timeouts, B13_FailureDuringHandshakeAlwaysPosts) {
  Sim s;
  ASSERT_EQ(s.a.sendMessageToUser(kNobody, "x", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(11s);
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  EXPECT_EQ(s.log_a.failures[0].reason, kTimeout);
  EXPECT_EQ(stateOf(s.a, kNobody), ConnectionState::ProblemDetectedLocally);
}

}  // namespace
}  // namespace steamsim::behaviour
