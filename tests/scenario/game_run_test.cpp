// runScenarioWith: a scenario file on the caller's own Network and game objects.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "steamsim/scenario.hpp"

namespace steamsim::scenario {
namespace {

Scenario load(const std::string& file) {
  LoadResult loaded = loadScenarioFile(std::string(STEAMSIM_SCENARIO_LIBRARY_DIR) + "/" + file);
  EXPECT_TRUE(loaded.ok());
  return *loaded.scenario;
}

std::unique_ptr<GamePeer> builtIn(GamePeerContext&) {
  return nullptr;
}

TEST(GameRun, WithoutGameObjectsItIsExactlyTheCommandLinesRun) {
  for (const char* file : {"partition_during_reliable_stream.json", "crash_and_restart.json",
                           "manual_accept.json"}) {
    const Scenario s = load(file);
    for (std::uint64_t seed : {s.seed, std::uint64_t{11}}) {
      RunOptions options;
      options.seed = seed;
      const RunResult expected = runScenario(s, options);
      Network net(s.networkConfig(seed));
      const RunResult got = runScenarioWith(net, s, builtIn, options);
      EXPECT_EQ(got.trace_hash, expected.trace_hash) << file << " seed " << seed;
      EXPECT_EQ(got.passed(), expected.passed()) << file;
      EXPECT_EQ(got.failedChecks(), expected.failedChecks()) << file;
    }
  }
}

// A game that reads channel 1 and answers each message on channel 2.
class Echo final : public GamePeer {
 public:
  explicit Echo(NetworkingMessages& api) : api_(api) {
    connection_ = api_.onSessionRequest([this](SteamId id) { api_.acceptSessionWithUser(id); });
  }
  void poll() override {
    for (const Message& m : api_.receiveMessagesOnChannel(1, 64)) {
      (void)api_.sendMessageToUser(m.identity, "echo", NETWORKING_SEND_RELIABLE, 2);
    }
  }

 private:
  NetworkingMessages& api_;
  ScopedSignalConnection connection_;
};

TEST(GameRun, TheGamesReadsAndSendsAreWhatTheExpectationsSee) {
  const LoadResult loaded = loadScenarioText(R"({
    "name": "echo", "seed": 4, "duration_ms": 3000,
    "peers": { "client": { "steam_id": 11 },
               "server": { "steam_id": 22, "accept": "ignore", "game": true } },
    "links": [ { "from": "*", "to": "*", "latency_ms": 20 } ],
    "timeline": [ { "at_ms": 0, "peer": "client", "send": { "to": "server", "channel": 1,
                    "flags": ["reliable"], "payload": "ping {i}", "count": 10, "every_ms": 10 } } ],
    "expect": [
      { "peer": "server", "received": { "from": "client", "channel": 1, "count": 10,
        "in_order": true } },
      { "peer": "client", "received": { "from": "server", "channel": 2, "count": 10 } }
    ]
  })",
                                             "echo.json");
  ASSERT_TRUE(loaded.ok());
  Network net(loaded.scenario->networkConfig(4));
  int made = 0;
  const RunResult result = runScenarioWith(net, *loaded.scenario, [&](GamePeerContext& peer) {
    if (peer.spec.name != "server") return std::unique_ptr<GamePeer>();
    ++made;
    return std::unique_ptr<GamePeer>(std::make_unique<Echo>(peer.api));
  });
  EXPECT_TRUE(result.passed()) << result.error;
  for (const CheckResult& c : result.checks) EXPECT_TRUE(c.passed) << c.title << ": " << c.actual;
  EXPECT_EQ(made, 1);

  // Without the game, the server (accept: ignore) never answers: the same file fails.
  Network plain(loaded.scenario->networkConfig(4));
  EXPECT_FALSE(runScenarioWith(plain, *loaded.scenario, builtIn).passed());
}

TEST(GameRun, TheNetworkOutlivesTheRunAndCanGoOn) {
  const Scenario s = load("partition_heals.json");
  Network net(s.networkConfig(s.seed));
  const auto before = net.now();
  const RunResult result = runScenarioWith(net, s, builtIn);
  EXPECT_TRUE(result.passed());
  EXPECT_EQ(net.now() - before,
            std::chrono::microseconds(static_cast<std::int64_t>(s.duration_ms * 1000)));
  net.advance(std::chrono::seconds(5));  // the run's scheduled actions are inert now
  EXPECT_EQ(net.peerIds().size(), s.peers.size());
}

TEST(GameRun, AnUnknownPeerNameIsAClearError) {
  const Scenario s = load("partition_heals.json");
  EXPECT_THROW((void)steamIdOf(s, "nobody"), std::out_of_range);
  EXPECT_EQ(steamIdOf(s, s.peers[0].name), s.peers[0].steam_id);
}

}  // namespace
}  // namespace steamsim::scenario
