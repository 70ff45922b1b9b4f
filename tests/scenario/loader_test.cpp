// SPDX-License-Identifier: MIT
// The loader: defaults, names for numbers, link layering, round trips through toJson, and
// finding files.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <steamsim/scenario.hpp>

namespace steamsim::scenario {
namespace {

namespace fs = std::filesystem;

Scenario load(const std::string& text) {
  LoadResult result = loadScenarioText(text, "test.json");
  std::string errors;
  for (const Diagnostic& d : result.errors) errors += d.toString() + "\n";
  EXPECT_TRUE(result.ok()) << errors;
  return result.ok() ? *result.scenario : Scenario{};
}

TEST(Loader, MinimalScenarioGetsTheDocumentedDefaults) {
  const Scenario s = load(R"({"duration_ms": 500, "peers": {"a": {"steam_id": 7}}})");
  EXPECT_EQ(s.name, "test");  // the file name without extension
  EXPECT_EQ(s.seed, 1U);
  EXPECT_EQ(s.duration_ms, 500.0);
  EXPECT_EQ(s.clock, ClockChoice::Virtual);
  ASSERT_EQ(s.peers.size(), 1U);
  EXPECT_EQ(s.peers[0].name, "a");
  EXPECT_EQ(s.peers[0].steam_id, 7U);
  EXPECT_EQ(s.peers[0].accept, AcceptPolicy::Auto);
  EXPECT_EQ(s.peers[0].poll_ms, 16);
  EXPECT_TRUE(s.peers[0].reading);
  const NetworkConfig config = s.networkConfig(42);
  EXPECT_EQ(config.seed, 42U);
  EXPECT_EQ(config.timeout_initial.count(), 10000);
  EXPECT_EQ(config.send_rate, 262144);
  EXPECT_TRUE(config.embed_callbacks);
}

TEST(Loader, PeersKeepFileOrderAndSteamIdsMayBeStrings) {
  const Scenario s = load(R"({"duration_ms": 500, "peers": {
      "zed": {"steam_id": "76561198000000009"}, "amy": {"steam_id": 76561198000000001}}})");
  ASSERT_EQ(s.peers.size(), 2U);
  EXPECT_EQ(s.peers[0].name, "zed");
  EXPECT_EQ(s.peers[0].steam_id, 76561198000000009ULL);
  EXPECT_EQ(s.peers[1].name, "amy");
}

// Large objects are parsed through a key index: file order and duplicate detection must
// be the same as for small ones.
std::string manyPeersText(int peers, const std::string& extra_member) {
  std::string text = R"({"duration_ms": 500, "peers": {)";
  for (int i = peers - 1; i >= 0; --i) {
    text += "\"n" + std::to_string(i * 7919 % 1000) + "_" + std::to_string(i) +
            "\": {\"steam_id\": " + std::to_string(1000 + i) + "}, ";
  }
  return text + extra_member + "}}";
}

TEST(Loader, ManyPeersKeepFileOrder) {
  const std::string text = manyPeersText(300, R"("last": {"steam_id": 1})");
  const Scenario s = load(text);
  ASSERT_EQ(s.peers.size(), 301U);
  for (int k = 0; k < 300; ++k) {
    const int i = 299 - k;
    EXPECT_EQ(s.peers[static_cast<std::size_t>(k)].name,
              "n" + std::to_string(i * 7919 % 1000) + "_" + std::to_string(i));
    EXPECT_EQ(s.peers[static_cast<std::size_t>(k)].steam_id, static_cast<SteamId>(1000 + i));
  }
  EXPECT_EQ(s.peers.back().name, "last");
}

TEST(Loader, ARepeatedKeyInALargeObjectIsReported) {
  const LoadResult result =
      loadScenarioText(manyPeersText(100, R"("n0_0": {"steam_id": 5})"), "test.json");
  ASSERT_FALSE(result.ok());
  bool found = false;
  for (const Diagnostic& d : result.errors) {
    if (d.pointer == "/peers/n0_0" && d.message.find("\"n0_0\" again") != std::string::npos) {
      found = true;
    }
  }
  EXPECT_TRUE(found) << result.errors.front().toString();
}

