// Several processes: the real `steamsim serve` and game-like client processes attached to
// it by Steam ID. Reliable and unreliable traffic under loss, a partition seen as 5003 on
// the other side, a client killed with SIGKILL noticed by the others, a clean stop, and a
// scenario whose external peer is a process, end to end.

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "child_process.hpp"
#include "remote_support.hpp"

namespace steamsim::remote_test {
namespace {

namespace fs = std::filesystem;

class RemoteProcess : public ::testing::Test {
 protected:
  RemoteProcess() {
    std::string pattern = (fs::temp_directory_path() / "steamsim-remote-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  ~RemoteProcess() override {
    clients_.clear();
    server_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string path(const std::string& name) const { return (fs::path(dir_) / name).string(); }

  /// Starts `steamsim serve` with a token file, waits for its ready file.
  void startServer(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {STEAMSIM_CLI,   "serve",       "--ready-file", path("addr"),
                                     "--token-file", path("token"), "--no-status"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    server_ = std::make_unique<ChildProcess>(argv, path("serve.err"));
    ASSERT_TRUE(server_->started());
    ASSERT_TRUE(waitForFile(path("addr"), 20s)) << readFile(path("serve.err"));
  }

  RemoteOptions options() const {
    RemoteOptions o;
    std::string address = readFile(path("addr"));
    o.address = address.substr(0, address.find('\n'));
    o.token = readTokenFile(path("token"));
    return o;
  }

  /// Starts a client process as `id`, waits for its ready file.
  ChildProcess& startClient(SteamId id) {
    const std::string ready = path("client-" + std::to_string(id));
    auto child = std::make_unique<ChildProcess>(
        std::vector<std::string>{STEAMSIM_TEST_CLIENT, "--address-file", path("addr"),
                                 "--token-file", path("token"), "--steam-id", std::to_string(id),
                                 "--ready-file", ready},
        ready + ".err");
    EXPECT_TRUE(child->started());
    EXPECT_TRUE(waitForFile(ready, 20s)) << readFile(ready + ".err");
    clients_.push_back(std::move(child));
    return *clients_.back();
  }

  /// Sends a command to a client and returns its answer.
  static std::string ask(ChildProcess& client, const std::string& command,
                         std::chrono::milliseconds timeout = 20s) {
    client.writeLine(command);
    return client.readLine(timeout).value_or("(no answer)");
  }

  static std::string id(SteamId s) { return std::to_string(s); }

  /// A sends one reliable message to B and B reads it: both Connected.
  void connect(ChildProcess& a, ChildProcess& b) {
    ASSERT_EQ(ask(a, "send " + id(kB) + " 8 0 1 16"), "sent 1 1");
    ASSERT_EQ(ask(b, "expect " + id(kA) + " 0 1 10000"), "got 1 in_order 1 dups 0");
    ASSERT_EQ(ask(a, "state " + id(kB)), "state 3");
  }

  std::string dir_;
  std::unique_ptr<ChildProcess> server_;
  std::vector<std::unique_ptr<ChildProcess>> clients_;
};

TEST_F(RemoteProcess, TokenFileIsReadableOnlyByItsOwner) {
  startServer();
  struct stat st {};
  ASSERT_EQ(::stat(path("token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  EXPECT_EQ(readTokenFile(path("token")).size(), 32U);
  RemoteOptions wrong = options();
  wrong.token = "not-the-token";
  EXPECT_THROW(RemotePeer(wrong, kA), RemoteError);
}

TEST_F(RemoteProcess, ReliableAndUnreliableTrafficUnderLossBetweenTwoProcesses) {
  startServer();
  RemoteControl control(options());
  remote::LinkConditions lossy;
  lossy.loss_pct = 10;
  lossy.latency_ms = 2;
  control.setDefaultLink(lossy);
  ChildProcess& a = startClient(kA);
  ChildProcess& b = startClient(kB);
  connect(a, b);

  ASSERT_EQ(ask(a, "send " + id(kB) + " 8 1 200 64"), "sent 200 1");
  EXPECT_EQ(ask(b, "expect " + id(kA) + " 1 200 20000"), "got 200 in_order 1 dups 0");

  ASSERT_EQ(ask(a, "send " + id(kB) + " 1 2 200 64"), "sent 200 1");
  // Every unreliable datagram is on the wire before the marker; with a fixed latency and no
  // reordering, whatever survives the loss arrives before it.
  ASSERT_EQ(ask(a, "flush " + id(kB) + " 10000"), "flushed");
  ASSERT_EQ(ask(a, "send " + id(kB) + " 8 3 1 8"), "sent 1 1");
  const std::string got = ask(b, "until " + id(kA) + " 2 3 20000");
  int count = 0;
  int in_order = 0;
  int dups = -1;
  ASSERT_EQ(std::sscanf(got.c_str(), "got %d in_order %d dups %d", &count, &in_order, &dups), 3)
      << got;
  EXPECT_LT(count, 200) << "10% loss drops some unreliable messages";
  EXPECT_GT(count, 120);
  EXPECT_EQ(dups, 0);
  EXPECT_GT(control.linkCounters(kA, kB).dropped_loss, 0U);
}

TEST_F(RemoteProcess, PartitionedClientSees5003FromTheOtherSide) {
  startServer({"--timeout-connected-ms", "500"});
  RemoteControl control(options());
  ChildProcess& a = startClient(kA);
  ChildProcess& b = startClient(kB);
  connect(a, b);
  control.partition({{kA}, {kB}});
  ASSERT_EQ(ask(a, "send " + id(kB) + " 8 1 1 64"), "sent 1 1");
  EXPECT_EQ(ask(a, "wait-failed " + id(kB) + " 10000"), "failed 5003 5 Connection dropped");
  control.heal();
}

TEST_F(RemoteProcess, ClientKilledWithSigkillIsNoticedByTheOthers) {
  startServer({"--timeout-connected-ms", "500"});
  RemoteControl control(options());
  ChildProcess& a = startClient(kA);
  ChildProcess& b = startClient(kB);
  connect(a, b);
  b.signal(SIGKILL);
  EXPECT_EQ(b.wait(5s), 128 + SIGKILL);
  const auto crashed = [&] {
    for (const auto& p : control.peers()) {
      if (p.steam_id == kB) return p.crashed && !p.attached;
    }
    return false;
  };
  ASSERT_TRUE(pollUntil(crashed, 10s)) << "the server made the killed client's peer a crashed peer";
  ASSERT_EQ(ask(a, "send " + id(kB) + " 8 1 1 64"), "sent 1 1");
  EXPECT_EQ(ask(a, "wait-failed " + id(kB) + " 10000"), "failed 5003 5 Connection dropped");
  // The Steam ID is free again: a new process can play it.
  ChildProcess& b2 = startClient(kB);
  EXPECT_EQ(ask(b2, "state " + id(kA)), "state 0");
}

TEST_F(RemoteProcess, SigtermStopsTheServerCleanly) {
  startServer();
  ChildProcess& a = startClient(kA);
  (void)a;
  server_->signal(SIGTERM);
  EXPECT_EQ(server_->wait(10s), 0);
  EXPECT_NE(readFile(path("serve.err")).find("stopped"), std::string::npos)
      << readFile(path("serve.err"));
}

TEST_F(RemoteProcess, InvalidListenAddressIsRefusedWithExitStatus2) {
  ChildProcess serve({STEAMSIM_CLI, "serve", "--no-token", "--listen", "127.0.0.1:99999"},
                     path("bad.err"));
  EXPECT_EQ(serve.wait(10s), 2);
  EXPECT_NE(readFile(path("bad.err")).find("--listen"), std::string::npos);
}

constexpr const char* kExternalScenario = R"({
  "name": "a real process plays the guest",
  "seed": 3,
  "duration_ms": 3000,
  "config": { "timeout_connected_ms": 1000 },
  "peers": { "host": { "steam_id": 76561198000000001 },
             "guest": { "steam_id": 76561198000000002, "external": true } },
  "links": [ { "from": "*", "to": "*", "latency_ms": 5 } ],
  "timeline": [
    { "at_ms": 0, "peer": "host", "send": { "to": "guest", "channel": 1,
      "flags": ["reliable"], "size": 64, "count": 20 } }
  ],
  "expect": [
    { "peer": "guest", "received": { "from": "host", "channel": 1, "count": 20 },
      "by_ms": 2500 },
    { "peer": "host", "received": { "from": "guest", "channel": 2, "min": 10 },
      "by_ms": 3000 },
    { "peer": "guest", "signal": "session_request", "remote": "host", "count": 1 }
  ]
})";

TEST_F(RemoteProcess, ScenarioWithAnExternalPeerRunsEndToEnd) {
  { std::ofstream(path("scenario.json")) << kExternalScenario; }
  startServer({"--scenario", path("scenario.json"), "--json", path("report.json")});
  ChildProcess& guest = startClient(kB);
  EXPECT_EQ(ask(guest, "expect " + id(kA) + " 1 20 5000"), "got 20 in_order 1 dups 0");
  EXPECT_EQ(ask(guest, "send " + id(kA) + " 8 2 10 32"), "sent 10 1");
  EXPECT_EQ(server_->wait(20s), 0) << server_->readAll(1s) << readFile(path("serve.err"));
  const std::string report = readFile(path("report.json"));
  EXPECT_NE(report.find("a real process plays the guest"), std::string::npos) << report;
}

TEST_F(RemoteProcess, ScenarioTimesOutNamingTheMissingExternalPeer) {
  { std::ofstream(path("scenario.json")) << kExternalScenario; }
  startServer({"--scenario", path("scenario.json"), "--attach-timeout-ms", "300"});
  EXPECT_EQ(server_->wait(20s), 1);
  const std::string out = server_->readAll(1s);
  EXPECT_NE(out.find("\"guest\" (76561198000000002)"), std::string::npos) << out;
}

TEST_F(RemoteProcess, ScenarioWithExternalPeersCannotRunWithoutServe) {
  { std::ofstream(path("scenario.json")) << kExternalScenario; }
  ChildProcess run({STEAMSIM_CLI, "run", path("scenario.json")}, path("run.err"));
  EXPECT_EQ(run.wait(20s), 1);
  EXPECT_NE(run.readAll(1s).find("steamsim serve --scenario"), std::string::npos);
}

}  // namespace
}  // namespace steamsim::remote_test
