// The mock and the API as a game's unit tests use them: readable payloads in GoogleMock's
// failure messages, the text and byte-range overloads of sendMessageToUser, and signal
// handlers that can be disconnected.
#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "steamsim/mock.hpp"

namespace steamsim {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::NiceMock;
using ::testing::PrintToString;
using ::testing::StrictMock;

constexpr SteamId kHost = 76561198000000001ULL;

TEST(Printers, PayloadsPrintAsTextWhenPrintableElseAsHex) {
  const std::vector<std::uint8_t> text{'h', 'i'};
  const std::vector<std::uint8_t> binary{0x00, 0xff, 0x10};
  EXPECT_EQ(PrintToString(std::span<const std::uint8_t>(text)), "\"hi\" (2 bytes)");
  EXPECT_EQ(PrintToString(binary), "{0x00, 0xff, 0x10} (3 bytes)");
  EXPECT_EQ(PrintToString(Result::OK), "OK (1)");
  EXPECT_EQ(PrintToString(makeMessage(kHost, 2, "yo")),
            "Message{from 76561198000000001, channel 2, flags 8, \"yo\" (2 bytes)}");
}

TEST(Printers, AnUnexpectedCallShowsItsPayloadAsText) {
  EXPECT_NONFATAL_FAILURE(
      {
        StrictMock<MockNetworkingMessages> net;
        (void)net.sendMessageToUser(kHost, "hello", 0, 1);
      },
      "\"hello\" (5 bytes)");
}

TEST(SendOverloads, TextAndAnyContiguousByteRangeReachTheVirtualFunction) {
  StrictMock<MockNetworkingMessages> net;
  EXPECT_CALL(net, sendMessageToUser(kHost, PayloadEq("hello"), 8, 0)).WillOnce(
      ::testing::Return(Result::OK));
  EXPECT_CALL(net, sendMessageToUser(kHost, PayloadEq({1, 2, 3}), 0, 1))
      .Times(3)
      .WillRepeatedly(::testing::Return(Result::OK));
  EXPECT_EQ(net.sendMessageToUser(kHost, "hello", 8, 0), Result::OK);  // no terminating NUL
  const std::array<std::byte, 3> bytes{std::byte{1}, std::byte{2}, std::byte{3}};
  const std::vector<char> chars{1, 2, 3};
  const std::vector<std::uint8_t> u8{1, 2, 3};
  NetworkingMessages& seam = net;  // through the interface too
  EXPECT_EQ(seam.sendMessageToUser(kHost, bytes, 0, 1), Result::OK);
  EXPECT_EQ(seam.sendMessageToUser(kHost, chars, 0, 1), Result::OK);
  EXPECT_EQ(seam.sendMessageToUser(kHost, u8, 0, 1), Result::OK);
}

TEST(SignalConnections, TodaysCallsKeepTheirHandlerConnected) {
  NiceMock<MockNetworkingMessages> net;
  int calls = 0;
  net.onSessionRequest([&](SteamId) { ++calls; });
  net.emitSessionRequest(kHost);
  net.emitSessionRequest(kHost);
  EXPECT_EQ(calls, 2);
}

TEST(SignalConnections, AScopedConnectionDisconnectsOnDestruction) {
  NiceMock<MockNetworkingMessages> net;
  int requests = 0;
  int failures = 0;
  {
    ScopedSignalConnection a = net.onSessionRequest([&](SteamId) { ++requests; });
    ScopedSignalConnection b = net.onSessionFailed([&](const SessionFailed&) { ++failures; });
    EXPECT_TRUE(a.connected());
    net.emitSessionRequest(kHost);
    net.emitSessionFailed(makeSessionFailed(kHost));
  }
  net.emitSessionRequest(kHost);
  net.emitSessionFailed(makeSessionFailed(kHost));
  EXPECT_EQ(requests, 1);
  EXPECT_EQ(failures, 1);
}

TEST(SignalConnections, AGameObjectCapturingThisNeverDangles) {
  struct Game {
    explicit Game(NetworkingMessages& net)
        : connection(net.onSessionRequest([this](SteamId id) { seen.push_back(id); })) {}
    std::vector<SteamId> seen;
    ScopedSignalConnection connection;
  };
  NiceMock<MockNetworkingMessages> net;
  auto game = std::make_unique<Game>(net);
  net.emitSessionRequest(kHost);
  EXPECT_EQ(game->seen.size(), 1U);
  game.reset();
  net.emitSessionRequest(kHost);  // would call into the destroyed game without the handle
}

TEST(SignalConnections, AHandlerMayDisconnectItselfAndOthersWhileBeingCalled) {
  NiceMock<MockNetworkingMessages> net;
  std::vector<int> order;
  SignalConnection second;
  SignalConnection first = net.onSessionRequest([&](SteamId) {
    order.push_back(1);
    first.disconnect();
    second.disconnect();
  });
  second = net.onSessionRequest([&](SteamId) { order.push_back(2); });
  net.onSessionRequest([&](SteamId) { order.push_back(3); });
  net.emitSessionRequest(kHost);
  net.emitSessionRequest(kHost);
  EXPECT_EQ(order, (std::vector<int>{1, 3, 3}));
  EXPECT_FALSE(first.connected());
}

TEST(SignalConnections, AConnectionOutlivingItsObjectIsHarmless) {
  SignalConnection connection;
  {
    NiceMock<MockNetworkingMessages> net;
    connection = net.onSessionRequest([](SteamId) {});
    EXPECT_TRUE(connection.connected());
  }
  EXPECT_FALSE(connection.connected());
  connection.disconnect();
  ScopedSignalConnection released;
  EXPECT_FALSE(released.release().connected());
}

}  // namespace
}  // namespace steamsim