TEST(Loader, ConfigOverridesEveryNetworkConfigField) {
  const Scenario s = load(R"({"duration_ms": 500, "peers": {"a": {"steam_id": 7}},
      "clock": "real",
      "config": {"timeout_initial_ms": 3000, "timeout_connected_ms": 4000,
                 "idle_timeout_ms": 5000, "nagle_us": 0, "send_rate": 100000,
                 "send_buffer": 65536, "broken_session_result": 3, "info_flags": 16,
                 "embed_callbacks": false, "max_unread_bytes": 1000000}})");
  const NetworkConfig c = s.networkConfig(1);
  EXPECT_EQ(c.clock, ClockMode::RealTime);
  EXPECT_EQ(c.timeout_initial.count(), 3000);
  EXPECT_EQ(c.timeout_connected.count(), 4000);
  EXPECT_EQ(c.idle_timeout.count(), 5000);
  EXPECT_EQ(c.nagle.count(), 0);
  EXPECT_EQ(c.send_rate, 100000);
  EXPECT_EQ(c.send_buffer, 65536);
  EXPECT_EQ(c.broken_session_result, 3);
  EXPECT_EQ(c.info_flags, 16);
  EXPECT_FALSE(c.embed_callbacks);
  EXPECT_EQ(c.max_unread_bytes, 1000000U);
}

TEST(Loader, FlagsResultsStatesAndReasonsByNameOrNumber) {
  const Scenario s = load(R"({"duration_ms": 5000,
      "peers": {"a": {"steam_id": 1}, "b": {"steam_id": 2}},
      "timeline": [
        {"at_ms": 0, "peer": "a", "send": {"to": "b", "payload": "x",
          "flags": ["unreliable", "no_nagle", "auto_restart_broken_session"],
          "expect_result": "connect_failed"}},
        {"at_ms": 0, "peer": "a", "send": {"to": "b", "payload": "y", "flags": "reliable",
          "expect_result": 25}},
        {"at_ms": 0, "peer": "a", "send": {"to": "b", "payload": "z", "flags": 9}}],
      "expect": [
        {"peer": "a", "signal": "session_failed", "reason": ["Misc_Timeout", 4001],
         "connection_state": "problem_detected_locally", "count": 0},
        {"peer": "a", "session": {"with": "b", "connection_state": "CONNECTED",
         "end_reason": "P2PSessionClosed", "ping": [10, 20]}, "at_ms": 100}]})");
  ASSERT_EQ(s.timeline.size(), 3U);
  const auto& s0 = std::get<SendAction>(s.timeline[0].action);
  EXPECT_EQ(s0.flags, 33);
  EXPECT_EQ(s0.expect_result, 35);
  EXPECT_EQ(std::get<SendAction>(s.timeline[1].action).flags, 8);
  EXPECT_EQ(std::get<SendAction>(s.timeline[1].action).expect_result, 25);
  EXPECT_EQ(std::get<SendAction>(s.timeline[2].action).flags, 9);
  const auto& sig = std::get<SignalCheck>(s.expectations[0].check);
  EXPECT_EQ(sig.reasons, (std::vector<int>{5003, 4001}));
  EXPECT_EQ(sig.connection_state, 5);
  EXPECT_EQ(sig.count.exact, 0);
  const auto& ses = std::get<SessionCheck>(s.expectations[1].check);
  EXPECT_EQ(ses.connection_state, 3);
  EXPECT_EQ(ses.end_reasons, (std::vector<int>{1001}));
  ASSERT_EQ(ses.status.size(), 1U);
  EXPECT_EQ(ses.status[0].field, "ping");
  EXPECT_EQ(s.expectations[1].timing.kind, Timing::Kind::At);
  EXPECT_EQ(s.channels(), (std::vector<int>{0}));
}

