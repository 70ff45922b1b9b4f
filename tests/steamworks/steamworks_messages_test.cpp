// SPDX-License-Identifier: MIT
// SteamworksMessages: steamsim's NetworkingMessages over a scripted ISteamNetworkingMessages
// that records every call, so each argument, result, field and callback is checked.

#include <gtest/gtest.h>

#include <steamsim/steamworks.hpp>

#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "steamworks_test_support.hpp"

namespace steamsim::steamworks_test {
namespace {

/// A Steam message the scripted interface hands out; counts the live ones.
struct ScriptedMessage final : SteamNetworkingMessage_t {
  static inline int live = 0;
  static inline int released = 0;
  std::vector<std::uint8_t> bytes;

  static SteamNetworkingMessage_t* make(SteamNetworkingIdentity from, std::string text, int channel,
                                        std::int64_t number) {
    auto* m = new ScriptedMessage();
    m->bytes.assign(text.begin(), text.end());
    m->m_pData = m->bytes.data();
    m->m_cbSize = static_cast<int>(m->bytes.size());
    m->m_conn = 7;  // not what Steam sets for Messages: proves the value is carried over
    m->m_identityPeer = from;
    m->m_nConnUserData = -1;
    m->m_usecTimeReceived = 5000000 + number;
    m->m_nMessageNumber = number;
    m->m_nChannel = channel;
    m->m_nFlags = number % 2 == 0 ? k_nSteamNetworkingSend_Reliable : 0;
    m->m_nUserData = 99;
    m->m_pfnFreeData = nullptr;
    m->m_pfnRelease = [](SteamNetworkingMessage_t* self) {
      ++released;
      delete static_cast<ScriptedMessage*>(self);
    };
    return m;
  }

 private:
  ScriptedMessage() : SteamNetworkingMessage_t() { ++live; }

 public:
  ~ScriptedMessage() { --live; }
};

/// Records the last call's arguments and answers with scripted values.
class ScriptedSteam final : public ISteamNetworkingMessages {
 public:
  // Last arguments.
  SteamNetworkingIdentity identity{};
  const void* data = nullptr;
  uint32 size = 0;
  int flags = -1;
  int channel = -1;
  int max_messages = -1;
  bool asked_info = false;
  bool asked_status = false;
  std::vector<std::string> calls;

  // Answers.
  EResult send_result = k_EResultOK;
  bool bool_result = true;
  ESteamNetworkingConnectionState state = k_ESteamNetworkingConnectionState_Connected;
  SteamNetConnectionInfo_t info{};
  SteamNetConnectionRealTimeStatus_t status{};
  std::map<int, std::deque<SteamNetworkingMessage_t*>> queues;

  ~ScriptedSteam() {
    for (auto& [ch, queue] : queues) {
      for (SteamNetworkingMessage_t* m : queue) m->Release();
    }
  }

  EResult SendMessageToUser(const SteamNetworkingIdentity& remote, const void* pub, uint32 cub,
                            int send_flags, int remote_channel) override {
    calls.push_back("send");
    identity = remote;
    data = pub;
    size = cub;
    flags = send_flags;
    channel = remote_channel;
    return send_result;
  }
  int ReceiveMessagesOnChannel(int local_channel, SteamNetworkingMessage_t** out,
                               int max) override {
    calls.push_back("receive " + std::to_string(max));
    channel = local_channel;
    max_messages = max;
    auto& queue = queues[local_channel];
    int n = 0;
    while (n < max && !queue.empty()) {
      out[n++] = queue.front();
      queue.pop_front();
    }
    return n;
  }
  bool AcceptSessionWithUser(const SteamNetworkingIdentity& remote) override {
    calls.push_back("accept");
    identity = remote;
    return bool_result;
  }
  bool CloseSessionWithUser(const SteamNetworkingIdentity& remote) override {
    calls.push_back("close");
    identity = remote;
    return bool_result;
  }
  bool CloseChannelWithUser(const SteamNetworkingIdentity& remote, int local_channel) override {
    calls.push_back("close channel");
    identity = remote;
    channel = local_channel;
    return bool_result;
  }
  ESteamNetworkingConnectionState GetSessionConnectionInfo(
      const SteamNetworkingIdentity& remote, SteamNetConnectionInfo_t* out_info,
      SteamNetConnectionRealTimeStatus_t* out_status) override {
    calls.push_back("info");
    identity = remote;
    asked_info = out_info != nullptr;
    asked_status = out_status != nullptr;
    if (out_info != nullptr) *out_info = info;
    if (out_status != nullptr) *out_status = status;
    return state;
  }
};

/// Signals the adapter emitted.
struct Signals {
  std::vector<SteamId> requests;
  std::vector<SessionFailed> failures;
  void attach(NetworkingMessages& seam) {
    seam.onSessionRequest([this](SteamId id) { requests.push_back(id); });
    seam.onSessionFailed([this](const SessionFailed& f) { failures.push_back(f); });
  }
};

void expectSteamIdIdentity(const SteamNetworkingIdentity& identity, SteamId id) {
  EXPECT_EQ(identity.m_eType, k_ESteamNetworkingIdentityType_SteamID);
  EXPECT_EQ(identity.GetSteamID64(), id);
}

class SteamworksMessagesTest : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_EQ(ScriptedMessage::live, 0) << "a Steam message leaked"; }
  ScriptedSteam steam;
  SteamworksMessages seam{&steam};
};

