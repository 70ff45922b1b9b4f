// Tests of steamsim::mock: every matcher, the Message/SessionFailed builders, the signal
// emitters, and use under NiceMock and StrictMock.
#include "steamsim/mock.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace steamsim {
namespace {

using ::testing::_;
using ::testing::AllOf;
using ::testing::DescribeMatcher;
using ::testing::ElementsAre;
using ::testing::ExplainMatchResult;
using ::testing::Ge;
using ::testing::InSequence;
using ::testing::Matcher;
using ::testing::NiceMock;
using ::testing::Not;
using ::testing::Return;
using ::testing::StrictMock;
using ::testing::StringMatchResultListener;
using ::testing::Value;

constexpr SteamId kHost = 76561198000000001ULL;
constexpr SteamId kAlice = 76561198000000002ULL;

using Bytes = std::vector<std::uint8_t>;
using Data = std::span<const std::uint8_t>;

Bytes bytes(std::string_view text) {
  return {text.begin(), text.end()};
}

// The same matcher, as the type it has in an EXPECT_CALL on sendMessageToUser's arguments.
template <typename M>
std::string explain(const M& matcher, Data data) {
  StringMatchResultListener listener;
  Matcher<Data>(matcher).MatchAndExplain(data, &listener);
  return listener.str();
}

// --- PayloadEq ---

TEST(PayloadEqTest, MatchesEqualBytesOnly) {
  const Bytes payload{0x00, 0xff, 0x10};
  const Matcher<Data> m = PayloadEq(Bytes{0x00, 0xff, 0x10});
  EXPECT_TRUE(m.Matches(payload));
  EXPECT_FALSE(m.Matches(Bytes{0x00, 0xff}));           // shorter
  EXPECT_FALSE(m.Matches(Bytes{0x00, 0xff, 0x10, 0}));  // longer
  EXPECT_FALSE(m.Matches(Bytes{0x00, 0xfe, 0x10}));     // one byte differs
}

TEST(PayloadEqTest, BraceListOfBytes) {
  const Matcher<Data> m = PayloadEq({0x01, 0x02});
  EXPECT_TRUE(m.Matches(Bytes{0x01, 0x02}));
  EXPECT_FALSE(m.Matches(Bytes{0x02, 0x01}));
}

TEST(PayloadEqTest, TextHasNoTerminatingNul) {
  const Matcher<Data> m = PayloadEq("hi");
  EXPECT_TRUE(m.Matches(bytes("hi")));
  EXPECT_FALSE(m.Matches(Bytes{'h', 'i', '\0'}));
  EXPECT_FALSE(m.Matches(bytes("ho")));
  EXPECT_TRUE(Matcher<Data>(PayloadEq("")).Matches(Bytes{}));
}

TEST(PayloadEqTest, MatchesVectorsAndMessages) {
  EXPECT_THAT(bytes("abc"), PayloadEq("abc"));
  EXPECT_THAT(makeMessage(kHost, 0, "abc"), PayloadEq("abc"));
  EXPECT_THAT(makeMessage(kHost, 0, "abc"), Not(PayloadEq("abd")));
}

TEST(PayloadEqTest, DescribesTextAndBytesReadably) {
  EXPECT_EQ(DescribeMatcher<Data>(PayloadEq("hello")), "payload is \"hello\" (5 bytes)");
  EXPECT_EQ(DescribeMatcher<Data>(PayloadEq({0x00, 0xab})), "payload is {0x00, 0xab} (2 bytes)");
  EXPECT_EQ(DescribeMatcher<Data>(PayloadEq("x"), /*negation=*/true),
            "payload isn't \"x\" (1 byte)");
}

TEST(PayloadEqTest, ExplainsWhereTheMismatchIs) {
  EXPECT_EQ(explain(PayloadEq("hello"), bytes("help!")),
            "whose payload is \"help!\" (5 bytes), first difference at byte 3");
}

// --- PayloadSize ---

TEST(PayloadSizeTest, MatchesSizeInBytes) {
  const Matcher<Data> m = PayloadSize(3);
  EXPECT_TRUE(m.Matches(bytes("abc")));
  EXPECT_FALSE(m.Matches(bytes("ab")));
  EXPECT_THAT(makeMessage(kHost, 0, {1, 2, 3}), PayloadSize(3));
}

TEST(PayloadSizeTest, TakesAMatcher) {
  const Matcher<Data> m = PayloadSize(Ge(2u));
  EXPECT_TRUE(m.Matches(bytes("ab")));
  EXPECT_FALSE(m.Matches(bytes("a")));
  EXPECT_EQ(DescribeMatcher<Data>(PayloadSize(Ge(2u))), "payload size is >= 2");
  EXPECT_EQ(explain(PayloadSize(4), bytes("a")), "whose payload size is 1");
}

// --- Flags ---

TEST(FlagsTest, FlagsIncludeNeedsEveryBit) {
  const Matcher<int> restart = FlagsInclude(NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION);
  EXPECT_TRUE(restart.Matches(NETWORKING_SEND_RELIABLE | 32));
  EXPECT_FALSE(restart.Matches(NETWORKING_SEND_RELIABLE));
  const Matcher<int> both = FlagsInclude(NETWORKING_SEND_RELIABLE_NO_NAGLE);
  EXPECT_TRUE(both.Matches(9));
  EXPECT_TRUE(both.Matches(9 | 32));
  EXPECT_FALSE(both.Matches(8));
  EXPECT_FALSE(both.Matches(1));
  EXPECT_EQ(DescribeMatcher<int>(FlagsInclude(32)), "flags include all of 32");
}

TEST(FlagsTest, ReliableIsBitEight) {
  for (int flags : {8, 9, 8 | 4, 8 | 32}) {
    EXPECT_TRUE(Value(flags, IsReliable())) << flags;
    EXPECT_FALSE(Value(flags, IsUnreliable())) << flags;
  }
  for (int flags : {0, 1, 4, 5, 16, 32}) {
    EXPECT_FALSE(Value(flags, IsReliable())) << flags;
    EXPECT_TRUE(Value(flags, IsUnreliable())) << flags;
  }
}

TEST(FlagsTest, MatchMessages) {
  EXPECT_THAT(makeMessage(kHost, 0, "r", /*reliable=*/true), IsReliable());
  EXPECT_THAT(makeMessage(kHost, 0, "u", /*reliable=*/false), IsUnreliable());
  StringMatchResultListener listener;
  EXPECT_FALSE(ExplainMatchResult(IsReliable(), makeMessage(kHost, 0, "u", false), &listener));
  EXPECT_EQ(listener.str(), "whose flags are 0");
}

// --- Builders ---

TEST(MakeMessageTest, FillsWhatReceiveReturns) {
  const Message m = makeMessage(kAlice, 3, "hello");
  EXPECT_EQ(m.payload, bytes("hello"));
  EXPECT_EQ(m.size, 5);
  EXPECT_EQ(m.identity, kAlice);
  EXPECT_EQ(m.channel, 3);
  EXPECT_EQ(m.flags, NETWORKING_SEND_RELIABLE);
  EXPECT_EQ(m.connection, 0u);
  EXPECT_EQ(m.message_number, 0);

  const Bytes raw{0x00, 0x01};
  const Message b = makeMessage(kHost, -7, raw, /*reliable=*/false);
  EXPECT_EQ(b.payload, raw);
  EXPECT_EQ(b.size, 2);
  EXPECT_EQ(b.channel, -7);
  EXPECT_EQ(b.flags, 0);

  EXPECT_EQ(makeMessage(kHost, 0, {0x00, 0x02}).payload, (Bytes{0x00, 0x02}));
}

TEST(MakeSessionFailedTest, DefaultIsAConnectTimeout) {
  const SessionFailed f = makeSessionFailed(kHost);
  EXPECT_EQ(f.reason, 5003);
  EXPECT_EQ(f.remote_steam_id, kHost);
  EXPECT_EQ(f.connection_state, ConnectionState::ProblemDetectedLocally);
  EXPECT_EQ(f.debug_message, "Timed out attempting to connect");
}

TEST(MakeSessionFailedTest, TakesEveryField) {
  const SessionFailed f = makeSessionFailed(kAlice, ConnectionEnd::P2PSessionClosed,
                                            ConnectionState::ClosedByPeer, "CloseSessionWithUser");
  EXPECT_EQ(f.reason, 1001);
  EXPECT_EQ(f.remote_steam_id, kAlice);
  EXPECT_EQ(f.connection_state, ConnectionState::ClosedByPeer);
  EXPECT_EQ(f.debug_message, "CloseSessionWithUser");
}

// --- Signals ---

TEST(EmitTest, SessionRequestFiresEveryHandlerInOrder) {
  NiceMock<MockNetworkingMessages> net;
  std::vector<std::pair<char, SteamId>> calls;  // (handler, argument)
  net.onSessionRequest([&](SteamId id) { calls.emplace_back('a', id); });
  net.onSessionRequest([&](SteamId id) { calls.emplace_back('b', id); });
  net.onSessionRequest([&](SteamId id) { calls.emplace_back('c', id); });
  net.emitSessionRequest(7);
  net.emitSessionRequest(9);
  EXPECT_THAT(calls, ElementsAre(std::pair{'a', 7ULL}, std::pair{'b', 7ULL}, std::pair{'c', 7ULL},
                                 std::pair{'a', 9ULL}, std::pair{'b', 9ULL}, std::pair{'c', 9ULL}));
}

TEST(EmitTest, SessionFailedFiresEveryHandlerInOrderWithAllArguments) {
  NiceMock<MockNetworkingMessages> net;
  std::vector<int> order;
  std::vector<SessionFailed> seen;
  net.onSessionFailed([&](const SessionFailed& f) {
    order.push_back(1);
    seen.push_back(f);
  });
  net.onSessionFailed([&](const SessionFailed&) { order.push_back(2); });
  net.emitSessionFailed(makeSessionFailed(kAlice, ConnectionEnd::Misc_Timeout,
                                          ConnectionState::ClosedByPeer, "peer timed out"));
  EXPECT_THAT(order, ElementsAre(1, 2));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].reason, 5003);
  EXPECT_EQ(seen[0].remote_steam_id, kAlice);
  EXPECT_EQ(seen[0].connection_state, ConnectionState::ClosedByPeer);
  EXPECT_EQ(seen[0].debug_message, "peer timed out");
}

