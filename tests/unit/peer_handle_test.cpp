// SPDX-License-Identifier: MIT
// Network::handle: a NetworkingMessages that game code may keep after the Network is gone.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include <steamsim/steamsim.hpp>

namespace steamsim {
namespace {

using namespace std::chrono_literals;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;

std::span<const std::uint8_t> bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(PeerHandle, ForwardsEveryCallAndSignalWhileTheNetworkLives) {
  Network net;
  net.addPeer(kA);
  net.addPeer(kB);
  std::shared_ptr<NetworkingMessages> a = net.handle(kA);
  std::shared_ptr<NetworkingMessages> b = net.handle(kB);
  int requests = 0;
  b->onSessionRequest([&](SteamId from) {
    ++requests;
    EXPECT_EQ(from, kA);
    EXPECT_TRUE(b->acceptSessionWithUser(from));
  });
  const std::string hello = "hello";
  EXPECT_EQ(a->sendMessageToUser(kB, bytes(hello), NETWORKING_SEND_RELIABLE, 3), Result::OK);
  net.advance(1s);
  EXPECT_EQ(requests, 1);
  const std::vector<Message> got = b->receiveMessagesOnChannel(3, 10);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(std::string(got[0].payload.begin(), got[0].payload.end()), hello);
  EXPECT_EQ(a->getSessionConnectionInfo(kB, false, false).connection_state,
            ConnectionState::Connected);
  EXPECT_TRUE(b->closeChannelWithUser(kA, 3));
}

TEST(PeerHandle, AnswersLikeSteamNotRunningOnceTheNetworkIsDestroyed) {
  std::shared_ptr<NetworkingMessages> a;
  {
    Network net;
    net.addPeer(kA);
    net.addPeer(kB);
    a = net.handle(kA);
    const std::string text = "x";
    ASSERT_EQ(a->sendMessageToUser(kB, bytes(text), NETWORKING_SEND_RELIABLE, 0), Result::OK);
    net.advance(1s);
  }
  const std::string text = "after";
  EXPECT_EQ(a->sendMessageToUser(kB, bytes(text), NETWORKING_SEND_RELIABLE, 0), Result::None);
  EXPECT_FALSE(a->acceptSessionWithUser(kB));
  EXPECT_FALSE(a->closeSessionWithUser(kB));
  EXPECT_FALSE(a->closeChannelWithUser(kB, 0));
  const SessionConnectionInfo info = a->getSessionConnectionInfo(kB, true, true);
  EXPECT_EQ(info.connection_state, ConnectionState::None);
  EXPECT_FALSE(info.connection.has_value());  // GodotSteam returns {} when Steam is not running
  EXPECT_FALSE(info.status.has_value());
  EXPECT_TRUE(a->receiveMessagesOnChannel(0, 10).empty());
  a->runCallbacks();  // nothing to deliver, no crash
}

TEST(PeerHandle, AHandleDroppedEarlyLeavesThePeerWorking) {
  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  net.handle(kB)->onSessionRequest([](SteamId) { FAIL() << "the handle is gone"; });
  int requests = 0;
  b.onSessionRequest([&](SteamId from) {
    ++requests;
    b.acceptSessionWithUser(from);
  });
  a.sendMessageToUser(kB, std::string_view("hi"), NETWORKING_SEND_RELIABLE, 0);
  net.advance(1s);
  EXPECT_EQ(requests, 1);
  EXPECT_EQ(b.receiveMessagesOnChannel(0, 10).size(), 1U);
}

TEST(PeerHandle, UnknownPeerThrows) {
  Network net;
  EXPECT_THROW(net.handle(kA), std::out_of_range);
}

}  // namespace
}  // namespace steamsim