TEST_F(SteamworksMessagesTest, SendForwardsIdentityBytesFlagsAndChannel) {
  const std::vector<std::uint8_t> payload = {1, 2, 3, 4, 5};
  const int flags = NETWORKING_SEND_RELIABLE | NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION |
                    NETWORKING_SEND_USE_CURRENT_THREAD;
  EXPECT_EQ(seam.sendMessageToUser(kB, payload, flags, 6), Result::OK);
  expectSteamIdIdentity(steam.identity, kB);
  EXPECT_EQ(steam.data, payload.data());
  EXPECT_EQ(steam.size, 5U);
  EXPECT_EQ(steam.flags, flags);
  EXPECT_EQ(steam.channel, 6);
}

TEST_F(SteamworksMessagesTest, SendReturnsSteamsResultByValue) {
  const std::vector<std::uint8_t> payload = {7};
  for (EResult r :
       {k_EResultOK, k_EResultFail, k_EResultNoConnection, k_EResultInvalidParam,
        k_EResultInvalidState, k_EResultLimitExceeded, k_EResultConnectFailed, k_EResultIgnored}) {
    steam.send_result = r;
    EXPECT_EQ(static_cast<int>(seam.sendMessageToUser(kA, payload, 0, 0)), static_cast<int>(r));
  }
}

TEST_F(SteamworksMessagesTest, AcceptAndClosesForwardTheSteamIdAndReturnSteamsAnswer) {
  for (bool answer : {true, false}) {
    steam.bool_result = answer;
    EXPECT_EQ(seam.acceptSessionWithUser(kA), answer);
    expectSteamIdIdentity(steam.identity, kA);
    EXPECT_EQ(seam.closeSessionWithUser(kB), answer);
    expectSteamIdIdentity(steam.identity, kB);
    EXPECT_EQ(seam.closeChannelWithUser(kNobody, 12), answer);
    expectSteamIdIdentity(steam.identity, kNobody);
    EXPECT_EQ(steam.channel, 12);
  }
  EXPECT_EQ(steam.calls.size(), 6U);
}

TEST_F(SteamworksMessagesTest, ReceiveCopiesEveryFieldAndReleasesEveryMessage) {
  steam.queues[3].push_back(ScriptedMessage::make(steamIdentity(kA), "first", 3, 1));
  steam.queues[3].push_back(ScriptedMessage::make(steamIdentity(kB), "second", 3, 2));
  const std::vector<Message> got = seam.receiveMessagesOnChannel(3, 10);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(describe(got[0]),
            "payload=first size=5 connection=7 identity=" + std::to_string(kA) +
                " receiver_user_data=-1 time_received=5000001 message_number=1 channel=3"
                " flags=0 sender_user_data=99");
  EXPECT_EQ(describe(got[1]),
            "payload=second size=6 connection=7 identity=" + std::to_string(kB) +
                " receiver_user_data=-1 time_received=5000002 message_number=2 channel=3"
                " flags=8 sender_user_data=99");
  EXPECT_EQ(ScriptedMessage::live, 0);
}

TEST_F(SteamworksMessagesTest, ReceiveAsksInBatchesAndStopsAtTheLimit) {
  for (int i = 1; i <= 150; ++i) {
    steam.queues[0].push_back(ScriptedMessage::make(steamIdentity(kA), std::to_string(i), 0, i));
  }
  const std::vector<Message> first = seam.receiveMessagesOnChannel(0, 100);
  ASSERT_EQ(first.size(), 100U);
  EXPECT_EQ(steam.calls, (std::vector<std::string>{"receive 64", "receive 36"}));
  EXPECT_EQ(steam.queues[0].size(), 50U) << "took more than asked";
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].message_number, static_cast<std::int64_t>(i + 1)) << "order changed";
  }
  steam.calls.clear();
  const std::vector<Message> rest = seam.receiveMessagesOnChannel(0, 1000000);
  EXPECT_EQ(rest.size(), 50U);
  EXPECT_EQ(steam.calls, (std::vector<std::string>{"receive 64"}))
      << "asked again after a short batch";
  EXPECT_EQ(ScriptedMessage::live, 0);
}

