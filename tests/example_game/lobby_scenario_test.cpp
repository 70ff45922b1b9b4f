// SPDX-License-Identifier: MIT
// The example Lobby driven by scenario files: each file's links, timeline and expectations
// applied to a network whose peers run the game's own Lobby objects.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include <steamsim/scenario/gtest.hpp>

#include "lobby.hpp"

namespace example_game {
namespace {

namespace sc = steamsim::scenario;

std::string scenarioFile(const std::string& name) {
  return std::string(EXAMPLE_GAME_SCENARIO_DIR) + "/" + name;
}

/// Every peer of a file plays a Lobby; the peer called "host" hosts it.
std::unique_ptr<sc::GamePeer> lobbyOn(sc::GamePeerContext& peer) {
  const SteamId host = sc::steamIdOf(peer.scenario, "host");
  return sc::gamePeer(std::make_unique<Lobby>(peer.api, peer.spec.steam_id, host));
}

TEST(LobbyScenarioTest, ChatIsRelayedToEveryOtherPlayerUnderLoss) {
  EXPECT_TRUE(sc::testing::scenarioPasses(scenarioFile("chat_relay_under_loss.json"), lobbyOn));
}

TEST(LobbyScenarioTest, ChatRelayHoldsOnASweepOfSeeds) {
  EXPECT_TRUE(
      sc::testing::scenarioPasses(scenarioFile("chat_relay_under_loss.json"), lobbyOn, "1..8"));
}

TEST(LobbyScenarioTest, APlayerWhoseGameRestartsIsWelcomedBack) {
  EXPECT_TRUE(sc::testing::scenarioPasses(scenarioFile("player_restarts.json"), lobbyOn));
}

TEST(LobbyScenarioTest, ARestartMakesANewGameObjectAndACrashDestroysTheOld) {
  const sc::LoadResult loaded = sc::loadScenarioFile(scenarioFile("player_restarts.json"));
  ASSERT_TRUE(loaded.ok());
  std::map<std::string, int> made;
  int alive = 0;
  struct Counted final : sc::GamePeer {
    Counted(std::unique_ptr<sc::GamePeer> wrapped, int& counter)
        : inner(std::move(wrapped)), alive(counter) {
      ++alive;
    }
    ~Counted() override { --alive; }
    void poll() override { inner->poll(); }
    std::unique_ptr<sc::GamePeer> inner;
    int& alive;
  };
  steamsim::Network net(loaded.scenario->networkConfig(loaded.scenario->seed));
  const sc::RunResult result =
      sc::runScenarioWith(net, *loaded.scenario, [&](sc::GamePeerContext& peer) {
        ++made[peer.spec.name];
        return std::make_unique<Counted>(lobbyOn(peer), alive);
      });
  EXPECT_TRUE(result.passed());
  EXPECT_EQ(made, (std::map<std::string, int>{{"alice", 1}, {"bob", 2}, {"host", 1}}));
  EXPECT_EQ(alive, 0);  // all destroyed by the end of the run
  EXPECT_TRUE(net.hasPeer(sc::steamIdOf(*loaded.scenario, "bob")));  // the network remains
}

TEST(LobbyScenarioTest, AFailureReadsLikeTheCommandLinesReport) {
  // Without a relaying host, Bob never hears Alice: the same file fails, with its report.
  auto no_host = [](sc::GamePeerContext& peer) -> std::unique_ptr<sc::GamePeer> {
    if (peer.spec.name == "host") return nullptr;  // the built-in loop plays the host
    return lobbyOn(peer);
  };
  const ::testing::AssertionResult result =
      sc::testing::scenarioPasses(scenarioFile("chat_relay_under_loss.json"), no_host);
  EXPECT_FALSE(result);
  const std::string text = result.message();
  EXPECT_NE(text.find("FAIL  lobby: chat relayed to every other player under loss  seed 3"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("/expect/2: "), std::string::npos) << text;
  EXPECT_NE(text.find("expected: "), std::string::npos) << text;
  EXPECT_NE(text.find("FAILED: 1 run(s), 0 passed, 1 failed"), std::string::npos) << text;
}

}  // namespace
}  // namespace example_game
