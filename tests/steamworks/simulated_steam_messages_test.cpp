// SPDX-License-Identifier: MIT
// SimulatedSteamMessages: Steam's ISteamNetworkingMessages over simulated peers. Each call and
// each field is compared with what the steamsim peer itself reports for the same run.

#include <gtest/gtest.h>

#include <steamsim/steamsim.hpp>
#include <steamsim/steamworks.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "steamworks_test_support.hpp"

namespace steamsim::steamworks_test {
namespace {

using namespace std::chrono_literals;

/// Sends text through Steam's interface.
EResult sendText(ISteamNetworkingMessages& steam, SteamId to, std::string_view text, int flags,
                 int channel) {
  return steam.SendMessageToUser(steamIdentity(to), text.data(), static_cast<uint32>(text.size()),
                                 flags, channel);
}

/// steamsim's view of a Steam message (for comparison with the peer's own Message).
Message asMessage(const SteamNetworkingMessage_t& m) {
  return steamworks::toMessage(m);
}

/// Receives up to `max` messages through Steam's interface and releases them.
std::vector<Message> receiveAndRelease(ISteamNetworkingMessages& steam, int channel, int max) {
  std::vector<SteamNetworkingMessage_t*> raw(static_cast<std::size_t>(max), nullptr);
  const int n = steam.ReceiveMessagesOnChannel(channel, raw.data(), max);
  std::vector<Message> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(asMessage(*raw[static_cast<std::size_t>(i)]));
    raw[static_cast<std::size_t>(i)]->Release();
  }
  return out;
}

/// The exchange both runs perform: A sends reliable, unreliable and empty messages to B on
/// channel 3, B accepts from its request handler, then B answers on channel 0.
struct TwoPeers {
  Network net{NetworkConfig{.seed = 9}};
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
};

TEST(SimulatedSteamMessages, MessagesCarryEveryFieldThePeerReports) {
  // Run 1: the peers' own API.
  TwoPeers direct;
  direct.b.onSessionRequest([&](SteamId from) { direct.b.acceptSessionWithUser(from); });
  ASSERT_EQ(direct.a.sendMessageToUser(kB, "hello", NETWORKING_SEND_RELIABLE, 3), Result::OK);
  ASSERT_EQ(direct.a.sendMessageToUser(kB, "", NETWORKING_SEND_RELIABLE, 3), Result::OK);
  direct.net.advance(500ms);
  ASSERT_EQ(direct.a.sendMessageToUser(kB, "world", NETWORKING_SEND_UNRELIABLE_NO_DELAY, 3),
            Result::OK);
  direct.net.advance(500ms);
  const std::vector<Message> expected = direct.b.receiveMessagesOnChannel(3, 16);

  // Run 2: the same through Steam's interface.
  TwoPeers adapted;
  SimulatedSteamMessages steam_a(adapted.a);
  SimulatedSteamMessages steam_b(adapted.b);
  std::vector<SteamNetworkingIdentity> requests;
  steam_b.setSessionRequestCallback([&](SteamNetworkingMessagesSessionRequest_t* request) {
    requests.push_back(request->m_identityRemote);
    EXPECT_TRUE(steam_b.AcceptSessionWithUser(request->m_identityRemote));
  });
  ASSERT_EQ(sendText(steam_a, kB, "hello", k_nSteamNetworkingSend_Reliable, 3), k_EResultOK);
  ASSERT_EQ(sendText(steam_a, kB, "", k_nSteamNetworkingSend_Reliable, 3), k_EResultOK);
  adapted.net.advance(500ms);
  ASSERT_EQ(sendText(steam_a, kB, "world", k_nSteamNetworkingSend_UnreliableNoDelay, 3),
            k_EResultOK);
  adapted.net.advance(500ms);
  std::vector<SteamNetworkingMessage_t*> got(16, nullptr);
  const int n = steam_b.ReceiveMessagesOnChannel(3, got.data(), 16);

  EXPECT_EQ(adapted.net.traceHash(), direct.net.traceHash()) << "the runs differ";
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_TRUE(requests[0] == steamIdentity(kA));
  ASSERT_EQ(n, 3);
  ASSERT_EQ(expected.size(), 3U);
  for (int i = 0; i < n; ++i) {
    const SteamNetworkingMessage_t& m = *got[static_cast<std::size_t>(i)];
    const Message& want = expected[static_cast<std::size_t>(i)];
    EXPECT_EQ(describe(asMessage(m)), describe(want));
    // As Steam sets them for the Messages API:
    EXPECT_EQ(m.m_conn, k_HSteamNetConnection_Invalid);
    EXPECT_EQ(m.m_identityPeer.m_eType, k_ESteamNetworkingIdentityType_SteamID);
    EXPECT_EQ(m.m_identityPeer.GetSteamID64(), kA);
    EXPECT_EQ(m.m_nChannel, 3);
    EXPECT_EQ(m.m_nUserData, 0);
    EXPECT_EQ(m.m_idxLane, 0);
    EXPECT_NE(m.m_pData, nullptr) << "even an empty payload has a data pointer";
    EXPECT_GT(m.m_usecTimeReceived, 0);
    EXPECT_LE(m.m_usecTimeReceived, adapted.net.now().count());
    EXPECT_NE(m.m_pfnRelease, nullptr);
    EXPECT_EQ(m.GetSize(), static_cast<uint32>(want.size));
    EXPECT_EQ(m.GetChannel(), 3);
  }
  EXPECT_EQ(std::string(static_cast<const char*>(got[0]->m_pData), 5), "hello");
  EXPECT_EQ(got[0]->m_nFlags, k_nSteamNetworkingSend_Reliable);
  EXPECT_EQ(got[1]->m_cbSize, 0);
  EXPECT_EQ(got[2]->m_nFlags, 0) << "received unreliable";
  EXPECT_EQ(std::string(static_cast<const char*>(got[2]->m_pData), 5), "world");
  EXPECT_LT(got[0]->m_nMessageNumber, got[1]->m_nMessageNumber);
  for (int i = 0; i < n; ++i) got[static_cast<std::size_t>(i)]->Release();
}

TEST(SimulatedSteamMessages, ReleaseFreesEveryMessageAndItsPayload) {
  TwoPeers run;
  SimulatedSteamMessages steam_a(run.a);
  SimulatedSteamMessages steam_b(run.b);
  steam_b.setSessionRequestCallback([&](SteamNetworkingMessagesSessionRequest_t* r) {
    steam_b.AcceptSessionWithUser(r->m_identityRemote);
  });
  const std::string big(30000, 'z');
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(sendText(steam_a, kB, i % 4 == 0 ? std::string_view(big) : std::string_view("small"),
                       k_nSteamNetworkingSend_Reliable, 1),
              k_EResultOK);
  }
  std::vector<SteamNetworkingMessage_t*> held;
  ASSERT_TRUE(run.net.runUntil(
      [&] {
        SteamNetworkingMessage_t* batch[8] = {};
        const int n = steam_b.ReceiveMessagesOnChannel(1, batch, 8);
        held.insert(held.end(), batch, batch + n);
        return held.size() >= 40;
      },
      30s));
  ASSERT_EQ(held.size(), 40U);
  EXPECT_EQ(held[0]->m_cbSize, 30000);
  EXPECT_EQ(std::memcmp(held[0]->m_pData, big.data(), big.size()), 0);
  // Freeing the data first (as Steam's own Release does) and releasing later is safe.
  held[0]->m_pfnFreeData(held[0]);
  EXPECT_EQ(held[0]->m_pData, nullptr);
  EXPECT_EQ(held[0]->m_cbSize, 0);
  // Released out of order; AddressSanitizer reports any leak or double free.
  for (std::size_t i = 0; i < held.size(); i += 2) held[i]->Release();
  for (std::size_t i = 1; i < held.size(); i += 2) held[i]->Release();
}