TEST_F(SteamworksMessagesTest, ReceiveOfNothingDoesNotAskSteam) {
  steam.queues[0].push_back(ScriptedMessage::make(steamIdentity(kA), "x", 0, 1));
  EXPECT_TRUE(seam.receiveMessagesOnChannel(0, 0).empty());
  EXPECT_TRUE(seam.receiveMessagesOnChannel(0, -5).empty());
  EXPECT_TRUE(steam.calls.empty());
  EXPECT_EQ(steam.queues[0].size(), 1U);
  EXPECT_EQ(seam.receiveMessagesOnChannel(0, 1).size(), 1U) << "the message is still there";
}

TEST_F(SteamworksMessagesTest, ReceiveFromAnotherIdentityKindGivesSenderZero) {
  steam.queues[1].push_back(ScriptedMessage::make(otherIdentityKinds()[0].identity, "ip", 1, 1));
  const std::vector<Message> got = seam.receiveMessagesOnChannel(1, 1);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].identity, 0U);
  EXPECT_EQ(std::string(got[0].payload.begin(), got[0].payload.end()), "ip");
}

SteamNetConnectionInfo_t everyFieldSetInfo() {
  SteamNetConnectionInfo_t info;
  std::memset(static_cast<void*>(&info), 0, sizeof info);
  info.m_identityRemote = steamIdentity(kB);
  info.m_nUserData = -1;
  info.m_hListenSocket = 17;
  info.m_addrRemote.SetIPv4(0x0A010203, 27015);
  info.m_idPOPRemote = 0x666F6F;
  info.m_idPOPRelay = 0x626172;
  info.m_eState = k_ESteamNetworkingConnectionState_ProblemDetectedLocally;
  info.m_eEndReason = 5003;
  std::strcpy(info.m_szEndDebug, "Timed out");
  std::strcpy(info.m_szConnectionDescription, "#42 P2P steamid:76561198000000002 msg vport");
  info.m_nFlags = 8 | 16;
  return info;
}

SteamNetConnectionRealTimeStatus_t everyFieldSetStatus() {
  SteamNetConnectionRealTimeStatus_t status;
  std::memset(static_cast<void*>(&status), 0, sizeof status);
  status.m_eState = k_ESteamNetworkingConnectionState_Connected;
  status.m_nPing = 42;
  status.m_flConnectionQualityLocal = 0.75F;
  status.m_flConnectionQualityRemote = 0.5F;
  status.m_flOutPacketsPerSec = 11.5F;
  status.m_flOutBytesPerSec = 1200.25F;
  status.m_flInPacketsPerSec = 9.5F;
  status.m_flInBytesPerSec = 800.125F;
  status.m_nSendRateBytesPerSecond = 262144;
  status.m_cbPendingUnreliable = 10;
  status.m_cbPendingReliable = 20;
  status.m_cbSentUnackedReliable = 30;
  status.m_usecQueueTime = 4500;
  return status;
}

TEST_F(SteamworksMessagesTest, SessionInfoCarriesEveryField) {
  steam.info = everyFieldSetInfo();
  steam.status = everyFieldSetStatus();
  steam.state = k_ESteamNetworkingConnectionState_FindingRoute;
  const SessionConnectionInfo got = seam.getSessionConnectionInfo(kB, true, true);
  expectSteamIdIdentity(steam.identity, kB);
  EXPECT_TRUE(steam.asked_info);
  EXPECT_TRUE(steam.asked_status);
  EXPECT_EQ(describe(got),
            "state=2 connection{identity=" + std::to_string(kB) +
                " user_data=-1 listen_socket=17 remote_address=10.1.2.3 remote_pop=6713199"
                " pop_relay=6447474 connection_state=5 end_reason=5003 end_debug=Timed out"
                " debug_description=#42 P2P steamid:76561198000000002 msg vport info_flags=24}"
                " status{state=3 ping=42 local_quality=0.75 remote_quality=0.5 packets_out=11.5"
                " bytes_out=1200.25 packets_in=9.5 bytes_in=800.125 send_rate=262144"
                " pending_unreliable=10 pending_reliable=20 sent_unacknowledged_reliable=30"
                " queue_time=4500}");
}

TEST_F(SteamworksMessagesTest, SessionInfoAsksSteamOnlyForTheRequestedParts) {
  steam.state = k_ESteamNetworkingConnectionState_None;
  const SessionConnectionInfo none = seam.getSessionConnectionInfo(kA, false, false);
  EXPECT_FALSE(steam.asked_info);
  EXPECT_FALSE(steam.asked_status);
  EXPECT_EQ(describe(none), "state=0 no-connection no-status");
  const SessionConnectionInfo only_status = seam.getSessionConnectionInfo(kA, false, true);
  EXPECT_FALSE(steam.asked_info);
  EXPECT_TRUE(steam.asked_status);
  EXPECT_FALSE(only_status.connection.has_value());
  EXPECT_TRUE(only_status.status.has_value());
}

