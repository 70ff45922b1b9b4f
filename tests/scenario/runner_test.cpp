// SPDX-License-Identifier: MIT
// The runner: determinism of the trace hash, failures with expected/actual/trace context,
// action results, the JSON Lines trace, crashed peers, and the real-time clock.

#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>
#include <steamsim/scenario.hpp>

namespace steamsim::scenario {
namespace {

Scenario loadFile(const std::string& path) {
  LoadResult result = loadScenarioFile(path);
  std::string errors;
  for (const Diagnostic& d : result.errors) errors += d.toString() + "\n";
  EXPECT_TRUE(result.ok()) << errors;
  return result.ok() ? *result.scenario : Scenario{};
}

Scenario loadText(const std::string& text) {
  LoadResult result = loadScenarioText(text, "inline.json");
  std::string errors;
  for (const Diagnostic& d : result.errors) errors += d.toString() + "\n";
  EXPECT_TRUE(result.ok()) << errors;
  return result.ok() ? *result.scenario : Scenario{};
}

std::string library(const std::string& file) {
  return std::string(STEAMSIM_SCENARIO_LIBRARY_DIR) + "/" + file;
}

std::string describe(const RunResult& run) {
  std::ostringstream out;
  writeRun(out, run, TerminalStyle{});
  return out.str();
}

TEST(Runner, SameFileAndSeedGiveTheSameTraceHash) {
  const Scenario s = loadFile(library("reliable_under_heavy_impairment.json"));
  const RunResult first = runScenario(s);
  const RunResult second = runScenario(s);
  ASSERT_TRUE(first.error.empty()) << first.error;
  EXPECT_NE(first.trace_hash, 0U);
  EXPECT_EQ(first.trace_hash, second.trace_hash);
  EXPECT_EQ(first.trace_events, second.trace_events);
  EXPECT_EQ(first.seed, s.seed);
}

TEST(Runner, AnotherSeedGivesAnotherTraceHash) {
  const Scenario s = loadFile(library("reliable_under_heavy_impairment.json"));
  RunOptions other;
  other.seed = s.seed + 1;
  const RunResult a = runScenario(s);
  const RunResult b = runScenario(s, other);
  EXPECT_EQ(b.seed, s.seed + 1);
  EXPECT_NE(a.trace_hash, b.trace_hash);
  EXPECT_TRUE(a.passed()) << describe(a);
  EXPECT_TRUE(b.passed()) << describe(b);
}

TEST(Runner, CrashAndRestartRunsAreDeterministicToo) {
  const Scenario s = loadFile(library("crash_and_restart.json"));
  EXPECT_EQ(runScenario(s).trace_hash, runScenario(s).trace_hash);
}

TEST(Runner, AFailedExpectationSaysWhatWasExpectedWhatHappenedAndShowsTheTrace) {
  const Scenario s =
      loadFile(std::string(STEAMSIM_SCENARIO_TEST_DIR) + "/failing/expectations_fail.json");
  const RunResult run = runScenario(s);
  EXPECT_TRUE(run.error.empty()) << run.error;
  EXPECT_FALSE(run.passed());
  ASSERT_EQ(run.checks.size(), 4U);
  EXPECT_EQ(run.failedChecks(), 2U);

  const CheckResult& received = run.checks[0];
  EXPECT_EQ(received.id, "/expect/0");
  EXPECT_EQ(received.pos.line, 18);
  EXPECT_FALSE(received.passed);
  EXPECT_EQ(received.title, "messages over a cut link <never> arrive & this fails");
  EXPECT_EQ(received.expected, "exactly 5 message(s) from guest on channel 1, by 2000 ms");
  EXPECT_EQ(received.actual, "read 0 matching message(s)");
  EXPECT_EQ(received.at_ms, 2000.0);
  ASSERT_FALSE(received.context.empty());
  // The context shows the datagrams the cut link dropped, guest -> host, around 2 s.
  bool saw_drop = false;
  for (const std::string& line : received.context) {
    saw_drop = saw_drop || (line.find("datagram_dropped") != std::string::npos &&
                            line.find("guest -> host") != std::string::npos);
  }
  EXPECT_TRUE(saw_drop) << describe(run);

  EXPECT_TRUE(run.checks[1].passed) << run.checks[1].actual;  // still Connecting at 1 s
  EXPECT_TRUE(run.checks[2].passed);                          // the five sends returned OK
  const CheckResult& result = run.checks[3];
  EXPECT_EQ(result.id, "/timeline/1");
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.expected, "every send returns LimitExceeded (25)");
  EXPECT_EQ(result.actual, "1 x OK (1); first: message 0 returned OK (1) at 0.100 s");