TEST(EmitTest, SignalsDoNotCrossOver) {
  NiceMock<MockNetworkingMessages> net;
  int requests = 0;
  int failures = 0;
  net.onSessionRequest([&](SteamId) { ++requests; });
  net.onSessionFailed([&](const SessionFailed&) { ++failures; });
  net.emitSessionFailed(makeSessionFailed(kHost));
  EXPECT_EQ(requests, 0);
  EXPECT_EQ(failures, 1);
  net.emitSessionRequest(kHost);
  EXPECT_EQ(requests, 1);
  EXPECT_EQ(failures, 1);
}

TEST(EmitTest, WithoutHandlersIsANoOp) {
  StrictMock<MockNetworkingMessages> net;  // emitting calls no mocked function
  net.emitSessionRequest(kAlice);
  net.emitSessionFailed(makeSessionFailed(kAlice));
}

TEST(EmitTest, HandlersMayCallBackIntoTheMock) {
  StrictMock<MockNetworkingMessages> net;
  NetworkingMessages& api = net;  // game code sees only the interface
  api.onSessionRequest([&](SteamId id) { api.acceptSessionWithUser(id); });
  api.onSessionFailed([&](const SessionFailed& f) {
    const Bytes hello = bytes("hello");
    api.sendMessageToUser(f.remote_steam_id, hello,
                          NETWORKING_SEND_RELIABLE | NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION,
                          2);
  });
  {
    InSequence seq;
    EXPECT_CALL(net, acceptSessionWithUser(kAlice)).WillOnce(Return(true));
    EXPECT_CALL(
        net, sendMessageToUser(kHost, PayloadEq("hello"), AllOf(IsReliable(), FlagsInclude(32)), 2))
        .WillOnce(Return(Result::OK));
  }
  net.emitSessionRequest(kAlice);
  net.emitSessionFailed(makeSessionFailed(kHost));
}

