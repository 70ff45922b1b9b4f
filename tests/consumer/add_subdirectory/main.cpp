// SPDX-License-Identifier: MIT
// Uses steamsim added with add_subdirectory: a simulated network and the mock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include <steamsim/mock.hpp>
#include <steamsim/steamsim.hpp>

namespace {

using namespace std::chrono_literals;
using namespace steamsim;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;

TEST(AddSubdirectoryConsumer, SimulatedSessionRequestIsAccepted) {
  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  std::vector<SteamId> requests;
  b.onSessionRequest([&](SteamId remote) {
    requests.push_back(remote);
    b.acceptSessionWithUser(remote);
  });
  const std::vector<std::uint8_t> ping{0x01};
  ASSERT_EQ(a.sendMessageToUser(kB, ping, NETWORKING_SEND_RELIABLE, 0), Result::OK);
  ASSERT_TRUE(net.runUntil(
      [&] {
        return a.getSessionConnectionInfo(kB, false, false).connection_state ==
               ConnectionState::Connected;
      },
      5s));
  EXPECT_EQ(requests, std::vector<SteamId>{kA});
}

TEST(AddSubdirectoryConsumer, MockEmitsSignals) {
  ::testing::NiceMock<MockNetworkingMessages> net;
  EXPECT_CALL(net, acceptSessionWithUser(kA)).WillOnce(::testing::Return(true));
  net.onSessionRequest([&](SteamId remote) { net.acceptSessionWithUser(remote); });
  net.emitSessionRequest(kA);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleMock(&argc, argv);
  return RUN_ALL_TESTS();
}
