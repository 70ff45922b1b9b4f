// SPDX-License-Identifier: MIT
// The server's own duties: the handshake, tokens, one client per Steam ID, control
// requests, frames too large for one response, and hostile clients (garbage, half frames,
// oversized frames, floods). A hostile client is dropped alone; the server keeps serving.

#include <thread>

#include "remote_support.hpp"

namespace steamsim::remote_test {
namespace {

namespace protocol = remote::protocol;
using protocol::ErrorCode;

class RemoteServer : public ::testing::Test {
 protected:
  /// Fast pacing and a big send buffer, so large messages take little wall time.
  static NetworkConfig config() {
    NetworkConfig c = fastConfig();
    c.send_rate = 64 * 1024 * 1024;
    c.send_buffer = 4 * 1024 * 1024;
    return c;
  }
  explicit RemoteServer(std::string token = {}) : net_(config()) {
    remote::ServerOptions options;
    options.token = std::move(token);
    options.hello_timeout = 300ms;
    options.max_handshaking = 16;
    server_ = std::make_unique<remote::Server>(net_, options);
    server_->start();
  }
  ~RemoteServer() override { server_->stop(); }

  RemoteOptions options(std::string token = {}) const {
    RemoteOptions o;
    o.address = server_->address();
    o.token = std::move(token);
    o.timeout = 3s;
    return o;
  }

  /// A well-behaved client still gets served.
  void expectServing() {
    RemotePeer probe(options(), kC + 100);
    EXPECT_TRUE(probe.connected());
    EXPECT_EQ(probe.getSessionConnectionInfo(kNobody, false, false).connection_state,
              ConnectionState::None);
    EXPECT_TRUE(probe.connected());
  }

  std::uint32_t refusalCode(const std::function<void()>& attach) {
    try {
      attach();
    } catch (const RemoteError& e) {
      return e.code();
    }
    return 0;
  }

  Network net_;
  std::unique_ptr<remote::Server> server_;
};

class RemoteServerWithToken : public RemoteServer {
 protected:
  RemoteServerWithToken() : RemoteServer("s3cret-token") {}
};

TEST_F(RemoteServer, ListensOnLoopbackPortChosenByTheSystem) {
  EXPECT_EQ(server_->address().rfind("127.0.0.1:", 0), 0U) << server_->address();
  EXPECT_NE(server_->address(), "127.0.0.1:0");
}

TEST_F(RemoteServer, AttachCreatesThePeerAndWelcomesWithItsSteamId) {
  RemotePeer a(options(), kA);
  EXPECT_EQ(a.steamId(), kA);
  EXPECT_TRUE(net_.hasPeer(kA));
  EXPECT_EQ(server_->attachedPeers(), std::vector<SteamId>{kA});
}

TEST_F(RemoteServer, SecondAttachOfALiveSteamIdIsRefusedAndAllowedAfterItGoes) {
  auto first = std::make_unique<RemotePeer>(options(), kA);
  EXPECT_EQ(refusalCode([&] { RemotePeer again(options(), kA); }),
            static_cast<std::uint32_t>(ErrorCode::SteamIdInUse));
  EXPECT_TRUE(first->connected()) << "the live client is not harmed";
  first.reset();
  ASSERT_TRUE(net_.runUntil([&] { return server_->attachedPeers().empty(); }, 3s));
  EXPECT_TRUE(net_.peer(kA).crashed()) << "a client that goes is a crashed peer";
  RemotePeer back(options(), kA);
  EXPECT_FALSE(net_.peer(kA).crashed()) << "re-attaching restarts it";
}

TEST_F(RemoteServer, ClientThatGoesIsACrashedPeerAndTheOtherSeesTheSessionFail) {
  auto a = std::make_unique<RemotePeer>(options(), kA);
  RemotePeer b(options(), kB);
  std::vector<SessionFailed> failures;
  b.onSessionFailed([&](const SessionFailed& f) { failures.push_back(f); });
  a->onSessionRequest([&](SteamId id) { a->acceptSessionWithUser(id); });
  std::size_t got = 0;
  ASSERT_EQ(b.sendMessageToUser(kA, std::string_view("hi"), NETWORKING_SEND_RELIABLE, 0),
            Result::OK);
  ASSERT_TRUE(net_.runUntil(
      [&] {
        a->runCallbacks();
        got += a->receiveMessagesOnChannel(0, 1).size();
        return stateOf(b, kA) == ConnectionState::Connected && got > 0;
      },
      3s))
      << "state " << stateOf(b, kA) << ", got " << got;
  a.reset();
  ASSERT_EQ(b.sendMessageToUser(kA, std::string_view("anyone?"), NETWORKING_SEND_RELIABLE, 0),
            Result::OK);
  ASSERT_TRUE(net_.runUntil(
      [&] {
        b.runCallbacks();
        return !failures.empty();
      },
      3s));
  EXPECT_EQ(failures[0].reason, 5003);
  EXPECT_EQ(failures[0].remote_steam_id, kA);
}

TEST_F(RemoteServerWithToken, TokenIsRequired) {
  EXPECT_EQ(refusalCode([&] { RemotePeer p(options(), kA); }),
            static_cast<std::uint32_t>(ErrorCode::BadToken));
  EXPECT_EQ(refusalCode([&] { RemotePeer p(options("wrong-token!"), kA); }),
            static_cast<std::uint32_t>(ErrorCode::BadToken));
  RemotePeer ok(options("  s3cret-token\n"), kA);
  EXPECT_TRUE(ok.connected());
  EXPECT_FALSE(net_.hasPeer(kB));
}

TEST(RemoteToken, ConstantTimeEqualsAndGeneratedTokens) {
  EXPECT_TRUE(remote::constantTimeEquals("abc", "abc"));
  EXPECT_FALSE(remote::constantTimeEquals("abc", "abd"));
  EXPECT_FALSE(remote::constantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(remote::constantTimeEquals("", "a"));
  const std::string t1 = remote::generateToken();
  EXPECT_EQ(t1.size(), 32U);
  EXPECT_NE(t1, remote::generateToken());
}

TEST_F(RemoteServer, WrongVersionRoleOrSteamIdIsRefusedWithItsCode) {
  RawClient version(server_->address());
  version.sendBytes(RawClient::hello(kA, {}, 99));
  auto e = version.readError();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, static_cast<std::uint32_t>(ErrorCode::VersionMismatch));
  EXPECT_TRUE(e->fatal);
  EXPECT_NE(e->text.find("version 1"), std::string::npos) << e->text;
  EXPECT_TRUE(version.closedByServer());

  RawClient zero(server_->address());
  zero.sendBytes(RawClient::hello(0));
  e = zero.readError();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, static_cast<std::uint32_t>(ErrorCode::InvalidSteamId));