  const std::string text = describe(run);
  EXPECT_NE(text.find("FAIL  deliberately failing"), std::string::npos) << text;
  EXPECT_NE(text.find("expectations_fail.json:18:5: /expect/0:"), std::string::npos) << text;
  EXPECT_NE(text.find("expected: exactly 5 message(s)"), std::string::npos) << text;
  EXPECT_NE(text.find("trace around 2000.000 ms:"), std::string::npos) << text;
}

TEST(Runner, TraceFileHasOneJsonObjectPerEvent) {
  const Scenario s = loadFile(library("first_send_and_auto_accept.json"));
  std::ostringstream trace;
  RunOptions options;
  options.trace_out = &trace;
  const RunResult run = runScenario(s, options);
  ASSERT_TRUE(run.passed()) << describe(run);
  std::istringstream lines(trace.str());
  std::string line;
  std::uint64_t count = 0;
  std::int64_t last_time = -1;
  bool saw_request = false;
  while (std::getline(lines, line)) {
    const nlohmann::json event = nlohmann::json::parse(line);
    ++count;
    EXPECT_EQ(event.at("run"), s.name);
    EXPECT_EQ(event.at("seed"), s.seed);
    EXPECT_GE(event.at("t_us").get<std::int64_t>(), last_time);
    last_time = event.at("t_us").get<std::int64_t>();
    saw_request = saw_request || (event.at("kind") == "signal" && event.at("from_peer") == "host" &&
                                  event.at("to_peer") == "guest");
  }
  EXPECT_EQ(count, run.trace_events);
  EXPECT_GT(count, 10U);
  EXPECT_TRUE(saw_request);
}

TEST(Runner, ActionsOfACrashedPeerDoNotRunAndFailTheirExpectedResult) {
  const Scenario s = loadText(R"({"duration_ms": 3000,
      "peers": {"a": {"steam_id": 1}, "b": {"steam_id": 2}},
      "timeline": [
        {"at_ms": 100, "peer": "a", "crash": true},
        {"at_ms": 200, "peer": "a", "send": {"to": "b", "payload": "x", "expect_result": "OK"}},
        {"at_ms": 1000, "peer": "a", "restart": true},
        {"at_ms": 1100, "peer": "a", "send": {"to": "b", "payload": "y", "expect_result": "OK"}}],
      "expect": [{"peer": "b", "received": {"from": "a", "count": 1}}]})");
  const RunResult run = runScenario(s);
  ASSERT_EQ(run.checks.size(), 3U);
  EXPECT_TRUE(run.checks[0].passed) << run.checks[0].actual;  // only "y" arrives
  EXPECT_FALSE(run.checks[1].passed);
  EXPECT_EQ(run.checks[1].actual,
            "1 x not sent (peer crashed); first: message 0 not sent: a had crashed at 0.200 s");
  EXPECT_TRUE(run.checks[2].passed);
}

TEST(Runner, SessionChecksPassAtTheFirstTickThatHolds) {
  const Scenario s = loadText(R"({"duration_ms": 2000,
      "peers": {"a": {"steam_id": 1, "poll_ms": 10}, "b": {"steam_id": 2}},
      "links": [{"from": "*", "to": "*", "latency_ms": 100}],
      "timeline": [{"at_ms": 0, "peer": "a", "send": {"to": "b", "payload": "x"}}],
      "expect": [
        {"peer": "a", "session": {"with": "b", "connection_state": "Connected"}, "by_ms": 1000},
        {"peer": "a", "session": {"with": "b", "connection_state": "Connected"}, "at_ms": 100},
        {"peer": "a", "session": {"with": "b", "connection_state": "Connecting"}, "at_ms": 100}]})");
  const RunResult run = runScenario(s);
  ASSERT_EQ(run.checks.size(), 3U);
  EXPECT_TRUE(run.checks[0].passed);
  // Connected one round trip (200 ms) after the send, seen at the next 10 ms tick.
  EXPECT_GE(run.checks[0].at_ms, 200.0);
  EXPECT_LE(run.checks[0].at_ms, 230.0);
  EXPECT_FALSE(run.checks[1].passed);
  EXPECT_EQ(run.checks[1].actual, "at 0.100 s: connection_state Connecting (1)");
  EXPECT_TRUE(run.checks[2].passed);
}

