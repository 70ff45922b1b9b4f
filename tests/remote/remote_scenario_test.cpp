// SPDX-License-Identifier: MIT
// External peers in scenarios: the loader's rules, and a run whose external peer is played
// through the attach server by a RemotePeer in this test (the runner, the host and the
// server in one process; tests/remote/remote_process_test.cpp does it across processes).

#include <condition_variable>
#include <mutex>
#include <thread>

#include <steamsim/remote/scenario_host.hpp>
#include <steamsim/scenario.hpp>

#include "remote_support.hpp"

namespace steamsim::remote_test {
namespace {

namespace sc = steamsim::scenario;

std::string errorsOf(const sc::LoadResult& loaded) {
  std::string all;
  for (const auto& e : loaded.errors) all += e.toString() + "\n";
  return all;
}

constexpr const char* kScenario = R"({
  "name": "external guest",
  "duration_ms": 1500,
  "peers": { "host": { "steam_id": 76561198000000001 },
             "guest": { "steam_id": 76561198000000002, "external": true } },
  "timeline": [
    { "at_ms": 0, "peer": "host", "send": { "to": "guest", "channel": 1,
      "flags": ["reliable"], "size": 40, "count": 5 } },
    { "at_ms": 1000, "partition": [["host"], ["guest"]] }
  ],
  "expect": [
    { "peer": "guest", "received": { "from": "host", "channel": 1, "count": 5,
      "in_order": true }, "by_ms": 900 },
    { "peer": "host", "received": { "from": "guest", "channel": 2, "min": 3 }, "by_ms": 1500 },
    { "peer": "guest", "signal": "session_request", "remote": "host", "count": 1 }
  ]
})";

TEST(RemoteScenario, ExternalIsLoadedAndWrittenBack) {
  const auto loaded = sc::loadScenarioText(kScenario, "external.json");
  ASSERT_TRUE(loaded.ok()) << errorsOf(loaded);
  EXPECT_FALSE(loaded.scenario->peers[0].external);
  EXPECT_TRUE(loaded.scenario->peers[1].external);
  const auto again = sc::loadScenarioText(sc::toJson(*loaded.scenario).dump(), "again.json");
  ASSERT_TRUE(again.ok()) << errorsOf(again);
  EXPECT_TRUE(again.scenario->peers[1].external);
}

TEST(RemoteScenario, ActionsOfAnExternalPeerAreRejectedBeforeRunning) {
  const auto loaded = sc::loadScenarioText(R"({
    "name": "x", "duration_ms": 1000,
    "peers": { "a": { "steam_id": 1 }, "b": { "steam_id": 2, "external": true } },
    "timeline": [ { "at_ms": 0, "peer": "b", "send": { "to": "a", "count": 1, "size": 8 } },
                  { "at_ms": 10, "peer": "b", "crash": true } ]
  })",
                                           "x.json");
  ASSERT_FALSE(loaded.ok());
  const std::string errors = errorsOf(loaded);
  EXPECT_NE(errors.find("which is external"), std::string::npos) << errors;
  EXPECT_EQ(loaded.errors.size(), 1U) << "crash is allowed: " << errors;
  const auto typo = sc::loadScenarioText(R"({
    "name": "x", "duration_ms": 1000,
    "peers": { "a": { "steam_id": 1, "external": "yes" } } })",
                                         "typo.json");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(errorsOf(typo).find("/peers/a/external"), std::string::npos) << errorsOf(typo);
}

TEST(RemoteScenario, RunWithoutAHostForExternalPeersNamesThem) {
  const auto loaded = sc::loadScenarioText(kScenario, "external.json");
  ASSERT_TRUE(loaded.ok());
  const sc::RunResult result = sc::runScenario(*loaded.scenario);
  EXPECT_FALSE(result.passed());
  EXPECT_NE(result.error.find("\"guest\""), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("steamsim serve --scenario"), std::string::npos) << result.error;
}

TEST(RemoteScenario, ExternalPeerPlayedThroughTheServerPassesItsChecks) {
  const auto loaded = sc::loadScenarioText(kScenario, "external.json");
  ASSERT_TRUE(loaded.ok());
  std::string address;
  std::mutex mutex;
  std::condition_variable listening;
  remote::ScenarioHostOptions options;
  options.attach_timeout = 10s;
  options.on_listening = [&](const std::string& a) {
    std::lock_guard lock(mutex);
    address = a;
    listening.notify_all();
  };
  remote::ScenarioHost host(*loaded.scenario, options);
  sc::RunOptions run;
  run.external = &host;
  sc::RunResult result;
  std::thread runner([&] { result = sc::runScenario(*loaded.scenario, run); });

  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(listening.wait_for(lock, 10s, [&] { return !address.empty(); }));
  }
  RemoteOptions remote_options;
  remote_options.address = address;
  // The runner plays the host: its Steam ID is refused.
  try {
    RemotePeer impostor(remote_options, kA);
    ADD_FAILURE() << "attached as a peer the runner plays";
  } catch (const RemoteError& e) {
    EXPECT_EQ(e.code(), static_cast<std::uint32_t>(remote::protocol::ErrorCode::NotPermitted));
  }
  {
    RemotePeer guest(remote_options, kB);
    guest.onSessionRequest([&guest](SteamId id) { guest.acceptSessionWithUser(id); });
    std::size_t got = 0;
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (got < 5 && std::chrono::steady_clock::now() < until) {
      guest.runCallbacks();
      got += guest.receiveMessagesOnChannel(1, 16).size();
    }
    EXPECT_EQ(got, 5U);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(guest.sendMessageToUser(kA, std::string_view("pong"), NETWORKING_SEND_RELIABLE, 2),
                Result::OK);
    }
    // Stay attached until the server stops at the end of the run.
    while (guest.connected()) guest.runCallbacks();
    EXPECT_NE(guest.lastError().find("ShuttingDown"), std::string::npos) << guest.lastError();
  }
  runner.join();
  EXPECT_TRUE(result.passed()) << result.error;
  for (const auto& check : result.checks) {
    EXPECT_TRUE(check.passed) << check.title << ": expected " << check.expected << ", got "
                              << check.actual;
  }
}

}  // namespace
}  // namespace steamsim::remote_test