  RawClient role(server_->address());
  role.sendBytes(RawClient::hello(kA, {}, protocol::kVersion, 8));
  e = role.readError();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, static_cast<std::uint32_t>(ErrorCode::InvalidSteamId));
  expectServing();
}

TEST_F(RemoteServer, GarbageGetsAnErrorFrameAndOnlyThatClientIsDropped) {
  RemotePeer a(options(), kA);
  RawClient garbage(server_->address());
  garbage.sendBytes(
      {'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n'});
  const auto e = garbage.readError();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, static_cast<std::uint32_t>(ErrorCode::FrameTooLarge)) << e->text;
  EXPECT_TRUE(garbage.closedByServer());

  RawClient not_hello(server_->address());
  not_hello.sendBytes(RawClient::frame(0x0101, 3, {1, 2, 3}));
  const auto e2 = not_hello.readError();
  ASSERT_TRUE(e2);
  EXPECT_EQ(e2->code, static_cast<std::uint32_t>(ErrorCode::BadMagic));

  RawClient bad_magic(server_->address());
  auto hello = RawClient::hello(kB);
  hello[10] = 'X';
  bad_magic.sendBytes(hello);
  const auto e3 = bad_magic.readError();
  ASSERT_TRUE(e3);
  EXPECT_EQ(e3->code, static_cast<std::uint32_t>(ErrorCode::BadMagic));

  EXPECT_TRUE(a.connected());
  EXPECT_EQ(a.getSessionConnectionInfo(kB, false, false).connection_state, ConnectionState::None);
  expectServing();
}

TEST_F(RemoteServer, OversizedFrameIsRefusedWithoutReadingIt) {
  RawClient big(server_->address());
  std::vector<std::uint8_t> header(10, 0);
  const std::uint32_t length = protocol::kMaxFrameLength + 1;
  for (int i = 0; i < 4; ++i)
    header[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(length >> (8 * i));
  big.sendBytes(header);
  const auto e = big.readError();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, static_cast<std::uint32_t>(ErrorCode::FrameTooLarge));
  EXPECT_TRUE(big.closedByServer());

  // Before the handshake even 5000 bytes is too much: a Hello is far smaller.
  RawClient stranger(server_->address());
  stranger.sendBytes(RawClient::frame(0x0001, 1, std::vector<std::uint8_t>(5000, 'S')));
  const auto e2 = stranger.readError();
  ASSERT_TRUE(e2);
  EXPECT_EQ(e2->code, static_cast<std::uint32_t>(ErrorCode::FrameTooLarge));
  EXPECT_NE(e2->text.find("before the handshake"), std::string::npos) << e2->text;
  expectServing();
}