TEST(SimulatedSteamMessages, ReceiveTakesAtMostTheLimitAndLeavesTheRest) {
  TwoPeers run;
  SimulatedSteamMessages steam_a(run.a);
  SimulatedSteamMessages steam_b(run.b);
  steam_b.setSessionRequestCallback([&](SteamNetworkingMessagesSessionRequest_t* r) {
    steam_b.AcceptSessionWithUser(r->m_identityRemote);
  });
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(sendText(steam_a, kB, std::to_string(i), k_nSteamNetworkingSend_Reliable, 2),
              k_EResultOK);
  }
  run.net.advance(1s);
  EXPECT_EQ(steam_b.ReceiveMessagesOnChannel(2, nullptr, 5), 0);
  SteamNetworkingMessage_t* out[5] = {};
  EXPECT_EQ(steam_b.ReceiveMessagesOnChannel(2, out, 0), 0);
  EXPECT_EQ(steam_b.ReceiveMessagesOnChannel(2, out, -1), 0);
  EXPECT_EQ(steam_b.ReceiveMessagesOnChannel(7, out, 5), 0) << "another channel";
  const std::vector<Message> first = receiveAndRelease(steam_b, 2, 2);
  ASSERT_EQ(first.size(), 2U);
  const std::vector<Message> rest = receiveAndRelease(steam_b, 2, 5);
  ASSERT_EQ(rest.size(), 3U);
  EXPECT_EQ(std::string(first[0].payload.begin(), first[0].payload.end()), "0");
  EXPECT_EQ(std::string(rest[2].payload.begin(), rest[2].payload.end()), "4");
}

