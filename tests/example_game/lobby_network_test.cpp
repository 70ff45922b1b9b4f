// SPDX-License-Identifier: MIT
// Integration tests of the example Lobby on a simulated network: a host and two players
// over lossy, slow, reordering links, in virtual time; an outage and the recovery from it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <steamsim/network.hpp>

#include "lobby.hpp"

namespace example_game {
namespace {

using namespace std::chrono_literals;
using steamsim::ConnectionState;
using steamsim::LinkConditions;
using steamsim::Network;
using steamsim::NetworkConfig;
using steamsim::SessionFailed;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Optional;

constexpr SteamId kHost = 76561198000000001ULL;
constexpr SteamId kAlice = 76561198000000002ULL;
constexpr SteamId kBob = 76561198000000003ULL;
constexpr auto kFrame = 16ms;

// A bad but usable connection: 10 % loss, 40 ± 10 ms one way, some reordering.
LinkConditions badLink() {
  LinkConditions link;
  link.loss_pct = 10.0;
  link.latency_ms = 40.0;
  link.jitter_ms = 10.0;
  link.reorder_pct = 5.0;
  return link;
}

NetworkConfig config(bool embed_callbacks = true) {
  NetworkConfig c;
  c.seed = 42;
  c.embed_callbacks = embed_callbacks;
  return c;
}

// One host and two players, each a Lobby on its own simulated peer.
class Match {
 public:
  explicit Match(NetworkConfig network_config = config()) : net_(network_config) {
    net_.setDefaultLink(badLink());
    host_ = std::make_unique<Lobby>(net_.addPeer(kHost), kHost, kHost);
    alice_ = std::make_unique<Lobby>(net_.addPeer(kAlice), kAlice, kHost);
    bob_ = std::make_unique<Lobby>(net_.addPeer(kBob), kBob, kHost);
  }

  Network& net() { return net_; }
  Lobby& host() { return *host_; }
  Lobby& alice() { return *alice_; }
  Lobby& bob() { return *bob_; }

  // Plays frames (advance the network, then `each_frame`, then every lobby's poll) until
  // `done()` or `limit` of virtual time. \return whether `done()` became true.
  bool play(const std::function<bool()>& done, std::chrono::milliseconds limit,
            const std::function<void()>& each_frame = {}) {
    for (auto elapsed = 0ms; elapsed < limit; elapsed += kFrame) {
      net_.advance(kFrame);
      if (each_frame) each_frame();
      for (Lobby* lobby : {host_.get(), alice_.get(), bob_.get()}) lobby->poll();
      if (done()) return true;
    }
    return false;
  }

  bool everyoneJoined() {
    return play([&] { return host_->players() == std::set<SteamId>{kAlice, kBob}; }, 10s);
  }

  // Datagrams dropped by random loss on every link so far.
  std::uint64_t lost() const {
    std::uint64_t total = 0;
    for (SteamId from : {kHost, kAlice, kBob}) {
      for (SteamId to : {kHost, kAlice, kBob}) {
        if (from != to) total += net_.linkCounters(from, to).dropped_loss;
      }
    }
    return total;
  }