// --- NiceMock / StrictMock ---

TEST(MockTest, NiceMockAnswersLikeAHealthySteam) {
  NiceMock<MockNetworkingMessages> net;
  EXPECT_TRUE(net.receiveMessagesOnChannel(0, 10).empty());
  EXPECT_EQ(net.sendMessageToUser(kHost, bytes("x"), 0, 0), Result::OK);
  EXPECT_TRUE(net.acceptSessionWithUser(kHost));
  EXPECT_TRUE(net.closeSessionWithUser(kHost));
  EXPECT_TRUE(net.closeChannelWithUser(kHost, 3));
  EXPECT_EQ(net.getSessionConnectionInfo(kHost, true, true).connection_state,
            ConnectionState::None);
  net.runCallbacks();
}

TEST(MockTest, ATestCanStillOverrideTheDefaults) {
  NiceMock<MockNetworkingMessages> net;
  ON_CALL(net, sendMessageToUser(_, _, _, _)).WillByDefault(Return(Result::ConnectFailed));
  EXPECT_CALL(net, acceptSessionWithUser(kAlice)).WillOnce(Return(false));
  EXPECT_EQ(net.sendMessageToUser(kHost, bytes("x"), 0, 0), Result::ConnectFailed);
  EXPECT_FALSE(net.acceptSessionWithUser(kAlice));
}