TEST_F(RemoteServer, HandlersMayCallAnyFunctionRunCallbacksToo) {
  RemotePeer a(options(), kA);
  RemotePeer b(options(), kB);
  int nested = 0;
  b.onSessionRequest([&](SteamId id) {
    EXPECT_TRUE(b.acceptSessionWithUser(id));
    ++nested;
    b.runCallbacks();  // re-entered from a handler: no deadlock
  });
  ASSERT_EQ(a.sendMessageToUser(kB, std::string_view("x"), NETWORKING_SEND_RELIABLE, 0),
            Result::OK);
  ASSERT_TRUE(net_.runUntil(
      [&] {
        b.runCallbacks();
        return nested > 0;
      },
      3s));
  EXPECT_EQ(nested, 1);
}

TEST_F(RemoteServer, HalfAFrameThenSilenceTimesOutTheHandshake) {
  RawClient half(server_->address());
  auto hello = RawClient::hello(kA);
  hello.resize(hello.size() / 2);
  half.sendBytes(hello);
  const auto e = half.readError(3s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, static_cast<std::uint32_t>(ErrorCode::HelloTimeout));
  EXPECT_TRUE(half.closedByServer());
  EXPECT_FALSE(net_.hasPeer(kA));

  RawClient gone(server_->address());
  gone.sendBytes(hello);
  gone.closeNow();
  expectServing();
}

TEST_F(RemoteServer, MalformedRequestAfterAttachDropsThatClientAndCrashesItsPeer) {
  RawClient raw(server_->address());
  raw.sendBytes(RawClient::hello(kA));
  auto welcome = raw.readFrame();
  ASSERT_TRUE(welcome);
  EXPECT_EQ(welcome->first.type, 0x8001);
  // sendMessageToUser with a bytes field longer than the frame.
  raw.sendBytes(RawClient::frame(
      0x0101, 7, {1, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 'x'}));
  const auto e = raw.readError();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, static_cast<std::uint32_t>(ErrorCode::Malformed));
  EXPECT_NE(e->text.find("past the end"), std::string::npos) << e->text;
  EXPECT_TRUE(raw.closedByServer());
  ASSERT_TRUE(net_.runUntil([&] { return net_.peer(kA).crashed(); }, 3s));
  expectServing();
}

TEST_F(RemoteServer, UnknownRequestAndWrongRoleAreRefusedButTheConnectionStays) {
  RawClient raw(server_->address());
  raw.sendBytes(RawClient::hello(kA));
  ASSERT_TRUE(raw.readFrame());
  raw.sendBytes(RawClient::frame(0x0999, 4, {}));
  auto e = raw.readError();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, static_cast<std::uint32_t>(ErrorCode::UnknownType));
  EXPECT_FALSE(e->fatal);
  raw.sendBytes(RawClient::frame(0x0206, 5, {}));  // heal: control only
  e = raw.readError();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, static_cast<std::uint32_t>(ErrorCode::NotPermitted));
  EXPECT_FALSE(e->fatal);
  raw.sendBytes(RawClient::frame(0x0107, 6, {}));  // runCallbacks still answered
  const auto f = raw.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->first.type, 0x8107);
  EXPECT_EQ(f->first.request_id, 6U);
}

TEST_F(RemoteServer, AttachFloodIsCappedAndTheServerKeepsServing) {
  std::vector<std::unique_ptr<RawClient>> flood;
  for (int i = 0; i < 40; ++i) flood.push_back(std::make_unique<RawClient>(server_->address()));
  int refused = 0;
  for (auto& c : flood) {
    if (auto e = c->readError(2s);
        e && e->code == static_cast<std::uint32_t>(ErrorCode::ServerFull)) {
      ++refused;
    }
  }
  EXPECT_GT(refused, 0) << "more than max_handshaking clients without Hello";
  flood.clear();
  ASSERT_TRUE(net_.runUntil([&] { return server_->stats().connections == 0; }, 3s));
  expectServing();
}