TEST(Loader, LaterLinkRulesOverrideOnlyTheFieldsTheySet) {
  const Scenario s = load(R"({"duration_ms": 500,
      "peers": {"a": {"steam_id": 1}, "b": {"steam_id": 2}, "c": {"steam_id": 3}},
      "links": [{"from": "*", "to": "*", "latency_ms": 40, "jitter_ms": 5},
                {"from": "b", "to": "a", "loss_pct": 20},
                {"between": ["a", "c"], "latency_ms": 100}]})");
  const auto conditions = [&](const std::string& from, const std::string& to) {
    LinkConditions c;
    for (const LinkRule& rule : s.links) {
      if (rule.matches(from, to)) rule.patch.applyTo(c);
    }
    return c;
  };
  EXPECT_EQ(conditions("b", "a").latency_ms, 40.0);
  EXPECT_EQ(conditions("b", "a").jitter_ms, 5.0);
  EXPECT_EQ(conditions("b", "a").loss_pct, 20.0);
  EXPECT_EQ(conditions("a", "b").loss_pct, 0.0);
  EXPECT_EQ(conditions("a", "c").latency_ms, 100.0);
  EXPECT_EQ(conditions("c", "a").latency_ms, 100.0);
  EXPECT_EQ(conditions("c", "a").jitter_ms, 5.0);
  EXPECT_EQ(conditions("b", "c").latency_ms, 40.0);

  LinkPatch reset;
  reset.reset = true;
  reset.latency_ms = 7;
  LinkConditions c = conditions("b", "a");
  reset.applyTo(c);
  EXPECT_EQ(c.latency_ms, 7.0);
  EXPECT_EQ(c.loss_pct, 0.0);
  EXPECT_EQ(c.jitter_ms, 0.0);
}

TEST(Loader, EveryLibraryScenarioRoundTripsThroughToJson) {
  std::vector<Diagnostic> errors;
  const auto files = collectScenarioFiles({STEAMSIM_SCENARIO_LIBRARY_DIR}, errors);
  ASSERT_TRUE(errors.empty());
  ASSERT_GE(files.size(), 20U);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    const LoadResult first = loadScenarioFile(file, "scenario.json");
    ASSERT_TRUE(first.ok());
    const std::string text = toJson(*first.scenario).dump(2);
    const LoadResult second = loadScenarioText(text, "scenario.json");
    std::string problems;
    for (const Diagnostic& d : second.errors) problems += d.toString() + "\n";
    ASSERT_TRUE(second.ok()) << problems << text;
    EXPECT_TRUE(*first.scenario == *second.scenario) << text;
    // And once more: the written form is stable.
    EXPECT_EQ(toJson(*second.scenario).dump(2), text);
  }
}

