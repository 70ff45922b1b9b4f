// SPDX-License-Identifier: MIT
// Unit tests of the example Lobby against steamsim::MockNetworkingMessages: what it sends,
// how it reacts to signals and to the messages it receives. No network involved.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <steamsim/mock.hpp>

#include "lobby.hpp"

namespace example_game {
namespace {

using steamsim::ConnectionEnd;
using steamsim::ConnectionState;
using steamsim::FlagsInclude;
using steamsim::IsReliable;
using steamsim::IsUnreliable;
using steamsim::makeMessage;
using steamsim::makeSessionFailed;
using steamsim::Message;
using steamsim::MockNetworkingMessages;
using steamsim::NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION;
using steamsim::PayloadEq;
using steamsim::PayloadSize;
using steamsim::Result;
using ::testing::_;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::InSequence;
using ::testing::NiceMock;
using ::testing::Optional;
using ::testing::Return;
using ::testing::StrictMock;

constexpr SteamId kHost = 76561198000000001ULL;
constexpr SteamId kAlice = 76561198000000002ULL;
constexpr SteamId kBob = 76561198000000003ULL;
constexpr SteamId kCarol = 76561198000000004ULL;
constexpr SteamId kStranger = 76561198000000099ULL;

std::vector<Message> none() {
  return {};
}

// Reads that match no more specific expectation return nothing. (Once a method has an
// EXPECT_CALL, even a NiceMock reports calls matching none of them.)
void noMessagesByDefault(NiceMock<MockNetworkingMessages>& net) {
  EXPECT_CALL(net, receiveMessagesOnChannel(_, _)).WillRepeatedly(Return(none()));
}

// A host whose lobby already accepted `players`.
void admit(NiceMock<MockNetworkingMessages>& net, std::initializer_list<SteamId> players) {
  for (SteamId p : players) {
    EXPECT_CALL(net, acceptSessionWithUser(p)).WillOnce(Return(true));
    net.emitSessionRequest(p);
  }
}

// --- Host ---

TEST(LobbyHostTest, AcceptsEveryPlayerThatAsks) {
  NiceMock<MockNetworkingMessages> net;
  Lobby host(net, kHost, kHost);
  EXPECT_CALL(net, acceptSessionWithUser(kAlice)).WillOnce(Return(true));
  EXPECT_CALL(net, acceptSessionWithUser(kBob)).WillOnce(Return(true));
  net.emitSessionRequest(kAlice);
  net.emitSessionRequest(kBob);
  EXPECT_THAT(host.players(), ElementsAre(kAlice, kBob));
}

TEST(LobbyHostTest, DoesNotListAPlayerItCouldNotAccept) {
  NiceMock<MockNetworkingMessages> net;
  Lobby host(net, kHost, kHost);
  EXPECT_CALL(net, acceptSessionWithUser(kAlice)).WillOnce(Return(false));
  net.emitSessionRequest(kAlice);
  EXPECT_TRUE(host.players().empty());
}

TEST(LobbyHostTest, RelaysChatReliablyToEveryOtherPlayer) {
  NiceMock<MockNetworkingMessages> net;
  noMessagesByDefault(net);
  Lobby host(net, kHost, kHost);
  admit(net, {kAlice, kBob, kCarol});

  EXPECT_CALL(net, receiveMessagesOnChannel(kChatChannel, _))
      .WillOnce(Return(std::vector{makeMessage(kAlice, kChatChannel, "hi all")}));
  for (SteamId other : {kBob, kCarol}) {
    EXPECT_CALL(net, sendMessageToUser(other, PayloadEq(relayed(kAlice, "hi all")), IsReliable(),
                                       kChatChannel))
        .WillOnce(Return(Result::OK));
  }
  EXPECT_CALL(net, sendMessageToUser(kAlice, _, _, _)).Times(0);  // no echo
  host.poll();

  EXPECT_THAT(host.chat(), ElementsAre(ChatLine{kAlice, "hi all"}));
}

TEST(LobbyHostTest, RelaysNewestPositionsUnreliablyAndDropsStaleOnes) {
  NiceMock<MockNetworkingMessages> net;
  noMessagesByDefault(net);
  Lobby host(net, kHost, kHost);
  admit(net, {kAlice, kBob});

  const auto newer = positionBody(7, {1.5F, -2.0F});
  const auto older = positionBody(6, {0.0F, 0.0F});  // overtaken on the way
  EXPECT_CALL(net, receiveMessagesOnChannel(kPositionChannel, _))
      .WillOnce(Return(std::vector{makeMessage(kAlice, kPositionChannel, newer, false),
                                   makeMessage(kAlice, kPositionChannel, older, false)}));
  EXPECT_CALL(net,
              sendMessageToUser(kBob, AllOf(PayloadEq(relayed(kAlice, newer)), PayloadSize(20)),
                                IsUnreliable(), kPositionChannel))
      .WillOnce(Return(Result::OK));
  host.poll();

  EXPECT_THAT(host.positionOf(kAlice), Optional(Position{1.5F, -2.0F}));
}

TEST(LobbyHostTest, ChatOfItsOwnGoesToEveryPlayer) {
  NiceMock<MockNetworkingMessages> net;
  Lobby host(net, kHost, kHost);
  admit(net, {kAlice, kBob});
  for (SteamId player : {kAlice, kBob}) {
    EXPECT_CALL(net, sendMessageToUser(player, PayloadEq(relayed(kHost, "welcome")), IsReliable(),
                                       kChatChannel));
  }
  host.say("welcome");
}

TEST(LobbyHostTest, ForgetsAFailedPlayerUntilItAsksAgain) {
  NiceMock<MockNetworkingMessages> net;
  Lobby host(net, kHost, kHost);
  admit(net, {kAlice, kBob});

  net.emitSessionFailed(makeSessionFailed(kAlice, ConnectionEnd::Misc_Timeout,
                                          ConnectionState::ProblemDetectedLocally,
                                          "Connection dropped"));
  EXPECT_THAT(host.players(), ElementsAre(kBob));
  EXPECT_CALL(net, sendMessageToUser(kBob, _, _, kChatChannel));
  EXPECT_CALL(net, sendMessageToUser(kAlice, _, _, _)).Times(0);
  host.say("still there?");

  admit(net, {kAlice});
  EXPECT_THAT(host.players(), ElementsAre(kAlice, kBob));
}

// --- Player ---

TEST(LobbyPlayerTest, SaysHelloToTheHostWhenJoining) {
  StrictMock<MockNetworkingMessages> net;
  EXPECT_CALL(net, sendMessageToUser(kHost, PayloadEq("hello"),
                                     AllOf(IsReliable(), FlagsInclude(32)), kJoinChannel))
      .WillOnce(Return(Result::OK));
  Lobby player(net, kAlice, kHost);
  EXPECT_FALSE(player.isHost());
}

TEST(LobbyPlayerTest, AcceptsOnlyTheHost) {
  StrictMock<MockNetworkingMessages> net;
  EXPECT_CALL(net, sendMessageToUser(kHost, _, _, kJoinChannel)).WillOnce(Return(Result::OK));
  Lobby player(net, kAlice, kHost);

  net.emitSessionRequest(kStranger);  // StrictMock: an accept here would fail the test
  EXPECT_CALL(net, acceptSessionWithUser(kHost)).WillOnce(Return(true));
  net.emitSessionRequest(kHost);
}

TEST(LobbyPlayerTest, SendsChatReliablyAndPositionsUnreliablyToTheHost) {
  NiceMock<MockNetworkingMessages> net;
  Lobby player(net, kAlice, kHost);
  {
    InSequence in_order;
    EXPECT_CALL(net, sendMessageToUser(kHost, PayloadEq("gg"), IsReliable(), kChatChannel));
    EXPECT_CALL(net, sendMessageToUser(kHost, PayloadEq(positionBody(1, {1.0F, 2.0F})),
                                       IsUnreliable(), kPositionChannel));
    EXPECT_CALL(net, sendMessageToUser(kHost, PayloadEq(positionBody(2, {1.0F, 3.0F})),
                                       IsUnreliable(), kPositionChannel));
  }
  player.say("gg");
  player.moveTo({1.0F, 2.0F});
  player.moveTo({1.0F, 3.0F});
}

TEST(LobbyPlayerTest, ReadsWhatTheHostRelays) {
  NiceMock<MockNetworkingMessages> net;
  noMessagesByDefault(net);
  Lobby player(net, kAlice, kHost);
  EXPECT_CALL(net, receiveMessagesOnChannel(kChatChannel, _))
      .WillOnce(Return(std::vector{makeMessage(kHost, kChatChannel, relayed(kBob, "yo")),
                                   makeMessage(kHost, kChatChannel, relayed(kHost, "welcome"))}));
  EXPECT_CALL(net, receiveMessagesOnChannel(kPositionChannel, _))
      .WillOnce(Return(std::vector{makeMessage(
          kHost, kPositionChannel, relayed(kBob, positionBody(5, {3.0F, 4.0F})), false)}));
  player.poll();

  EXPECT_THAT(player.chat(), ElementsAre(ChatLine{kBob, "yo"}, ChatLine{kHost, "welcome"}));
  EXPECT_THAT(player.positionOf(kBob), Optional(Position{3.0F, 4.0F}));
  EXPECT_EQ(player.positionOf(kCarol), std::nullopt);
}

TEST(LobbyPlayerTest, IgnoresMessagesNotFromTheHostOrTooShort) {
  NiceMock<MockNetworkingMessages> net;
  noMessagesByDefault(net);
  Lobby player(net, kAlice, kHost);
  EXPECT_CALL(net, receiveMessagesOnChannel(kChatChannel, _))
      .WillOnce(Return(std::vector{makeMessage(kStranger, kChatChannel, relayed(kBob, "spam")),
                                   makeMessage(kHost, kChatChannel, {0x01, 0x02})}));
  player.poll();
  EXPECT_TRUE(player.chat().empty());
}

TEST(LobbyPlayerTest, ReconnectsWithAutoRestartAfterASessionFailure) {
  NiceMock<MockNetworkingMessages> net;
  EXPECT_CALL(net, sendMessageToUser(kHost, PayloadEq("hello"),
                                     FlagsInclude(NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION),
                                     kJoinChannel))
      .Times(2)  // joining, then reconnecting
      .WillRepeatedly(Return(Result::OK));
  Lobby player(net, kAlice, kHost);

  net.emitSessionFailed(makeSessionFailed(kHost));
  EXPECT_EQ(player.reconnects(), 1);
}

TEST(LobbyPlayerTest, IgnoresFailuresWithOtherPeers) {
  StrictMock<MockNetworkingMessages> net;
  EXPECT_CALL(net, sendMessageToUser(kHost, _, _, kJoinChannel)).WillOnce(Return(Result::OK));
  Lobby player(net, kAlice, kHost);
  net.emitSessionFailed(makeSessionFailed(kStranger));
  EXPECT_EQ(player.reconnects(), 0);
}

// --- poll ---

TEST(LobbyPollTest, RunsCallbacksThenDrainsEveryChannel) {
  StrictMock<MockNetworkingMessages> net;
  Lobby host(net, kHost, kHost);
  InSequence in_order;
  EXPECT_CALL(net, runCallbacks());
  EXPECT_CALL(net, receiveMessagesOnChannel(kChatChannel, kReceiveBatch)).WillOnce(Return(none()));
  EXPECT_CALL(net, receiveMessagesOnChannel(kPositionChannel, kReceiveBatch))
      .WillOnce(Return(none()));
  EXPECT_CALL(net, receiveMessagesOnChannel(kJoinChannel, kReceiveBatch)).WillOnce(Return(none()));
  host.poll();
}

TEST(LobbyPollTest, ReadsAgainWhileABatchComesBackFull) {
  NiceMock<MockNetworkingMessages> net;
  noMessagesByDefault(net);
  Lobby host(net, kHost, kHost);
  std::vector<Message> full(kReceiveBatch, makeMessage(kAlice, kChatChannel, "spam"));
  InSequence in_order;
  EXPECT_CALL(net, receiveMessagesOnChannel(kChatChannel, _)).WillOnce(Return(full));
  EXPECT_CALL(net, receiveMessagesOnChannel(kChatChannel, _))
      .WillOnce(Return(std::vector{makeMessage(kAlice, kChatChannel, "last")}));
  host.poll();  // a third read of channel 0 would be an unexpected call
  ASSERT_EQ(host.chat().size(), static_cast<std::size_t>(kReceiveBatch) + 1);
  EXPECT_EQ(host.chat().back().text, "last");
}

}  // namespace
}  // namespace example_game