TEST(MockTest, NiceMockWithMatchersAndReturnedMessages) {
  NiceMock<MockNetworkingMessages> net;
  EXPECT_CALL(net, receiveMessagesOnChannel(1, _))
      .WillOnce(Return(std::vector{makeMessage(kAlice, 1, "a", false), makeMessage(kHost, 1, "b")}))
      .WillRepeatedly(Return(std::vector<Message>{}));
  EXPECT_CALL(net, sendMessageToUser(kAlice, PayloadSize(Ge(1u)), IsUnreliable(), 1))
      .WillOnce(Return(Result::OK));

  EXPECT_THAT(
      net.receiveMessagesOnChannel(1, 16),
      ElementsAre(AllOf(PayloadEq("a"), IsUnreliable()), AllOf(PayloadEq("b"), IsReliable())));
  EXPECT_TRUE(net.receiveMessagesOnChannel(1, 16).empty());  // drained
  EXPECT_EQ(net.sendMessageToUser(kAlice, bytes("pos"), NETWORKING_SEND_UNRELIABLE, 1), Result::OK);
}

TEST(MockTest, StrictMockAcceptsMatchingCalls) {
  StrictMock<MockNetworkingMessages> net;
  EXPECT_CALL(net, sendMessageToUser(kHost, PayloadEq({0x2a}), FlagsInclude(8), 0))
      .WillOnce(Return(Result::OK));
  const Bytes payload{0x2a};
  EXPECT_EQ(net.sendMessageToUser(kHost, payload, NETWORKING_SEND_RELIABLE_NO_NAGLE, 0),
            Result::OK);
}

TEST(MockTest, StrictMockReportsMismatchWithTheMatcherDescription) {
  StrictMock<MockNetworkingMessages> net;
  EXPECT_CALL(net, sendMessageToUser(kHost, PayloadEq("hello"), IsReliable(), 0))
      .Times(::testing::AnyNumber());
  const Bytes wrong = bytes("bye");
  EXPECT_NONFATAL_FAILURE(net.sendMessageToUser(kHost, wrong, NETWORKING_SEND_RELIABLE, 0),
                          "payload is \"hello\" (5 bytes)");
  EXPECT_NONFATAL_FAILURE(net.sendMessageToUser(kHost, bytes("hello"), 0, 0),
                          "is reliable (flag 8 set)");
}

TEST(MockTest, StrictMockRejectsUninterestingCalls) {
  StrictMock<MockNetworkingMessages> net;
  EXPECT_NONFATAL_FAILURE(net.runCallbacks(), "Uninteresting mock function call");
}

}  // namespace
}  // namespace steamsim
