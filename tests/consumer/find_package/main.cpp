// Uses an installed steamsim: a simulated network (steamsim::sim) and the mock with its
// matchers (steamsim::mock).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include <steamsim/mock.hpp>
#include <steamsim/remote.hpp>
#include <steamsim/steamsim.hpp>

namespace {

using namespace std::chrono_literals;
using namespace steamsim;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;

TEST(FindPackageConsumer, SimulatedPeersExchangeAMessage) {
  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  b.onSessionRequest([&](SteamId remote) { b.acceptSessionWithUser(remote); });

  const std::vector<std::uint8_t> hello{'h', 'i'};
  ASSERT_EQ(a.sendMessageToUser(kB, hello, NETWORKING_SEND_RELIABLE, 0), Result::OK);
  std::vector<Message> received;
  ASSERT_TRUE(net.runUntil(
      [&] {
        received = b.receiveMessagesOnChannel(0, 8);
        return !received.empty();
      },
      5s));
  EXPECT_THAT(received, ::testing::ElementsAre(::testing::AllOf(PayloadEq("hi"), IsReliable())));
  EXPECT_EQ(toDictionary(received[0])["identity"].get<SteamId>(), kA);
}

TEST(FindPackageConsumer, MockWithMatchers) {
  ::testing::StrictMock<MockNetworkingMessages> net;
  EXPECT_CALL(net, sendMessageToUser(kB, PayloadEq("hi"), IsUnreliable(), 1))
      .WillOnce(::testing::Return(Result::OK));
  const std::vector<std::uint8_t> hi{'h', 'i'};
  EXPECT_EQ(net.sendMessageToUser(kB, hi, NETWORKING_SEND_UNRELIABLE, 1), Result::OK);
}

TEST(FindPackageConsumer, RemotePeerLinks) {
  RemoteOptions options;
  options.address = "127.0.0.1:1";  // no server there
  EXPECT_THROW(RemotePeer(options, kA), RemoteError);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleMock(&argc, argv);
  return RUN_ALL_TESTS();
}