TEST(SimulatedSteamMessages, SendResultsAreSteamsOwn) {
  Network net;
  Peer& a = net.addPeer(kA);
  SimulatedSteamMessages steam_a(a);
  const std::vector<std::uint8_t> too_big(
      static_cast<std::size_t>(k_cbMaxSteamNetworkingSocketsMessageSizeSend) + 1);
  EXPECT_EQ(steam_a.SendMessageToUser(invalidIdentity(), "x", 1, 0, 0), k_EResultInvalidParam);
  EXPECT_EQ(steam_a.SendMessageToUser(steamIdentity(kNobody), too_big.data(),
                                      static_cast<uint32>(too_big.size()), 0, 0),
            k_EResultInvalidParam);
  EXPECT_EQ(steam_a.SendMessageToUser(steamIdentity(kNobody), nullptr, 4, 0, 0),
            k_EResultInvalidParam);
  EXPECT_EQ(steam_a.SendMessageToUser(steamIdentity(0), "x", 1, 0, 0),
            steamworks::toSteamResult(a.sendMessageToUser(0, "x", 0, 0)))
      << "Steam ID 0 answers as the peer does";
  EXPECT_EQ(steam_a.SendMessageToUser(steamIdentity(kNobody), nullptr, 0, 0, 0), k_EResultOK)
      << "an empty message needs no data";
  net.advance(12s);  // nobody answers: the session fails (timeout)
  EXPECT_EQ(sendText(steam_a, kNobody, "again", k_nSteamNetworkingSend_Reliable, 0),
            k_EResultConnectFailed);
  EXPECT_EQ(
      sendText(steam_a, kNobody, "again",
               k_nSteamNetworkingSend_Reliable | k_nSteamNetworkingSend_AutoRestartBrokenSession,
               0),
      k_EResultOK);
}

TEST(SimulatedSteamMessages, OtherIdentityKindsAreRejectedAsSteamRejectsThem) {
  Network net;
  Peer& a = net.addPeer(kA);
  SimulatedSteamMessages steam_a(a);
  for (const NamedIdentity& other : otherIdentityKinds()) {
    SCOPED_TRACE(other.name);
    EXPECT_EQ(steam_a.SendMessageToUser(other.identity, "x", 1, k_nSteamNetworkingSend_Reliable, 0),
              k_EResultFail);
    EXPECT_FALSE(steam_a.AcceptSessionWithUser(other.identity));
    EXPECT_FALSE(steam_a.CloseSessionWithUser(other.identity));
    EXPECT_FALSE(steam_a.CloseChannelWithUser(other.identity, 0));
    SteamNetConnectionInfo_t info;
    SteamNetConnectionRealTimeStatus_t status;
    std::memset(static_cast<void*>(&info), 0xAB, sizeof info);
    std::memset(static_cast<void*>(&status), 0xAB, sizeof status);
    EXPECT_EQ(steam_a.GetSessionConnectionInfo(other.identity, &info, &status),
              k_ESteamNetworkingConnectionState_None);
    const auto* info_bytes = reinterpret_cast<const unsigned char*>(&info);
    const auto* status_bytes = reinterpret_cast<const unsigned char*>(&status);
    EXPECT_TRUE(
        std::all_of(info_bytes, info_bytes + sizeof info, [](unsigned char c) { return c == 0; }));
    EXPECT_TRUE(std::all_of(status_bytes, status_bytes + sizeof status,
                            [](unsigned char c) { return c == 0; }));
  }
  EXPECT_FALSE(steam_a.AcceptSessionWithUser(invalidIdentity()));
  EXPECT_FALSE(steam_a.CloseSessionWithUser(invalidIdentity()));
  EXPECT_FALSE(steam_a.CloseChannelWithUser(invalidIdentity(), 0));
  EXPECT_EQ(steam_a.GetSessionConnectionInfo(invalidIdentity(), nullptr, nullptr),
            k_ESteamNetworkingConnectionState_None);
  net.advance(1s);
  EXPECT_EQ(net.counters().datagrams, 0U) << "a rejected identity reached the network";
}