// Many peers: game loops that only read skip the ticks when nothing was queued for them.
// Messages must still be read at the first tick after they arrive, and a loop that was not
// reading must read what was queued meanwhile at its first tick after it starts reading.
TEST(Runner, ManyPeersReadAtTheFirstTickAfterArrivalAndAfterReadingStarts) {
  std::string peers;
  for (int i = 0; i < 80; ++i) {
    peers += std::string(i > 0 ? ", " : "") + "\"p" + std::to_string(i) + "\": {\"steam_id\": " +
             std::to_string(76561198000000001ULL + static_cast<unsigned>(i)) +
             (i == 0 ? ", \"reading\": false" : "") + "}";
  }
  const Scenario s = loadText(R"({"duration_ms": 1200, "links": [{"from": "*", "to": "*",
      "latency_ms": 20}], "peers": {)" +
                              peers + R"(}, "timeline": [
      {"at_ms": 0, "peer": "p1", "send": {"to": "p0", "channel": 1, "payload": "a {i}",
       "count": 5}},
      {"at_ms": 0, "peer": "p3", "send": {"to": "p2", "channel": 1, "payload": "b {i}",
       "count": 3, "every_ms": 200}},
      {"at_ms": 600, "peer": "p0", "reading": true}],
    "expect": [
      {"peer": "p0", "received": {"from": "p1", "channel": 1, "count": 0}, "by_ms": 599},
      {"peer": "p0", "received": {"from": "p1", "channel": 1, "count": 5, "in_order": true},
       "between_ms": [600, 620]},
      {"peer": "p2", "received": {"from": "p3", "channel": 1, "count": 1}, "between_ms": [400, 460]},
      {"peer": "p2", "received": {"from": "p3", "channel": 1, "count": 3, "in_order": true}}]})");
  ASSERT_EQ(s.peers.size(), 80U);
  const RunResult run = runScenario(s);
  EXPECT_TRUE(run.passed()) << describe(run);
  EXPECT_EQ(run.checks.size(), 4U);
}

TEST(Runner, RealTimeClockRunsTheSameScenarioOnTheWallClock) {
  const Scenario s = loadText(R"({"duration_ms": 300, "clock": "real",
      "peers": {"a": {"steam_id": 1}, "b": {"steam_id": 2}},
      "timeline": [{"at_ms": 0, "peer": "a", "send": {"to": "b", "payload": "m {i}",
                    "count": 5}}],
      "expect": [{"peer": "b", "received": {"from": "a", "count": 5, "in_order": true}},
                 {"peer": "b", "signal": "session_request", "remote": "a", "count": 1}]})");
  const RunResult run = runScenario(s);
  EXPECT_TRUE(run.passed()) << describe(run);
}

TEST(Runner, ARunThatCannotStartReportsAnErrorInsteadOfThrowing) {
  Scenario s = loadText(R"({"duration_ms": 100, "peers": {"a": {"steam_id": 1}}})");
  s.peers.push_back(s.peers[0]);  // a duplicate Steam ID the loader would have refused
  s.peers[1].name = "b";
  const RunResult run = runScenario(s);
  EXPECT_FALSE(run.error.empty());
  EXPECT_FALSE(run.passed());
}

TEST(Batch, RunsJobsInParallelAndReportsInJobOrder) {
  const Scenario s = loadFile(library("both_send_first.json"));
  std::vector<Job> jobs;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) jobs.push_back({&s, seed});
  BatchOptions options;
  options.workers = 3;
  std::vector<std::size_t> order;
  std::size_t last_done = 0;
  options.on_result = [&](std::size_t index, const RunResult&) { order.push_back(index); };
  options.on_progress = [&](std::size_t done, std::size_t total) {
    EXPECT_EQ(total, 6U);
    EXPECT_EQ(done, last_done + 1);
    last_done = done;
  };
  const std::vector<RunResult> results = runJobs(jobs, options);
  ASSERT_EQ(results.size(), 6U);
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].seed, i + 1);
    EXPECT_TRUE(results[i].passed()) << describe(results[i]);
    // Parallel runs are as deterministic as sequential ones.
    RunOptions alone;
    alone.seed = i + 1;
    EXPECT_EQ(results[i].trace_hash, runScenario(s, alone).trace_hash);
  }
}

}  // namespace
}  // namespace steamsim::scenario
