// The behaviour rules that make sense across processes, run twice from one body: against
// in-process peers and against RemotePeers attached through the server. Both must give the
// same answers: the protocol carries exactly what the in-process call returns.

#include "remote_support.hpp"

namespace steamsim::remote_test {
namespace {

class RemoteBehaviour : public ::testing::TestWithParam<Mode> {
 protected:
  Harness h{GetParam()};
};

TEST_P(RemoteBehaviour, B1_FirstSendCreatesTheSessionAndReturnsOK) {
  NetworkingMessages& a = h.peer(kA);
  h.peer(kB);
  EXPECT_EQ(stateOf(a, kB), ConnectionState::None);
  EXPECT_EQ(send(a, kB, bytesOf("hi"), NETWORKING_SEND_RELIABLE), Result::OK);
  const ConnectionState s = stateOf(a, kB);
  EXPECT_TRUE(s == ConnectionState::Connecting || s == ConnectionState::Connected) << s;
}

TEST_P(RemoteBehaviour, B2_B4_OneRequestPerAttemptNothingBeforeAcceptThenAllInOrder) {
  NetworkingMessages& a = h.peer(kA);
  NetworkingMessages& b = h.peer(kB);
  for (std::uint32_t i = 1; i <= 5; ++i) {
    ASSERT_EQ(send(a, kB, seqPayload(i, 32), NETWORKING_SEND_UNRELIABLE, 2), Result::OK);
  }
  ASSERT_TRUE(h.waitUntil([&] { return !h.log(kB).requests.empty(); }));
  EXPECT_TRUE(b.receiveMessagesOnChannel(2, 10).empty()) << "delivered before accept";
  EXPECT_EQ(h.log(kB).requests, std::vector<SteamId>{kA});
  EXPECT_TRUE(b.acceptSessionWithUser(kA));
  const auto got = h.receive(kB, 2, 5);
  ASSERT_EQ(got.size(), 5U);
  for (std::uint32_t i = 0; i < 5; ++i) {
    EXPECT_EQ(seqOf(got[i]), i + 1);
    EXPECT_EQ(got[i].flags, NETWORKING_SEND_RELIABLE) << "queued before Connected: reliable";
  }
  h.pump();
  EXPECT_EQ(h.log(kB).requests.size(), 1U);
}

TEST_P(RemoteBehaviour, B3_AcceptReturnValues) {
  NetworkingMessages& a = h.peer(kA);
  NetworkingMessages& b = h.peer(kB);
  EXPECT_FALSE(b.acceptSessionWithUser(kA)) << "no session";
  ASSERT_EQ(send(a, kB, bytesOf("x"), NETWORKING_SEND_RELIABLE), Result::OK);
  ASSERT_TRUE(h.waitUntil([&] { return !h.log(kB).requests.empty(); }));
  EXPECT_TRUE(b.acceptSessionWithUser(kA)) << "pending";
  EXPECT_TRUE(b.acceptSessionWithUser(kA)) << "already active";
  EXPECT_TRUE(a.acceptSessionWithUser(kB)) << "self-initiated";
}

TEST_P(RemoteBehaviour, B6_B7_UnacceptedRequestFailsThenConnectFailedUntilAutoRestart) {
  NetworkingMessages& a = h.peer(kA);
  h.peer(kB);  // never accepts
  ASSERT_EQ(send(a, kB, bytesOf("x"), NETWORKING_SEND_RELIABLE), Result::OK);
  ASSERT_TRUE(h.waitUntil([&] { return !h.log(kA).failures.empty(); }));
  const SessionFailed& f = h.log(kA).failures[0];
  EXPECT_EQ(f.remote_steam_id, kB);
  EXPECT_EQ(f.reason, static_cast<int>(ConnectionEnd::Misc_Timeout));
  EXPECT_TRUE(f.connection_state == ConnectionState::ProblemDetectedLocally ||
              f.connection_state == ConnectionState::ClosedByPeer);
  EXPECT_EQ(send(a, kB, bytesOf("y"), NETWORKING_SEND_RELIABLE), Result::ConnectFailed);
  const auto info = a.getSessionConnectionInfo(kB, true, false);
  ASSERT_TRUE(info.connection);
  EXPECT_EQ(info.connection->end_reason, 5003);
  EXPECT_FALSE(info.connection->end_debug.empty());
  EXPECT_EQ(send(a, kB, bytesOf("z"),
                 NETWORKING_SEND_RELIABLE | NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION),
            Result::OK);
  EXPECT_EQ(a.getSessionConnectionInfo(kB, true, false).connection->end_reason, 0);
}

TEST_P(RemoteBehaviour, B8_NoSessionReportsNoneWithEveryRequestedPartPresent) {
  NetworkingMessages& a = h.peer(kA);
  const auto info = a.getSessionConnectionInfo(kNobody, true, true);
  EXPECT_EQ(info.connection_state, ConnectionState::None);
  ASSERT_TRUE(info.connection);
  ASSERT_TRUE(info.status);
  EXPECT_EQ(info.connection->identity, 0U);
  EXPECT_EQ(info.status->ping, 0);
  const auto none = a.getSessionConnectionInfo(kNobody, false, false);
  EXPECT_FALSE(none.connection);
  EXPECT_FALSE(none.status);
}

TEST_P(RemoteBehaviour, B9_B14_CloseSessionThePeerSeesClosedByPeer1001) {
  ASSERT_TRUE(h.connect(kA, kB));
  NetworkingMessages& a = h.peer(kA);
  NetworkingMessages& b = h.peer(kB);
  EXPECT_FALSE(b.closeSessionWithUser(kNobody));
  // A big reliable message half-received by A makes its failure visible (B13).
  const auto datagrams = [&] { return h.network().peer(kA).counters().datagrams_received; };
  const std::uint64_t before = datagrams();
  ASSERT_EQ(send(b, kA, seqPayload(7, 300000), NETWORKING_SEND_RELIABLE, 4), Result::OK);
  ASSERT_TRUE(h.waitUntil([&] { return datagrams() >= before + 20; }));
  EXPECT_TRUE(b.closeSessionWithUser(kA));
  EXPECT_EQ(stateOf(b, kA), ConnectionState::None);
  ASSERT_TRUE(h.waitUntil([&] { return !h.log(kA).failures.empty(); }));
  const SessionFailed& f = h.log(kA).failures[0];
  EXPECT_EQ(f.reason, 1001);
  EXPECT_EQ(f.connection_state, ConnectionState::ClosedByPeer);
  EXPECT_EQ(f.debug_message, "CloseSessionWithUser");
  const auto info = a.getSessionConnectionInfo(kB, true, false);
  EXPECT_EQ(info.connection->connection_state, ConnectionState::ClosedByPeer);
  EXPECT_EQ(info.connection->end_reason, 1001);
}

TEST_P(RemoteBehaviour, B10_CloseChannelOnlyForAChannelReceivedOn) {
  ASSERT_TRUE(h.connect(kA, kB));
  NetworkingMessages& a = h.peer(kA);
  NetworkingMessages& b = h.peer(kB);
  ASSERT_EQ(send(a, kB, bytesOf("one"), NETWORKING_SEND_RELIABLE, 5), Result::OK);
  ASSERT_EQ(send(a, kB, bytesOf("two"), NETWORKING_SEND_RELIABLE, 6), Result::OK);
  ASSERT_TRUE(h.waitUntil(
      [&] { return h.network().peer(kB).counters().messages_received >= 3; }));  // + hello
  EXPECT_FALSE(a.closeChannelWithUser(kB, 5)) << "sending does not open a channel";
  EXPECT_TRUE(b.closeChannelWithUser(kA, 5));
  EXPECT_TRUE(b.receiveMessagesOnChannel(5, 10).empty()) << "unread discarded";
  EXPECT_EQ(h.receive(kB, 6, 1).size(), 1U);
}

TEST_P(RemoteBehaviour, B12_PartitionWithUnackedDataGives5003ConnectionDropped) {
  ASSERT_TRUE(h.connect(kA, kB));
  NetworkingMessages& a = h.peer(kA);
  h.partition({{kA}, {kB}});
  ASSERT_EQ(send(a, kB, bytesOf("lost"), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  ASSERT_TRUE(h.waitUntil([&] { return !h.log(kA).failures.empty(); }));
  const SessionFailed& f = h.log(kA).failures[0];
  EXPECT_EQ(f.reason, 5003);
  EXPECT_EQ(f.connection_state, ConnectionState::ProblemDetectedLocally);
  EXPECT_EQ(f.debug_message, "Connection dropped");
  h.heal();
}

TEST_P(RemoteBehaviour, B15_ReliableExactlyOnceInOrderUnderLossAndDuplication) {
  ASSERT_TRUE(h.connect(kA, kB));
  LinkConditions bad;
  bad.loss_pct = 20;
  bad.duplicate_pct = 20;
  h.setLink(kA, kB, bad);
  h.setLink(kB, kA, bad);
  NetworkingMessages& a = h.peer(kA);
  for (std::uint32_t i = 1; i <= 200; ++i) {
    ASSERT_EQ(send(a, kB, seqPayload(i, 64), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  }
  const auto got = h.receive(kB, 1, 200, 10s);
  ASSERT_EQ(got.size(), 200U);
  for (std::uint32_t i = 0; i < 200; ++i) EXPECT_EQ(seqOf(got[i]), i + 1);
}

TEST_P(RemoteBehaviour, B16_UnreliableDuplicatesSuppressed) {
  ASSERT_TRUE(h.connect(kA, kB));
  LinkConditions dup;
  dup.duplicate_pct = 50;
  h.setLink(kA, kB, dup);
  NetworkingMessages& a = h.peer(kA);
  for (std::uint32_t i = 1; i <= 50; ++i) {
    ASSERT_EQ(send(a, kB, seqPayload(i, 64), NETWORKING_SEND_UNRELIABLE_NO_NAGLE, 1), Result::OK);
  }
  ASSERT_EQ(send(a, kB, bytesOf("end"), NETWORKING_SEND_RELIABLE_NO_NAGLE, 2), Result::OK);
  ASSERT_EQ(h.receive(kB, 2, 1).size(), 1U);
  std::vector<Message> got;
  h.waitUntil(
      [&] {
        for (Message& m : h.peer(kB).receiveMessagesOnChannel(1, 256)) got.push_back(std::move(m));
        return got.size() >= 50;
      },
      1s);
  std::set<std::uint32_t> seen;
  for (const Message& m : got) EXPECT_TRUE(seen.insert(seqOf(m)).second) << "duplicate";
  EXPECT_EQ(got.size(), 50U) << "no loss configured";
}

TEST_P(RemoteBehaviour, B17_InvalidParamAndLargeMessagesReassembled) {
  ASSERT_TRUE(h.connect(kA, kB));
  NetworkingMessages& a = h.peer(kA);
  EXPECT_EQ(send(a, 0, bytesOf("x"), NETWORKING_SEND_RELIABLE), Result::InvalidParam);
  EXPECT_EQ(send(a, kB, std::vector<std::uint8_t>(524289), NETWORKING_SEND_RELIABLE),
            Result::InvalidParam);
  const auto big = seqPayload(9, 524288);
  ASSERT_EQ(send(a, kB, big, NETWORKING_SEND_RELIABLE, 3), Result::OK);
  const auto got = h.receive(kB, 3, 1, 10s);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].payload, big);
  EXPECT_EQ(got[0].size, 524288);
}

TEST_P(RemoteBehaviour, B18_SendBufferFullReturnsLimitExceeded) {
  ASSERT_TRUE(h.connect(kA, kB));
  NetworkingMessages& a = h.peer(kA);
  ASSERT_EQ(send(a, kB, seqPayload(1, 400000), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  EXPECT_EQ(send(a, kB, seqPayload(2, 200000), NETWORKING_SEND_RELIABLE, 1), Result::LimitExceeded);
  EXPECT_EQ(stateOf(a, kB), ConnectionState::Connected);
}

TEST_P(RemoteBehaviour, B21_ReceivedMessageFields) {
  ASSERT_TRUE(h.connect(kA, kB));  // the hello was message 1
  NetworkingMessages& a = h.peer(kA);
  ASSERT_EQ(send(a, kB, bytesOf("rel"), NETWORKING_SEND_RELIABLE, 7), Result::OK);
  ASSERT_EQ(send(a, kB, bytesOf("unrel"), NETWORKING_SEND_UNRELIABLE, 7), Result::OK);
  const auto got = h.receive(kB, 7, 2);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0].payload, bytesOf("rel"));
  EXPECT_EQ(got[0].size, 3);
  EXPECT_EQ(got[0].connection, 0U);
  EXPECT_EQ(got[0].identity, kA);
  EXPECT_EQ(got[0].message_number, 2);
  EXPECT_EQ(got[0].flags, 8);
  EXPECT_EQ(got[0].channel, 7);
  EXPECT_EQ(got[0].receiver_user_data, 0);
  EXPECT_EQ(got[0].sender_user_data, 0);
  EXPECT_GT(got[0].time_received, 0);
  EXPECT_EQ(got[1].message_number, 3);
  EXPECT_EQ(got[1].flags, 0);
}

TEST_P(RemoteBehaviour, B22_MaxMessagesBoundsTheBatch) {
  ASSERT_TRUE(h.connect(kA, kB));
  NetworkingMessages& a = h.peer(kA);
  NetworkingMessages& b = h.peer(kB);
  for (std::uint32_t i = 1; i <= 6; ++i) {
    ASSERT_EQ(send(a, kB, seqPayload(i, 16), NETWORKING_SEND_RELIABLE_NO_NAGLE, -3), Result::OK);
  }
  ASSERT_TRUE(h.waitUntil(
      [&] { return h.network().peer(kB).counters().messages_received >= 7; }));  // + hello
  EXPECT_TRUE(b.receiveMessagesOnChannel(-3, 0).empty());
  EXPECT_TRUE(b.receiveMessagesOnChannel(-3, -1).empty());
  const auto first = b.receiveMessagesOnChannel(-3, 4);
  ASSERT_EQ(first.size(), 4U);
  EXPECT_EQ(seqOf(first[0]), 1U);
  const auto rest = h.receive(kB, -3, 2);
  ASSERT_EQ(rest.size(), 2U);
  EXPECT_EQ(seqOf(rest[0]), 5U);
}

TEST_P(RemoteBehaviour, B23_ConnectionInfoFields) {
  ASSERT_TRUE(h.connect(kA, kB));
  const auto info = h.peer(kA).getSessionConnectionInfo(kB, true, true);
  EXPECT_EQ(info.connection_state, ConnectionState::Connected);
  ASSERT_TRUE(info.connection);
  EXPECT_EQ(info.connection->identity, kB);
  EXPECT_EQ(info.connection->user_data, -1);
  EXPECT_EQ(info.connection->listen_socket, 0U);
  EXPECT_EQ(info.connection->remote_address, "127.0.0.1");
  EXPECT_NE(info.connection->debug_description.find("steamid:" + std::to_string(kB)),
            std::string::npos);
  EXPECT_EQ(info.connection->info_flags, 8);
  ASSERT_TRUE(info.status);
  EXPECT_EQ(info.status->state, ConnectionState::Connected);
  EXPECT_EQ(info.status->send_rate, 262144);
}

TEST_P(RemoteBehaviour, B25_SignalsDeliveredInTheOrderTheyOccurred) {
  NetworkingMessages& a = h.peer(kA);
  NetworkingMessages& c = h.peer(kC);
  h.peer(kB);
  ASSERT_EQ(send(a, kB, bytesOf("from a"), NETWORKING_SEND_RELIABLE), Result::OK);
  ASSERT_TRUE(
      h.network().runUntil([&] { return h.network().peer(kB).pendingCallbacks() >= 1; }, 3s));
  ASSERT_EQ(send(c, kB, bytesOf("from c"), NETWORKING_SEND_RELIABLE), Result::OK);
  ASSERT_TRUE(
      h.network().runUntil([&] { return h.network().peer(kB).pendingCallbacks() >= 2; }, 3s));
  h.peer(kB).runCallbacks();
  EXPECT_EQ(h.log(kB).sequence, (std::vector<std::string>{"request " + std::to_string(kA),
                                                          "request " + std::to_string(kC)}));
}

INSTANTIATE_TEST_SUITE_P(Both, RemoteBehaviour, ::testing::Values(Mode::InProcess, Mode::Remote),
                         modeName);

}  // namespace
}  // namespace steamsim::remote_test