TEST(SimulatedSteamMessages, AcceptAndClosesAnswerAsThePeer) {
  TwoPeers run;
  SimulatedSteamMessages steam_a(run.a);
  SimulatedSteamMessages steam_b(run.b);
  EXPECT_FALSE(steam_b.AcceptSessionWithUser(steamIdentity(kA))) << "no session yet";
  ASSERT_EQ(sendText(steam_a, kB, "knock", k_nSteamNetworkingSend_Reliable, 4), k_EResultOK);
  run.net.advance(200ms);
  EXPECT_TRUE(steam_b.AcceptSessionWithUser(steamIdentity(kA)));
  run.net.advance(500ms);
  EXPECT_FALSE(steam_b.CloseChannelWithUser(steamIdentity(kA), 5)) << "nothing received on 5";
  EXPECT_TRUE(steam_b.CloseChannelWithUser(steamIdentity(kA), 4));
  EXPECT_EQ(steam_b.ReceiveMessagesOnChannel(4, nullptr, 1), 0);
  EXPECT_FALSE(steam_a.CloseSessionWithUser(steamIdentity(kNobody)));
  EXPECT_TRUE(steam_a.CloseSessionWithUser(steamIdentity(kB)));
  EXPECT_FALSE(steam_a.CloseSessionWithUser(steamIdentity(kB))) << "closed already";
}

TEST(SimulatedSteamMessages, SessionInfoCarriesEveryFieldThePeerReports) {
  TwoPeers run;
  SimulatedSteamMessages steam_a(run.a);
  SimulatedSteamMessages steam_b(run.b);
  steam_b.setSessionRequestCallback([&](SteamNetworkingMessagesSessionRequest_t* r) {
    steam_b.AcceptSessionWithUser(r->m_identityRemote);
  });
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(sendText(steam_a, kB, "payload", k_nSteamNetworkingSend_Reliable, 0), k_EResultOK);
    run.net.advance(50ms);
  }
  SteamNetConnectionInfo_t info;
  SteamNetConnectionRealTimeStatus_t status;
  const ESteamNetworkingConnectionState state =
      steam_a.GetSessionConnectionInfo(steamIdentity(kB), &info, &status);
  const SessionConnectionInfo want = run.a.getSessionConnectionInfo(kB, true, true);
  ASSERT_TRUE(want.connection && want.status);
  EXPECT_EQ(state, k_ESteamNetworkingConnectionState_Connected);
  EXPECT_EQ(steamworks::toConnectionState(state), want.connection_state);
  EXPECT_EQ(describe(steamworks::toConnectionInfo(info)), describe(*want.connection));
  EXPECT_EQ(describe(steamworks::toRealTimeStatus(status)), describe(*want.status));
  EXPECT_EQ(info.m_identityRemote.GetSteamID64(), kB);
  EXPECT_TRUE(info.m_addrRemote.IsIPv4());
  EXPECT_EQ(info.m_addrRemote.GetIPv4(), 0x7F000001U);
  EXPECT_EQ(info.m_hListenSocket, k_HSteamListenSocket_Invalid);
  EXPECT_STRNE(info.m_szConnectionDescription, "");

  SteamNetConnectionRealTimeStatus_t status_only;
  EXPECT_EQ(steam_a.GetSessionConnectionInfo(steamIdentity(kB), nullptr, &status_only),
            k_ESteamNetworkingConnectionState_Connected);
  EXPECT_EQ(status_only.m_eState, k_ESteamNetworkingConnectionState_Connected);
  EXPECT_EQ(steam_a.GetSessionConnectionInfo(steamIdentity(kNobody), &info, nullptr),
            k_ESteamNetworkingConnectionState_None);
  EXPECT_EQ(info.m_eState, k_ESteamNetworkingConnectionState_None);
  EXPECT_EQ(info.m_identityRemote.m_eType, k_ESteamNetworkingIdentityType_SteamID)
      << "the peer reports a zeroed info: Steam ID 0";
}