 private:
  Network net_;  // declared first: outlives the lobbies whose handlers it holds
  std::unique_ptr<Lobby> host_;
  std::unique_ptr<Lobby> alice_;
  std::unique_ptr<Lobby> bob_;
};

std::vector<std::string> linesBy(const Lobby& lobby, SteamId author) {
  std::vector<std::string> lines;
  for (const ChatLine& line : lobby.chat()) {
    if (line.author == author) lines.push_back(line.text);
  }
  return lines;
}

std::vector<std::string> numbered(const std::string& prefix, int count) {
  std::vector<std::string> lines;
  for (int i = 0; i < count; ++i) lines.push_back(prefix + std::to_string(i));
  return lines;
}

TEST(LobbyNetworkTest, PlayersJoinTheHost) {
  Match match;
  ASSERT_TRUE(match.everyoneJoined());
  EXPECT_TRUE(match.alice().players().empty());  // only the host keeps a roster
}

TEST(LobbyNetworkTest, ChatReachesEveryOtherPlayerOnceAndInOrderDespiteLoss) {
  Match match;
  ASSERT_TRUE(match.everyoneJoined());

  const auto from_alice = numbered("a", 40);
  const auto from_bob = numbered("b", 10);
  std::size_t frame = 0;
  const bool delivered = match.play(
      [&] {
        return linesBy(match.bob(), kAlice).size() >= from_alice.size() &&
               linesBy(match.alice(), kBob).size() >= from_bob.size();
      },
      20s,
      [&] {
        if (frame < from_alice.size()) match.alice().say(from_alice[frame]);
        if (frame < from_bob.size()) match.bob().say(from_bob[frame]);
        ++frame;
      });
  ASSERT_TRUE(delivered);
  match.play([] { return false; }, 1s);  // let any duplicate show up

  EXPECT_EQ(linesBy(match.bob(), kAlice), from_alice);
  EXPECT_EQ(linesBy(match.alice(), kBob), from_bob);
  EXPECT_EQ(linesBy(match.host(), kAlice), from_alice);
  EXPECT_TRUE(linesBy(match.alice(), kAlice).empty());  // never echoed
  EXPECT_GT(match.lost(), 0u) << "the links lost nothing: the test proves nothing";
}

TEST(LobbyNetworkTest, PositionsNeverGoBackAndSettleOnTheNewest) {
  Match match;
  ASSERT_TRUE(match.everyoneJoined());

  // Alice walks along x for 2 s, then stands still (still sending, as games do each frame).
  float x = 0.0F;
  std::vector<float> seen_by_bob;
  match.play([] { return false; }, 3s,
             [&] {
               if (x < 120.0F) x += 1.0F;
               match.alice().moveTo({x, 5.0F});
               if (auto p = match.bob().positionOf(kAlice)) seen_by_bob.push_back(p->x);
             });

  EXPECT_THAT(match.bob().positionOf(kAlice), Optional(Position{120.0F, 5.0F}));
  EXPECT_THAT(match.host().positionOf(kAlice), Optional(Position{120.0F, 5.0F}));
  ASSERT_FALSE(seen_by_bob.empty());
  EXPECT_TRUE(std::is_sorted(seen_by_bob.begin(), seen_by_bob.end()))
      << "a late update overwrote a newer one";
  EXPECT_GT(match.net().linkCounters(kAlice, kHost).dropped_loss +
                match.net().linkCounters(kHost, kBob).dropped_loss,
            0u);
}

TEST(LobbyNetworkTest, PlayerReconnectsAfterAnOutageAndChatFlowsAgain) {
  Match match;
  std::vector<SessionFailed> alice_failures;
  match.net().peer(kAlice).onSessionFailed(
      [&](const SessionFailed& f) { alice_failures.push_back(f); });
  ASSERT_TRUE(match.everyoneJoined());

  // Alice is cut off while she has reliable data in flight, so her session fails loudly.
  match.net().partition({{kHost, kBob}, {kAlice}});
  match.alice().say("anyone there?");
  ASSERT_TRUE(match.play([&] { return match.alice().reconnects() >= 1; }, 30s));
  ASSERT_FALSE(alice_failures.empty());
  EXPECT_EQ(alice_failures.front().remote_steam_id, kHost);
  EXPECT_EQ(alice_failures.front().reason, 5003);
  EXPECT_EQ(alice_failures.front().connection_state, ConnectionState::ProblemDetectedLocally);

  // The outage ends; her reconnection (AutoRestartBrokenSession) gets through.
  match.net().heal();
  ASSERT_TRUE(match.play(
      [&] {
        const auto info = match.net().peer(kAlice).getSessionConnectionInfo(kHost, false, false);
        return info.connection_state == ConnectionState::Connected &&
               match.host().players().count(kAlice) == 1;
      },
      30s));

  match.alice().say("back");
  match.bob().say("welcome back");
  ASSERT_TRUE(match.play(
      [&] {
        return !linesBy(match.bob(), kAlice).empty() &&
               linesBy(match.bob(), kAlice).back() == "back" &&
               !linesBy(match.alice(), kBob).empty();
      },
      10s));
  EXPECT_THAT(linesBy(match.alice(), kBob), Contains("welcome back"));
}

TEST(LobbyNetworkTest, WorksWhenTheGameDeliversCallbacksInPoll) {
  Match match(config(/*embed_callbacks=*/false));  // as with real Steam: poll runs callbacks
  ASSERT_TRUE(match.everyoneJoined());
  match.alice().say("hi");
  ASSERT_TRUE(match.play([&] { return !match.bob().chat().empty(); }, 5s));
  EXPECT_THAT(match.bob().chat(), ElementsAre(ChatLine{kAlice, "hi"}));
}

}  // namespace
}  // namespace example_game