TEST_F(RemoteServer, ControlDrivesTheNetworkAndRefusesBadInput) {
  RemoteControl control(options());
  RemotePeer a(options(), kA);
  control.addPeer(kB);
  EXPECT_TRUE(net_.hasPeer(kB));
  const auto peers = control.peers();
  ASSERT_EQ(peers.size(), 2U);
  EXPECT_EQ(peers[0].steam_id, kA);
  EXPECT_TRUE(peers[0].attached);
  EXPECT_FALSE(peers[1].attached);
  EXPECT_EQ(peers[1].socket_address.rfind("127.0.0.1:", 0), 0U);

  remote::LinkConditions c;
  c.loss_pct = 12.5;
  c.latency_ms = 30;
  c.jitter_reorders = true;
  c.corrupt_pct = 1;
  control.setLink(kA, kB, c);
  EXPECT_EQ(control.link(kA, kB), c);
  EXPECT_EQ(net_.link(kA, kB).loss_pct, 12.5);
  control.clearLink(kA, kB);
  EXPECT_EQ(control.link(kA, kB), remote::LinkConditions{});

  remote::LinkConditions bad;
  bad.loss_pct = 140;
  try {
    control.setDefaultLink(bad);
    ADD_FAILURE() << "invalid conditions accepted";
  } catch (const RemoteError& e) {
    EXPECT_EQ(e.code(), static_cast<std::uint32_t>(ErrorCode::InvalidArgument));
    EXPECT_NE(std::string(e.what()).find("loss_pct"), std::string::npos) << e.what();
  }
  EXPECT_THROW(control.crash(kNobody), RemoteError);
  control.crash(kB);
  EXPECT_TRUE(net_.peer(kB).crashed());
  control.restart(kB);
  EXPECT_FALSE(net_.peer(kB).crashed());
  control.partition({{kA}, {kB}});
  control.heal();
  EXPECT_EQ(control.traceHash(), net_.traceHash());
  EXPECT_GT(control.now().count(), 0);
  EXPECT_EQ(control.counters().events, net_.counters().events);
  EXPECT_EQ(control.linkCounters(kA, kB).offered, net_.linkCounters(kA, kB).offered);
  EXPECT_EQ(control.peerCounters(kA).datagrams_received,
            net_.peer(kA).counters().datagrams_received);
  // A control-only connection cannot make API calls.
  EXPECT_THROW(control.addPeer(kA), RemoteError) << "already exists";
}

TEST_F(RemoteServer, ReceiveBatchLargerThanAFrameIsSplitAcrossCallsInOrder) {
  RemotePeer a(options(), kA);
  RemotePeer b(options(), kB);
  b.onSessionRequest([&](SteamId id) { b.acceptSessionWithUser(id); });
  for (std::uint32_t i = 1; i <= 3; ++i) {
    ASSERT_EQ(send(a, kB, seqPayload(i, 300000), NETWORKING_SEND_RELIABLE, 1), Result::OK);
  }
  std::vector<Message> got;
  ASSERT_TRUE(net_.runUntil(
      [&] {
        b.runCallbacks();
        if (net_.peer(kB).counters().messages_received < 3) return false;
        auto batch = b.receiveMessagesOnChannel(1, 10);
        EXPECT_LE(batch.size(), 1U) << "two 300 kB messages cannot share one frame";
        for (auto& m : batch) got.push_back(std::move(m));
        return got.size() >= 3;
      },
      20s));
  ASSERT_EQ(got.size(), 3U);
  for (std::uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(seqOf(got[i]), i + 1);
    EXPECT_EQ(got[i].payload, seqPayload(i + 1, 300000));
  }
}

TEST_F(RemoteServer, BatchedSendsReturnOneResultEach) {
  RemotePeer a(options(), kA);
  RemotePeer b(options(), kB);
  b.onSessionRequest([&](SteamId id) { b.acceptSessionWithUser(id); });
  const auto payload = seqPayload(1, 64);
  std::vector<remote::OutgoingMessage> batch;
  for (int i = 0; i < 100; ++i) batch.push_back({kB, payload, NETWORKING_SEND_RELIABLE, 2});
  batch.push_back({0, payload, NETWORKING_SEND_RELIABLE, 2});
  const auto results = a.sendMessagesToUser(batch);
  ASSERT_EQ(results.size(), 101U);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(results[static_cast<std::size_t>(i)], Result::OK);
  EXPECT_EQ(results[100], Result::InvalidParam);
  std::size_t got = 0;
  ASSERT_TRUE(net_.runUntil(
      [&] {
        b.runCallbacks();
        got += b.receiveMessagesOnChannel(2, 256).size();
        return got == 100;
      },
      5s));
}

TEST_F(RemoteServer, StopTellsClientsAndTheirCallsAnswerAsWithoutSteam) {
  RemotePeer a(options(), kA);
  server_->stop();
  EXPECT_EQ(a.sendMessageToUser(kB, std::string_view("x"), NETWORKING_SEND_RELIABLE, 0),
            Result::None);
  EXPECT_FALSE(a.connected());
  EXPECT_NE(a.lastError().find("ShuttingDown"), std::string::npos) << a.lastError();
  EXPECT_FALSE(a.acceptSessionWithUser(kB));
  EXPECT_TRUE(a.receiveMessagesOnChannel(0, 10).empty());
}

TEST(RemoteClient, UnreachableServerThrowsATransportError) {
  RemoteOptions o;
  o.address = "127.0.0.1:1";
  try {
    RemotePeer p(o, kA);
    ADD_FAILURE() << "attached to nothing";
  } catch (const RemoteError& e) {
    EXPECT_EQ(e.code(), 0U);
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:1"), std::string::npos) << e.what();
  }
  o.address = "no-port";
  EXPECT_THROW(RemotePeer(o, kA), RemoteError);
}

}  // namespace
}  // namespace steamsim::remote_test