/// Plain-function callbacks as GameNetworkingSockets installs them.
std::vector<SteamId> g_requests;
std::vector<int> g_failure_reasons;
void onRequest(SteamNetworkingMessagesSessionRequest_t* request) {
  g_requests.push_back(request->m_identityRemote.GetSteamID64());
}
void onFailed(SteamNetworkingMessagesSessionFailed_t* failed) {
  g_failure_reasons.push_back(failed->m_info.m_eEndReason);
}

TEST(SimulatedSteamMessages, SessionFailedCarriesTheConnectionInfoOfTheFailure) {
  Network net;
  Peer& a = net.addPeer(kA);
  SimulatedSteamMessages steam_a(a);
  std::vector<SessionFailed> signals;
  a.onSessionFailed([&](const SessionFailed& f) { signals.push_back(f); });
  std::vector<SteamNetConnectionInfo_t> failures;
  steam_a.setSessionFailedCallback([&](SteamNetworkingMessagesSessionFailed_t* failed) {
    static_assert(SteamNetworkingMessagesSessionFailed_t::k_iCallback == 1252);
    failures.push_back(failed->m_info);
  });
  ASSERT_EQ(sendText(steam_a, kNobody, "anyone?", k_nSteamNetworkingSend_Reliable, 0), k_EResultOK);
  const ConnectionInfo before = a.getSessionConnectionInfo(kNobody, true, false).connection.value();
  net.advance(12s);
  ASSERT_EQ(signals.size(), 1U);
  ASSERT_EQ(failures.size(), 1U);
  const SteamNetConnectionInfo_t& info = failures[0];
  EXPECT_EQ(info.m_identityRemote.m_eType, k_ESteamNetworkingIdentityType_SteamID);
  EXPECT_EQ(info.m_identityRemote.GetSteamID64(), kNobody);
  EXPECT_EQ(info.m_eState, k_ESteamNetworkingConnectionState_ProblemDetectedLocally);
  EXPECT_EQ(info.m_eEndReason, static_cast<int>(ConnectionEnd::Misc_Timeout));
  EXPECT_EQ(info.m_eEndReason, signals[0].reason);
  EXPECT_EQ(std::string(info.m_szEndDebug), signals[0].debug_message);
  EXPECT_STRNE(info.m_szEndDebug, "");
  EXPECT_EQ(std::string(info.m_szConnectionDescription), before.debug_description)
      << "the session's own description";
  EXPECT_EQ(info.m_hListenSocket, k_HSteamListenSocket_Invalid);
  EXPECT_EQ(info.m_nUserData, before.user_data);
  EXPECT_EQ(info.m_nFlags, before.info_flags);
}

TEST(SimulatedSteamMessages, PlainFunctionCallbacksAreDelivered) {
  g_requests.clear();
  g_failure_reasons.clear();
  TwoPeers run;
  SimulatedSteamMessages steam_a(run.a);
  SimulatedSteamMessages steam_b(run.b);
  const FnSteamNetworkingMessagesSessionRequest request_fn = &onRequest;
  const FnSteamNetworkingMessagesSessionFailed failed_fn = &onFailed;
  steam_b.setSessionRequestCallback(request_fn);
  steam_b.setSessionFailedCallback(failed_fn);
  ASSERT_EQ(sendText(steam_a, kB, "ignored", k_nSteamNetworkingSend_Reliable, 0), k_EResultOK);
  run.net.advance(15s);  // never accepted: both sides fail
  EXPECT_EQ(g_requests, std::vector<SteamId>{kA});
  EXPECT_EQ(g_failure_reasons, std::vector<int>{static_cast<int>(ConnectionEnd::Misc_Timeout)});

  steam_b.setSessionRequestCallback(FnSteamNetworkingMessagesSessionRequest{nullptr});
  ASSERT_EQ(
      sendText(steam_a, kB, "again",
               k_nSteamNetworkingSend_Reliable | k_nSteamNetworkingSend_AutoRestartBrokenSession,
               0),
      k_EResultOK);
  run.net.advance(1s);
  EXPECT_EQ(g_requests.size(), 1U) << "a null function pointer stops delivery";
}