TEST_F(SteamworksMessagesTest, EndTextsWithoutTerminatorAreReadWithinTheirArrays) {
  steam.info = everyFieldSetInfo();
  std::memset(steam.info.m_szEndDebug, 'x', sizeof steam.info.m_szEndDebug);
  const SessionConnectionInfo got = seam.getSessionConnectionInfo(kB, true, false);
  ASSERT_TRUE(got.connection.has_value());
  EXPECT_EQ(got.connection->end_debug, std::string(sizeof steam.info.m_szEndDebug, 'x'));
}

TEST_F(SteamworksMessagesTest, CallbacksBecomeSignals) {
  Signals signals;
  signals.attach(seam);
  SteamNetworkingMessagesSessionRequest_t request;
  std::memset(static_cast<void*>(&request), 0, sizeof request);
  request.m_identityRemote = steamIdentity(kA);
  seam.deliver(&request);
  SteamNetworkingMessagesSessionFailed_t failed;
  std::memset(static_cast<void*>(&failed), 0, sizeof failed);
  failed.m_info = everyFieldSetInfo();
  seam.deliver(&failed);
  EXPECT_EQ(signals.requests, std::vector<SteamId>{kA});
  ASSERT_EQ(signals.failures.size(), 1U);
  EXPECT_EQ(describe(signals.failures[0]),
            "reason=5003 remote=" + std::to_string(kB) + " state=5 debug=Timed out");
}

TEST_F(SteamworksMessagesTest, RequestsFromOtherIdentityKindsAndNullAreNotSignalled) {
  Signals signals;
  signals.attach(seam);
  for (const NamedIdentity& other : otherIdentityKinds()) {
    SteamNetworkingMessagesSessionRequest_t request;
    std::memset(static_cast<void*>(&request), 0, sizeof request);
    request.m_identityRemote = other.identity;
    seam.deliver(&request);
  }
  seam.deliver(static_cast<const SteamNetworkingMessagesSessionRequest_t*>(nullptr));
  seam.deliver(static_cast<const SteamNetworkingMessagesSessionFailed_t*>(nullptr));
  EXPECT_TRUE(signals.requests.empty());
  EXPECT_TRUE(signals.failures.empty());
}

TEST_F(SteamworksMessagesTest, GlobalCallbacksReachTheTargetWhileItLives) {
  static_assert(std::is_convertible_v<decltype(&SteamworksMessages::globalSessionRequestCallback),
                                      FnSteamNetworkingMessagesSessionRequest>);
  static_assert(std::is_convertible_v<decltype(&SteamworksMessages::globalSessionFailedCallback),
                                      FnSteamNetworkingMessagesSessionFailed>);
  const FnSteamNetworkingMessagesSessionRequest on_request =
      &SteamworksMessages::globalSessionRequestCallback;
  const FnSteamNetworkingMessagesSessionFailed on_failed =
      &SteamworksMessages::globalSessionFailedCallback;
  SteamNetworkingMessagesSessionRequest_t request;
  std::memset(static_cast<void*>(&request), 0, sizeof request);
  request.m_identityRemote = steamIdentity(kB);
  SteamNetworkingMessagesSessionFailed_t failed;
  std::memset(static_cast<void*>(&failed), 0, sizeof failed);
  failed.m_info = everyFieldSetInfo();

  on_request(&request);  // no target yet: nothing happens
  Signals first_signals;
  Signals second_signals;
  {
    SteamworksMessages second{&steam};
    first_signals.attach(seam);
    second_signals.attach(second);
    seam.makeGlobalCallbackTarget();
    on_request(&request);
    on_failed(&failed);
    second.makeGlobalCallbackTarget();  // the last one wins
    on_request(&request);
  }  // `second` is destroyed: no target any more
  on_request(&request);
  on_failed(&failed);
  EXPECT_EQ(first_signals.requests, std::vector<SteamId>{kB});
  EXPECT_EQ(first_signals.failures.size(), 1U);
  EXPECT_EQ(second_signals.requests, std::vector<SteamId>{kB});
  EXPECT_TRUE(second_signals.failures.empty());
}

TEST(SteamworksMessages, RunCallbacksRunsTheGivenSteamDispatch) {
  ScriptedSteam steam;
  int runs = 0;
  SteamworksMessages seam(&steam, [&] { ++runs; });
  seam.runCallbacks();
  seam.runCallbacks();
  EXPECT_EQ(runs, 2);
  SteamworksMessages without(&steam);
  without.runCallbacks();  // nothing to run
  EXPECT_EQ(without.steam(), &steam);
}

TEST(SteamworksMessages, NullInterfaceIsRejected) {
  EXPECT_THROW(SteamworksMessages(nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace steamsim::steamworks_test
