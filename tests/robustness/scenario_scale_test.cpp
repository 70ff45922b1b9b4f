// SPDX-License-Identifier: MIT
// Scenarios with thousands of peers: validation and runs must cost memory in proportion to
// the links configured and the sessions opened, never to the square of the peer count.

#include <sys/resource.h>

#include <string>

#include <gtest/gtest.h>

#include "scenario_text.hpp"
#include "steamsim/scenario/loader.hpp"
#include "steamsim/scenario/runner.hpp"

namespace steamsim::scenario {
namespace {

using testing::scenarioWithPeers;

long peakRssKb() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

std::string messages(const LoadResult& r) {
  std::string out;
  for (const Diagnostic& d : r.errors) out += d.toString() + "\n";
  return out;
}

/// Every peer sends to its neighbour; links layered by "*", by one end and by pairs.
std::string ringScenario(int peers, int duration_ms) {
  std::string extra =
      ", \"links\": [{\"from\": \"*\", \"to\": \"*\", \"latency_ms\": 5}, {\"from\": \"p0\", "
      "\"to\": \"*\", \"latency_ms\": 7}, {\"between\": [\"p1\", \"p2\"], \"loss_pct\": 0}],"
      " \"timeline\": [";
  for (int i = 0; i < peers; ++i) {
    if (i > 0) extra += ", ";
    extra += "{\"at_ms\": 0, \"peer\": \"p" + std::to_string(i) + "\", \"send\": {\"to\": \"p" +
             std::to_string((i + 1) % peers) + "\", \"channel\": 1, \"payload\": \"hi\"}}";
  }
  extra +=
      "], \"expect\": [{\"peer\": \"p1\", \"received\": {\"from\": \"p0\", \"channel\": 1, "
      "\"count\": 1}}, {\"peer\": \"p0\", \"session\": {\"with\": \"p1\", "
      "\"connection_state\": \"Connected\"}, \"at_ms\": 500}]";
  return scenarioWithPeers(peers, extra, duration_ms);
}

TEST(ScenarioScale, FourThousandPeersValidateInLinearMemory) {
  const std::string text = ringScenario(4000, 1000);
  const long before = peakRssKb();
  const LoadResult r = loadScenarioText(text, "ring.json");
  ASSERT_TRUE(r.ok()) << messages(r);
  // A table of every pair would be 16 million entries (gigabytes); the file itself is 1 MB.
  EXPECT_LT(peakRssKb() - before, 150 * 1024);
}

TEST(ScenarioScale, LinkRulesNamingPeersOnBothEndsAreBounded) {
  std::string links = ", \"links\": [";
  for (int i = 0; i < 4; ++i) {
    if (i > 0) links += ", ";
    links += "{\"from\": \"p" + std::to_string(i) +
             "\", \"to\": \"*\", \"loss_pct\": 1}, "
             "{\"from\": \"*\", \"to\": \"p" +
             std::to_string(i) + "\", \"loss_pct\": 2}";
  }
  links += "]";
  LoadLimits limits;
  limits.max_link_states = 12;
  const LoadResult r = loadScenarioText(scenarioWithPeers(6, links), "l.json", limits);
  ASSERT_EQ(r.errors.size(), 1U) << messages(r);
  EXPECT_EQ(r.errors[0].pointer, "/links/5");
  EXPECT_NE(r.errors[0].message.find("at most 12 distinct link states"), std::string::npos);
  EXPECT_TRUE(loadScenarioText(scenarioWithPeers(6, links), "l.json").ok());
}

TEST(ScenarioScale, AnInvalidLinkIsNamedByARealLink) {
  // "* -> *" sets a burst length too short only for the burst loss of p0's links.
  const std::string links =
      ", \"links\": [{\"from\": \"*\", \"to\": \"p2\", \"latency_ms\": 1}, {\"from\": \"p0\", "
      "\"to\": \"*\", \"burst_loss_pct\": 90, \"burst_length_mean\": 10}, {\"from\": \"*\", "
      "\"to\": \"*\", \"burst_length_mean\": 1}]";
  const LoadResult r = loadScenarioText(scenarioWithPeers(3, links), "l.json");
  ASSERT_FALSE(r.ok());
  const std::string text = messages(r);
  EXPECT_NE(text.find("/links/2: "), std::string::npos) << text;
  EXPECT_NE(text.find("on the link p0 -> p1 once this rule is applied"), std::string::npos) << text;
}

TEST(ScenarioScale, AThousandPeerRingRunsAndPasses) {
  const LoadResult r = loadScenarioText(ringScenario(1000, 1000), "ring.json");
  ASSERT_TRUE(r.ok()) << messages(r);
  const long before = peakRssKb();
  const RunResult result = runScenario(*r.scenario);
  EXPECT_TRUE(result.error.empty()) << result.error;
  EXPECT_TRUE(result.passed());
  EXPECT_LT(peakRssKb() - before, 300 * 1024);
}

TEST(ScenarioScale, LinkRulesAndTheirChangesHoldBeyondPairwiseTables) {
  // 80 peers: links are resolved per link on use; a cut link and its later repair must act
  // as with a few peers.
  const std::string extra =
      ", \"links\": [{\"from\": \"*\", \"to\": \"*\", \"latency_ms\": 5}, {\"from\": \"p0\", "
      "\"to\": \"p1\", \"down\": true}],"
      " \"timeline\": ["
      "{\"at_ms\": 0, \"peer\": \"p0\", \"send\": {\"to\": \"p1\", \"channel\": 1, "
      "\"flags\": \"unreliable\", \"payload\": \"lost\"}},"
      "{\"at_ms\": 0, \"peer\": \"p2\", \"send\": {\"to\": \"p1\", \"channel\": 1, "
      "\"flags\": \"unreliable\", \"payload\": \"kept\"}},"
      "{\"at_ms\": 400, \"links\": [{\"from\": \"*\", \"to\": \"p1\", \"down\": false}]},"
      "{\"at_ms\": 500, \"peer\": \"p0\", \"send\": {\"to\": \"p1\", \"channel\": 2, "
      "\"payload\": \"late\"}}],"
      // The first message waits in p0's queue until the link is repaired.
      " \"expect\": [{\"peer\": \"p1\", \"received\": {\"from\": \"p0\", \"channel\": 1, "
      "\"count\": 0}, \"by_ms\": 400}, {\"peer\": \"p1\", \"received\": {\"from\": \"p2\", "
      "\"channel\": 1, \"count\": 1}}, {\"peer\": \"p1\", \"received\": {\"from\": \"p0\", "
      "\"channel\": 1, \"count\": 1}, \"between_ms\": [400, 2000]}, {\"peer\": \"p1\", "
      "\"received\": {\"from\": \"p0\", \"channel\": 2, \"count\": 1}}]";
  const LoadResult r = loadScenarioText(scenarioWithPeers(80, extra, 2000), "cut.json");
  ASSERT_TRUE(r.ok()) << messages(r);
  const RunResult result = runScenario(*r.scenario);
  EXPECT_TRUE(result.error.empty()) << result.error;
  for (const CheckResult& c : result.checks) EXPECT_TRUE(c.passed) << c.title << ": " << c.actual;
}

}  // namespace
}  // namespace steamsim::scenario