TEST(SimulatedSteamMessages, CallbacksWaitForRunCallbacksWithoutEmbeddedCallbacks) {
  Network net(NetworkConfig{.embed_callbacks = false});
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  SimulatedSteamMessages steam_a(a);
  SimulatedSteamMessages steam_b(b);
  int requests = 0;
  steam_b.setSessionRequestCallback([&](SteamNetworkingMessagesSessionRequest_t*) { ++requests; });
  ASSERT_EQ(sendText(steam_a, kB, "x", k_nSteamNetworkingSend_Reliable, 0), k_EResultOK);
  net.advance(200ms);
  EXPECT_EQ(requests, 0);
  steam_b.RunCallbacks();
  EXPECT_EQ(requests, 1);
  steam_b.RunCallbacks();
  EXPECT_EQ(requests, 1);
}

TEST(SimulatedSteamMessages, NoCallbackAfterTheAdapterIsDestroyed) {
  TwoPeers run;
  SimulatedSteamMessages steam_a(run.a);
  int calls = 0;
  {
    SimulatedSteamMessages steam_b(run.b);
    steam_b.setSessionRequestCallback([&](SteamNetworkingMessagesSessionRequest_t*) { ++calls; });
    steam_b.setSessionFailedCallback([&](SteamNetworkingMessagesSessionFailed_t*) { ++calls; });
  }
  ASSERT_EQ(sendText(steam_a, kB, "x", k_nSteamNetworkingSend_Reliable, 0), k_EResultOK);
  run.net.advance(15s);
  EXPECT_EQ(calls, 0);
}

TEST(SimulatedSteamMessages, WorksOverASharedPeerHandle) {
  auto net = std::make_unique<Network>();
  net->addPeer(kA);
  net->addPeer(kB);
  SimulatedSteamMessages steam_a(net->handle(kA));
  SimulatedSteamMessages steam_b(net->handle(kB));
  steam_b.setSessionRequestCallback([&](SteamNetworkingMessagesSessionRequest_t* r) {
    steam_b.AcceptSessionWithUser(r->m_identityRemote);
  });
  ASSERT_EQ(sendText(steam_a, kB, "via handle", k_nSteamNetworkingSend_Reliable, 0), k_EResultOK);
  net->advance(500ms);
  const std::vector<Message> got = receiveAndRelease(steam_b, 0, 4);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].identity, kA);
  net.reset();  // the handle outlives the network: Steam-not-running answers
  EXPECT_EQ(sendText(steam_a, kB, "late", k_nSteamNetworkingSend_Reliable, 0), k_EResultNone);
  EXPECT_EQ(steam_b.ReceiveMessagesOnChannel(0, nullptr, 1), 0);
  EXPECT_THROW(SimulatedSteamMessages(std::shared_ptr<NetworkingMessages>{}),
               std::invalid_argument);
}

TEST(SimulatedSteamMessages, WorksOnARealTimeNetwork) {
  Network net(NetworkConfig{.clock = ClockMode::RealTime});
  SimulatedSteamMessages steam_a(net.addPeer(kA));
  SimulatedSteamMessages steam_b(net.addPeer(kB));
  std::atomic<int> requests{0};
  steam_b.setSessionRequestCallback([&](SteamNetworkingMessagesSessionRequest_t* r) {
    ++requests;
    steam_b.AcceptSessionWithUser(r->m_identityRemote);
  });
  ASSERT_EQ(sendText(steam_a, kB, "live", k_nSteamNetworkingSend_Reliable, 0), k_EResultOK);
  std::vector<Message> got;
  ASSERT_TRUE(net.runUntil(
      [&] {
        for (Message& m : receiveAndRelease(steam_b, 0, 4)) got.push_back(std::move(m));
        return !got.empty();
      },
      10s));
  EXPECT_EQ(requests.load(), 1);
  EXPECT_EQ(std::string(got[0].payload.begin(), got[0].payload.end()), "live");
}

}  // namespace
}  // namespace steamsim::steamworks_test
