// SPDX-License-Identifier: MIT
// A failed check names the behaviour rule behind it, proves it with trace lines and shows
// the session timeline of the pair, in every report.

#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>
#include <steamsim/scenario.hpp>

namespace {

namespace sc = steamsim::scenario;

sc::RunResult runFile(const std::string& name) {
  sc::LoadResult loaded =
      sc::loadScenarioFile(std::string(STEAMSIM_OUTPUTS_SCENARIOS) + "/" + name);
  EXPECT_TRUE(loaded.ok());
  return sc::runScenario(*loaded.scenario);
}

const sc::CheckResult& failed(const sc::RunResult& run, const std::string& id) {
  for (const sc::CheckResult& c : run.checks) {
    if (c.id == id) {
      EXPECT_FALSE(c.passed) << id;
      return c;
    }
  }
  ADD_FAILURE() << "no check " << id;
  return run.checks.front();
}

bool anyContains(const std::vector<std::string>& lines, const std::string& text) {
  for (const std::string& l : lines) {
    if (l.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(Explain, LostFirstHandshakeAndBothSidesConnectingIsB5) {
  const sc::RunResult run = runFile("explain_symmetric_connect.json");
  const sc::CheckResult& c = failed(run, "/expect/0");
  EXPECT_EQ(c.rule, "B5");
  EXPECT_NE(c.explanation.find("Both peers sent first"), std::string::npos) << c.explanation;
  EXPECT_NE(c.explanation.find("dropped by loss"), std::string::npos) << c.explanation;
  EXPECT_TRUE(anyContains(c.proof, "datagram_dropped    old_host -> new_host  44 B  loss"));
  EXPECT_TRUE(anyContains(c.proof, "new_host -> old_host  44 B  sent (1)"));
  EXPECT_TRUE(anyContains(c.timeline, "state Connecting -> Connected"));
  EXPECT_FALSE(anyContains(c.timeline, "receiveMessagesOnChannel")) << "reads are left out";
}

TEST(Explain, IdleReceiverResetSilentlyIsB13AndTheSenderTimesOutB12) {
  const sc::RunResult run = runFile("explain_silent_reset.json");
  const sc::CheckResult& signal = failed(run, "/expect/0");
  EXPECT_EQ(signal.rule, "B13");
  EXPECT_NE(signal.explanation.find("no network_messages_session_failed signal"),
            std::string::npos);
  EXPECT_NE(signal.explanation.find("partition cut them apart at 6000.000 ms"), std::string::npos)
      << signal.explanation;
  EXPECT_TRUE(anyContains(signal.proof,
                          "host -> guest  state Connected -> "
                          "ProblemDetectedLocally 5003"));
  const sc::CheckResult& received = failed(run, "/expect/1");
  EXPECT_EQ(received.rule, "B12");
  EXPECT_TRUE(anyContains(received.proof, "network_messages_session_failed Connection dropped"));
}

TEST(Explain, EveryReportCarriesTheExplanation) {
  const sc::RunResult run = runFile("explain_silent_reset.json");
  std::ostringstream terminal;
  sc::writeRun(terminal, run, {});
  EXPECT_NE(terminal.str().find("why:      B13: "), std::string::npos);
  EXPECT_NE(terminal.str().find("session timeline:"), std::string::npos);
  std::ostringstream junit;
  sc::writeJUnit(junit, {run});
  EXPECT_NE(junit.str().find("why:      B13: "), std::string::npos);
  EXPECT_NE(junit.str().find("session timeline:"), std::string::npos);
  std::ostringstream json;
  sc::writeJsonReport(json, {run});
  const auto doc = nlohmann::json::parse(json.str());
  const auto& check = doc.at("runs").at(0).at("checks").at(0);
  EXPECT_EQ(check.at("rule"), "B13");
  EXPECT_FALSE(check.at("session_timeline").empty());
  EXPECT_FALSE(check.at("proof").empty());
}

}  // namespace

namespace {

TEST(Explain, HandshakeThatNeverGetsThroughIsB1) {
  const sc::RunResult run = runFile("explain_handshake_lost.json");
  for (const char* id : {"/expect/0", "/expect/1"}) {
    const sc::CheckResult& c = failed(run, id);
    EXPECT_EQ(c.rule, "B1") << id;
    EXPECT_NE(c.explanation.find("never got past Connecting"), std::string::npos) << c.explanation;
    EXPECT_NE(c.explanation.find("by down"), std::string::npos) << c.explanation;
    EXPECT_TRUE(anyContains(c.proof, "guest -> host  44 B  down")) << id;
  }
}

}  // namespace