TEST(Loader, RoundTripKeepsBareSteamIdsAndEveryActionKind) {
  const Scenario s = load(R"({"name": "all actions", "description": "d", "seed": 9,
      "duration_ms": 5000, "config": {"nagle_us": 100},
      "peers": {"a": {"steam_id": 1, "accept": "manual", "poll_ms": 5, "reading": false},
                "b": {"steam_id": 2, "accept": "ignore"}},
      "links": [{"between": ["a", "b"], "down": true, "reset": true}],
      "timeline": [
        {"at_ms": 1, "links": [{"from": "a", "to": "*", "corrupt_pct": 1.5}]},
        {"at_ms": 2, "partition": [["a"], ["b"]]},
        {"at_ms": 3, "heal": true},
        {"at_ms": 4, "peer": "a", "send": {"to": 99, "size": 10, "count": 3, "every_ms": 2.5}},
        {"at_ms": 5, "peer": "a", "accept": {"with": "b", "expect_result": false}},
        {"at_ms": 6, "peer": "a", "close_session": {"with": 2}},
        {"at_ms": 7, "peer": "a", "close_channel": {"with": "b", "channel": -3}},
        {"at_ms": 8, "peer": "b", "crash": true},
        {"at_ms": 9, "peer": "b", "restart": true},
        {"at_ms": 10, "peer": "a", "reading": true, "description": "read now"}],
      "expect": [
        {"peer": "a", "received": {"from": "b", "channel": 1, "reliable": false, "min": 0,
         "max": 3, "in_order": true, "unique": true, "intact": true}, "between_ms": [1, 2]},
        {"peer": "a", "signal": "session_request", "remote": 99, "min": 1},
        {"peer": "a", "session": {"with": "b", "end_debug": "x", "info_flags": 8,
         "queue_time": 5}, "by_ms": 100, "description": "dd"}]})");
  const LoadResult again = loadScenarioText(toJson(s).dump(), "test.json");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(s == *again.scenario);
  EXPECT_EQ(std::get<SendAction>(s.timeline[3].action).to.peer, "");
  EXPECT_EQ(std::get<SendAction>(s.timeline[3].action).to.steam_id, 99U);
  // A bare Steam ID that belongs to a peer is that peer.
  EXPECT_EQ(std::get<CloseSessionAction>(s.timeline[5].action).with.peer, "b");
  EXPECT_EQ(s.channels(), (std::vector<int>{-3, 0, 1}));
}

TEST(Loader, NearestSuggestsLikelyTyposOnly) {
  const std::vector<std::string> keys = {"steam_id", "accept", "poll_ms", "reading"};
  EXPECT_EQ(nearest("acept", keys), "accept");
  EXPECT_EQ(nearest("steamid", keys), "steam_id");
  EXPECT_EQ(nearest("polms", keys), "poll_ms");
  EXPECT_EQ(nearest("completely_different", keys), std::nullopt);
}

TEST(Batch, SeedRangesParse) {
  EXPECT_EQ(parseSeedRange("1..50"), (std::pair<std::uint64_t, std::uint64_t>{1, 50}));
  EXPECT_EQ(parseSeedRange("7"), (std::pair<std::uint64_t, std::uint64_t>{7, 7}));
  EXPECT_EQ(parseSeedRange("3..3"), (std::pair<std::uint64_t, std::uint64_t>{3, 3}));
  EXPECT_EQ(parseSeedRange("5..1"), std::nullopt);
  EXPECT_EQ(parseSeedRange("a..b"), std::nullopt);
  EXPECT_EQ(parseSeedRange("1..."), std::nullopt);
  EXPECT_EQ(parseSeedRange(""), std::nullopt);
  EXPECT_EQ(parseSeedRange("-1..2"), std::nullopt);
}

TEST(Batch, FoldersAreSearchedRecursivelyAndSorted) {
  const fs::path root =
      fs::temp_directory_path() / ("steamsim_batch_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "b" / "deep");
  fs::create_directories(root / "empty");
  for (const fs::path& p :
       {root / "z.json", root / "a.json", root / "b" / "deep" / "m.json", root / "notes.txt"}) {
    std::ofstream(p) << "{}";
  }
  std::vector<Diagnostic> errors;
  const auto files =
      collectScenarioFiles({root.string(), (root / "notes.txt").string(),
                            (root / "missing.json").string(), (root / "empty").string()},
                           errors);
  ASSERT_EQ(files.size(), 4U);
  EXPECT_EQ(files[0], root / "a.json");
  EXPECT_EQ(files[1], root / "b" / "deep" / "m.json");
  EXPECT_EQ(files[2], root / "z.json");
  EXPECT_EQ(files[3], root / "notes.txt");  // named explicitly: taken whatever its extension
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_EQ(errors[0].toString(), (root / "missing.json").string() + ": no such file or folder");
  EXPECT_EQ(
      errors[1].toString(),
      (root / "empty").string() + ": expected scenario files (*.json) in this folder, got none");
  fs::remove_all(root);
}

}  // namespace
}  // namespace steamsim::scenario
