// SPDX-License-Identifier: MIT
// Numbers at the edges of their types and API misuse: huge timeouts and durations, a null
// payload pointer, and destroying the network from inside its own callbacks.

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>

#include <gtest/gtest.h>

#include "steamsim/network.hpp"

namespace steamsim {
namespace {

using namespace std::chrono_literals;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;

TEST(SimLimits, HugeTimeoutsAreRefusedByValidate) {
  NetworkConfig config;
  config.timeout_initial = std::chrono::milliseconds::max();
  config.timeout_connected = std::chrono::milliseconds(2147483648LL);
  config.idle_timeout = std::chrono::milliseconds::max();
  const auto problems = config.validate();
  ASSERT_EQ(problems.size(), 3U);
  EXPECT_EQ(problems[1], "timeout_connected must be within 1..2147483647 ms, got 2147483648");
  EXPECT_THROW(Network{config}, std::invalid_argument);
}

TEST(SimLimits, TheLargestTimeoutsWork) {
  NetworkConfig config;
  config.timeout_initial = std::chrono::milliseconds(2147483647);
  config.timeout_connected = std::chrono::milliseconds(2147483647);
  config.idle_timeout = std::chrono::milliseconds(2147483647);
  ASSERT_TRUE(config.validate().empty());
  Network net(config);
  Peer& a = net.addPeer(kA);
  int failures = 0;
  a.onSessionFailed([&](const SessionFailed&) { ++failures; });
  ASSERT_EQ(a.sendMessageToUser(kB + 7, "to nobody", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  net.advance(60s);
  EXPECT_EQ(failures, 0);  // an overflowed deadline would have failed it at once
  const auto info = a.getSessionConnectionInfo(kB + 7, true, false);
  ASSERT_TRUE(info.connection.has_value());
  EXPECT_EQ(info.connection->connection_state, ConnectionState::Connecting);
}

TEST(SimLimits, AdvanceByTheLargestDurationRunsEverythingAndStaysUsable) {
  Network net;
  const auto start = net.now();
  int ran = 0;
  net.schedule(start + 1s, [&] { ++ran; });
  net.advance(std::chrono::microseconds::max());
  EXPECT_EQ(ran, 1);
  const auto end = net.now();  // the end of time: tens of thousands of years later
  EXPECT_GT(end, start + std::chrono::hours(24 * 365 * 1000));
  net.schedule(end, [&] { ++ran; });
  net.advance(std::chrono::microseconds::max());
  EXPECT_EQ(ran, 2);
  net.advance(1s);  // no overflow: the clock stays at the end of time
  EXPECT_EQ(net.now(), end);
}

TEST(SimLimits, RunUntilWithTheLargestTimeoutWaitsForThePredicate) {
  Network net;
  bool done = false;
  net.schedule(net.now() + 5s, [&] { done = true; });
  EXPECT_TRUE(net.runUntil([&] { return done; }, std::chrono::microseconds::max()));
  EXPECT_FALSE(net.runUntil([] { return false; }, std::chrono::microseconds::min()));
}

TEST(SimLimits, ANullPayloadWithASizeIsInvalidParam) {
  Network net;
  Peer& a = net.addPeer(kA);
  net.addPeer(kB);
  const std::span<const std::uint8_t> null_data(static_cast<const std::uint8_t*>(nullptr), 16);
  EXPECT_EQ(a.sendMessageToUser(kB, null_data, NETWORKING_SEND_RELIABLE, 0), Result::InvalidParam);
  EXPECT_EQ(a.sendMessageToUser(kB, std::string_view(nullptr, 0), NETWORKING_SEND_RELIABLE, 0),
            Result::OK);  // an empty message may have no pointer at all
}

/// B's session-request handler (or a scheduled action) destroys the network.
class DestroyInside : public ::testing::TestWithParam<bool> {};

TEST_P(DestroyInside, ASignalHandlerMayDestroyTheNetwork) {
  NetworkConfig config;
  config.embed_callbacks = GetParam();
  auto net = std::make_unique<Network>(config);
  Peer& a = net->addPeer(kA);
  Peer& b = net->addPeer(kB);
  int requests = 0;
  b.onSessionRequest([&](SteamId) {
    ++requests;
    net.reset();
  });
  ASSERT_EQ(a.sendMessageToUser(kB, "hello", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  if (GetParam()) {
    EXPECT_FALSE(net->runUntil([&] { return requests > 0 && false; }, 5s));
  } else {
    Network* raw = net.get();
    raw->advance(1s);
    b.runCallbacks();  // the handler destroys the network while runCallbacks is running
  }
  EXPECT_EQ(net, nullptr);
  EXPECT_EQ(requests, 1);
}

TEST_P(DestroyInside, AScheduledActionMayDestroyTheNetwork) {
  NetworkConfig config;
  config.embed_callbacks = GetParam();
  auto net = std::make_unique<Network>(config);
  net->addPeer(kA);
  int later = 0;
  net->schedule(net->now() + 1s, [&] { net.reset(); });
  net->schedule(net->now() + 1s, [&] { ++later; });
  Network* raw = net.get();
  raw->advance(10s);
  EXPECT_EQ(net, nullptr);
  EXPECT_EQ(later, 0);  // nothing runs after the network is gone
}

INSTANTIATE_TEST_SUITE_P(Callbacks, DestroyInside, ::testing::Values(true, false),
                         [](const auto& param_info) { return param_info.param ? "embedded" : "polled"; });

}  // namespace
}  // namespace steamsim
