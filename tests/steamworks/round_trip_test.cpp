// SPDX-License-Identifier: MIT
// Both adapters stacked: steamsim's seam over Steam's interface over a simulated peer
// (SteamworksMessages over SimulatedSteamMessages over Peer) must behave exactly as the peer
// itself. One scripted exchange runs twice with the same seed, once on the peers and once
// through both adapters, and every result, message field, session-info field and signal
// is recorded; the two transcripts must be equal.

#include <gtest/gtest.h>

#include <steamsim/steamsim.hpp>
#include <steamsim/steamworks.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "steamworks_test_support.hpp"

namespace steamsim::steamworks_test {
namespace {

using namespace std::chrono_literals;

/// A seam per peer: the peer itself, or both adapters stacked over it.
struct Endpoint {
  std::unique_ptr<SimulatedSteamMessages> steam;
  std::unique_ptr<SteamworksMessages> stacked;
  NetworkingMessages* seam = nullptr;

  Endpoint(Peer& peer, bool through_adapters) {
    if (!through_adapters) {
      seam = &peer;
      return;
    }
    steam = std::make_unique<SimulatedSteamMessages>(peer);
    stacked =
        std::make_unique<SteamworksMessages>(steam.get(), [s = steam.get()] { s->RunCallbacks(); });
    SteamworksMessages* target = stacked.get();
    steam->setSessionRequestCallback(
        [target](SteamNetworkingMessagesSessionRequest_t* r) { target->deliver(r); });
    steam->setSessionFailedCallback(
        [target](SteamNetworkingMessagesSessionFailed_t* f) { target->deliver(f); });
    seam = stacked.get();
  }
};

std::string resultText(Result r) {
  return std::to_string(static_cast<int>(r));
}

Result sendText(NetworkingMessages& seam, SteamId to, std::string_view text, int flags,
                int channel) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  return seam.sendMessageToUser(to, std::span<const std::uint8_t>(bytes, text.size()), flags,
                                channel);
}

/// The scripted exchange; returns its transcript.
std::vector<std::string> runExchange(bool through_adapters, bool embed_callbacks) {
  Network net(NetworkConfig{.seed = 21, .embed_callbacks = embed_callbacks});
  net.setDefaultLink({.loss_pct = 5, .latency_ms = 30, .jitter_ms = 5});
  Peer& peer_a = net.addPeer(kA);
  Peer& peer_b = net.addPeer(kB);
  Endpoint a(peer_a, through_adapters);
  Endpoint b(peer_b, through_adapters);
  std::vector<std::string> log;
  auto note = [&](const std::string& line) {
    log.push_back(std::to_string(net.now().count()) + " " + line);
  };
  for (auto [name, endpoint] : {std::pair{"a", &a}, std::pair{"b", &b}}) {
    NetworkingMessages* seam = endpoint->seam;
    const std::string who = name;
    seam->onSessionRequest([&note, seam, who](SteamId from) {
      note(who + " request " + std::to_string(from));
      if (who == "b") note("b accept " + std::to_string(seam->acceptSessionWithUser(from)));
    });
    seam->onSessionFailed(
        [&note, who](const SessionFailed& f) { note(who + " failed " + describe(f)); });
  }
  auto poll = [&] {
    a.seam->runCallbacks();
    b.seam->runCallbacks();
    for (auto [name, endpoint] : {std::pair{"a", &a}, std::pair{"b", &b}}) {
      for (int channel : {0, 1, 2}) {
        for (const Message& m : endpoint->seam->receiveMessagesOnChannel(channel, 100)) {
          note(std::string(name) + " got " + describe(m));
        }
      }
    }
  };
  auto info = [&](const char* name, NetworkingMessages& seam, SteamId remote) {
    for (bool c : {false, true}) {
      for (bool s : {false, true}) {
        note(std::string(name) + " info " + describe(seam.getSessionConnectionInfo(remote, c, s)));
      }
    }
  };

  info("a", *a.seam, kB);
  note("send " + resultText(sendText(*a.seam, kB, "join", NETWORKING_SEND_RELIABLE, 1)));
  note("send " + resultText(sendText(*a.seam, kB, "", NETWORKING_SEND_RELIABLE, 1)));
  for (int frame = 0; frame < 60; ++frame) {
    net.advance(16ms);
    poll();
    note("send " + resultText(sendText(*a.seam, kB, "pos " + std::to_string(frame),
                                       NETWORKING_SEND_UNRELIABLE_NO_NAGLE, 2)));
    if (frame % 10 == 0) {
      note("send " + resultText(sendText(*b.seam, kA, "state " + std::to_string(frame),
                                         NETWORKING_SEND_RELIABLE_NO_NAGLE, 0)));
      info("a", *a.seam, kB);
      info("b", *b.seam, kA);
    }
  }
  const std::string big(20000, 'u');  // unreliable above the limit: sent reliably
  note("send " + resultText(sendText(*a.seam, kB, big, NETWORKING_SEND_UNRELIABLE, 1)));
  net.advance(1s);
  poll();
  note("close channel " + std::to_string(b.seam->closeChannelWithUser(kA, 2)));
  note("close channel " + std::to_string(b.seam->closeChannelWithUser(kA, 9)));
  note("send " + resultText(sendText(*a.seam, kNobody, "hello?", NETWORKING_SEND_RELIABLE, 0)));
  net.advance(12s);
  poll();
  info("a", *a.seam, kNobody);
  note("send " + resultText(sendText(*a.seam, kNobody, "again", NETWORKING_SEND_RELIABLE, 0)));
  note("send " + resultText(sendText(
                     *a.seam, kNobody, "again",
                     NETWORKING_SEND_RELIABLE | NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION, 0)));
  note("send " + resultText(sendText(*a.seam, 0, "zero", NETWORKING_SEND_RELIABLE, 0)));
  note("close " + std::to_string(a.seam->closeSessionWithUser(kB)));
  note("close " + std::to_string(a.seam->closeSessionWithUser(kB)));
  note("accept " + std::to_string(b.seam->acceptSessionWithUser(kNobody)));
  net.advance(2s);
  poll();
  info("b", *b.seam, kA);
  note("trace " + std::to_string(net.traceHash()));
  return log;
}

TEST(SteamworksRoundTrip, BothAdaptersTogetherBehaveExactlyAsThePeer) {
  const std::vector<std::string> direct = runExchange(false, true);
  const std::vector<std::string> stacked = runExchange(true, true);
  ASSERT_GT(direct.size(), 100U);
  ASSERT_EQ(stacked.size(), direct.size());
  for (std::size_t i = 0; i < direct.size(); ++i) ASSERT_EQ(stacked[i], direct[i]) << "line " << i;
}

TEST(SteamworksRoundTrip, SignalsComeThroughRunCallbacksWhenNotEmbedded) {
  const std::vector<std::string> direct = runExchange(false, false);
  const std::vector<std::string> stacked = runExchange(true, false);
  ASSERT_EQ(stacked.size(), direct.size());
  for (std::size_t i = 0; i < direct.size(); ++i) ASSERT_EQ(stacked[i], direct[i]) << "line " << i;
  bool saw_failure = false;
  for (const std::string& line : direct) saw_failure |= line.find(" failed ") != std::string::npos;
  EXPECT_TRUE(saw_failure) << "the exchange should include a session failure";
}

}  // namespace
}  // namespace steamsim::steamworks_test
