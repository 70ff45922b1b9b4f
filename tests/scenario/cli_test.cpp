// SPDX-License-Identifier: MIT
// The steamsim command line itself: exit statuses (0 passed, 1 failed, 2 invalid input),
// messages, --junit / --json / --trace files, sweeps with parallel workers, and --help.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../support/shell.hpp"
#include "xml_check.hpp"

namespace {

namespace fs = std::filesystem;
using steamsim::scenario::test::countOf;
using steamsim::scenario::test::xmlProblem;

using steamsim::test::Output;
using steamsim::test::quote;

Output run(const std::string& args) {
  return steamsim::test::runCommand("NO_COLOR=1 " + quote(STEAMSIM_CLI) + " " + args + " 2>&1");
}

std::string library(const std::string& file) {
  return quote(std::string(STEAMSIM_SCENARIO_LIBRARY_DIR) + "/" + file);
}
std::string testFile(const std::string& file) {
  return quote(std::string(STEAMSIM_SCENARIO_TEST_DIR) + "/" + file);
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("steamsim_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string read(const std::string& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  fs::path dir_;
};

TEST_F(Cli, PassingScenarioExitsZeroAndPrintsItsTraceHash) {
  const Output out = run("run " + library("both_send_first.json"));
  EXPECT_EQ(out.status, 0) << out.text;
  EXPECT_NE(out.text.find("PASS  both peers send first  seed 21"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("trace 0x"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("passed: 1 run(s), 1 passed, 0 failed"), std::string::npos) << out.text;
}

TEST_F(Cli, FailingScenarioExitsOneWithAClearMessage) {
  const Output out = run("run " + testFile("failing/expectations_fail.json"));
  EXPECT_EQ(out.status, 1) << out.text;
  EXPECT_NE(out.text.find("FAIL  deliberately failing <scenario>"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("expectations_fail.json:18:5: /expect/0: messages over a cut link"),
            std::string::npos)
      << out.text;
  EXPECT_NE(out.text.find("expected: exactly 5 message(s) from guest on channel 1, by 2000 ms"),
            std::string::npos)
      << out.text;
  EXPECT_NE(out.text.find("got:      read 0 matching message(s)"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("trace around 2000.000 ms:"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("FAILED: 1 run(s), 0 passed, 1 failed; 4 check(s), 2 failed"),
            std::string::npos)
      << out.text;
}

TEST_F(Cli, InvalidFileExitsTwoAndNothingRuns) {
  const Output out = run("run " + library("both_send_first.json") + " " +
                         testFile("malformed/unknown_peer_key.json"));
  EXPECT_EQ(out.status, 2) << out.text;
  EXPECT_NE(
      out.text.find(
          "unknown_peer_key.json:5:30: /peers/host/acept: expected one of the "
          "keys steam_id, accept, poll_ms, reading, external, game, got unknown key \"acept\" "
          "(did you mean \"accept\"?)"),
      std::string::npos)
      << out.text;
  EXPECT_EQ(out.text.find("PASS"), std::string::npos) << "nothing may run: " << out.text;
  EXPECT_NE(out.text.find("nothing was run: 1 invalid scenario file(s)"), std::string::npos);
}

TEST_F(Cli, ValidateReportsEveryFile) {
  const Output ok = run("validate " + quote(STEAMSIM_SCENARIO_LIBRARY_DIR));
  EXPECT_EQ(ok.status, 0) << ok.text;
  EXPECT_NE(ok.text.find("ok  "), std::string::npos);
  EXPECT_NE(ok.text.find(" invalid scenario file(s)"), std::string::npos);
  const Output bad = run("validate " + testFile("malformed"));
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.text.find("0 valid, 28 invalid scenario file(s)"), std::string::npos) << bad.text;
  EXPECT_NE(bad.text.find("missing_duration.json:1:1: /duration_ms: expected the length"),
            std::string::npos);
}

TEST_F(Cli, MissingPathAndBadFlagsExitTwo) {
  Output out = run("run " + quote(path("nope.json")));
  EXPECT_EQ(out.status, 2) << out.text;
  EXPECT_NE(out.text.find("nope.json: no such file or folder"), std::string::npos) << out.text;
  out = run("run --frobnicate " + library("both_send_first.json"));
  EXPECT_EQ(out.status, 2) << out.text;
  EXPECT_NE(out.text.find("--frobnicate"), std::string::npos) << out.text;
  out = run("run --seeds 9..2 " + library("both_send_first.json"));
  EXPECT_EQ(out.status, 2) << out.text;
  EXPECT_NE(out.text.find("expected A..B with unsigned integers A <= B, got \"9..2\""),
            std::string::npos)
      << out.text;
  out = run("run --seed 1 --seeds 1..2 " + library("both_send_first.json"));
  EXPECT_EQ(out.status, 2) << out.text;
  out = run("run -j -3 " + library("both_send_first.json"));
  EXPECT_EQ(out.status, 2) << out.text;
  out = run("run");
  EXPECT_EQ(out.status, 2) << out.text;
  out = run("");
  EXPECT_EQ(out.status, 2) << out.text;
  out = run("run --junit " + quote(path("no/such/dir/r.xml")) + " " +
            library("both_send_first.json"));
  EXPECT_EQ(out.status, 2) << out.text;
  EXPECT_NE(out.text.find("--junit: cannot write"), std::string::npos) << out.text;
}

TEST_F(Cli, HelpDescribesEverySubcommandAndOption) {
  Output out = run("--help");
  EXPECT_EQ(out.status, 0);
  for (const char* word : {"run", "validate", "list", "Exit status"}) {
    EXPECT_NE(out.text.find(word), std::string::npos) << word << "\n" << out.text;
  }
  out = run("run --help");
  EXPECT_EQ(out.status, 0);
  for (const char* word : {"--seed", "--seeds", "--jobs", "--junit", "--json", "--trace",
                           "--context", "--color", "--quiet", "--verbose", "--no-progress"}) {
    EXPECT_NE(out.text.find(word), std::string::npos) << word << "\n" << out.text;
  }
}

TEST_F(Cli, SweepWithWorkersWritesJUnitJsonAndTrace) {
  const std::string junit = path("report.xml");
  const std::string json = path("report.json");
  const std::string trace = path("trace.jsonl");
  const Output out =
      run("run --seeds 1..4 -j 2 --junit " + quote(junit) + " --json " + quote(json) + " --trace " +
          quote(trace) + " " + library("both_send_first.json") + " " +
          testFile("failing/expectations_fail.json"));
  EXPECT_EQ(out.status, 1) << out.text;
  EXPECT_EQ(countOf(out.text, "PASS  both peers send first"), 4U) << out.text;
  EXPECT_EQ(countOf(out.text, "FAIL  deliberately failing"), 4U) << out.text;
  // Runs are reported in order: scenario by scenario, seed by seed.
  EXPECT_LT(out.text.find("seed 1 "), out.text.find("seed 4 "));

  const std::string xml = read(junit);
  EXPECT_EQ(xmlProblem(xml), "") << xml;
  EXPECT_EQ(countOf(xml, "<testsuite "), 8U);
  // both_send_first has 8 checks, the failing scenario 4 (2 of them failing).
  EXPECT_NE(xml.find("<testsuites name=\"steamsim\" tests=\"48\" failures=\"8\" errors=\"0\""),
            std::string::npos)
      << xml.substr(0, 300);
  EXPECT_NE(xml.find("name=\"deliberately failing &lt;scenario&gt; &amp; &quot;friends&quot; "
                     "(seed 3)\""),
            std::string::npos);

  const nlohmann::json report = nlohmann::json::parse(read(json));
  EXPECT_EQ(report.at("summary").at("runs"), 8);
  EXPECT_EQ(report.at("summary").at("failed"), 4);

  std::ifstream lines(trace);
  std::string line;
  std::size_t events = 0;
  std::vector<std::pair<std::string, std::uint64_t>> runs;
  while (std::getline(lines, line)) {
    const nlohmann::json event = nlohmann::json::parse(line);
    ++events;
    const std::string name = event.at("run");
    const std::uint64_t seed = event.at("seed");
    if (runs.empty() || runs.back() != std::pair{name, seed}) runs.emplace_back(name, seed);
  }
  EXPECT_GT(events, 100U);
  ASSERT_EQ(runs.size(), 8U) << "each run's events together, runs in job order";
  EXPECT_EQ(runs[0].second, 1U);
  EXPECT_EQ(runs[3].second, 4U);
  EXPECT_EQ(runs[4].first, "deliberately failing <scenario> & \"friends\"");
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().string().find(".part"), std::string::npos) << "left behind: " << entry;
  }
}

TEST_F(Cli, SeedOverridesTheFileAndIsReproducible) {
  const Output a = run("run --seed 99 " + library("reliable_under_heavy_impairment.json"));
  const Output b = run("run --seed 99 " + library("reliable_under_heavy_impairment.json"));
  EXPECT_EQ(a.status, 0) << a.text;
  EXPECT_NE(a.text.find("seed 99 "), std::string::npos);
  const auto hash = [](const std::string& text) {
    const std::size_t at = text.find("trace 0x");
    return at == std::string::npos ? std::string() : text.substr(at, 26);
  };
  EXPECT_FALSE(hash(a.text).empty());
  EXPECT_EQ(hash(a.text), hash(b.text));
}

TEST_F(Cli, ListShowsNamesAndDescriptions) {
  const Output out = run("list " + library("nagle.json"));
  EXPECT_EQ(out.status, 0) << out.text;
  EXPECT_NE(out.text.find("Nagle holds small messages; NoNagle flushes"), std::string::npos);
  EXPECT_NE(out.text.find("B19"), std::string::npos);
}

TEST_F(Cli, ShardsSplitASweepDeterministicallyAndCoverItOnce) {
  std::vector<std::string> lines;
  std::size_t total = 0;
  for (int k = 1; k <= 3; ++k) {
    const Output out = run("run --seeds 1..7 --shard " + std::to_string(k) + "/3 " +
                           library("both_send_first.json"));
    EXPECT_EQ(out.status, 0) << out.text;
    EXPECT_NE(out.text.find("shard " + std::to_string(k) + "/3: "), std::string::npos) << out.text;
    std::istringstream in(out.text);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("PASS", 0) == 0) {
        lines.push_back(line.substr(0, line.find(" checks")));
        ++total;
      }
    }
  }
  EXPECT_EQ(total, 7U);  // each run in exactly one shard
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(std::unique(lines.begin(), lines.end()), lines.end());
  // Shard 2 of 3 of seeds 1..7 is runs 1 and 4: seeds 2 and 5.
  const Output two = run("run --seeds 1..7 --shard 2/3 " + library("both_send_first.json"));
  EXPECT_NE(two.text.find("seed 2 "), std::string::npos) << two.text;
  EXPECT_NE(two.text.find("seed 5 "), std::string::npos) << two.text;
  EXPECT_EQ(countOf(two.text, "PASS"), 2U) << two.text;
  for (const char* bad : {"0/3", "4/3", "1/0", "x/2", "1/", "/2", "1/2/3", "-1/2"}) {
    const Output out = run(std::string("run --shard ") + bad + " " + library("nagle.json"));
    EXPECT_EQ(out.status, 2) << bad << ": " << out.text;
    EXPECT_NE(out.text.find("expected K/N"), std::string::npos) << out.text;
  }
}

TEST_F(Cli, ValidatingAMissingFileReportsOnlyThatError) {
  const Output out = run("validate " + quote(path("missing.json")));
  EXPECT_EQ(out.status, 2) << out.text;
  EXPECT_NE(out.text.find("missing.json"), std::string::npos) << out.text;
  EXPECT_EQ(out.text.find("0 valid, 0 invalid"), std::string::npos) << out.text;
}

TEST_F(Cli, VersionIsTheProjects) {
  const Output out = run("--version");
  EXPECT_EQ(out.status, 0) << out.text;
  EXPECT_EQ(out.text, std::string("steamsim ") + STEAMSIM_VERSION + "\n");
}

TEST_F(Cli, HelpNamesDocumentationFilesThatExist) {
  const Output out = run("run --help");
  EXPECT_EQ(out.status, 0) << out.text;
  for (const char* label : {"Scenario format: ", "JSON Schema: "}) {
    const std::size_t at = out.text.find(label);
    ASSERT_NE(at, std::string::npos) << out.text;
    const std::size_t start = at + std::string(label).size();
    const std::string file = out.text.substr(start, out.text.find('\n', start) - start);
    EXPECT_TRUE(fs::path(file).is_absolute()) << file;
    EXPECT_TRUE(fs::is_regular_file(file)) << file;
  }
}

TEST_F(Cli, JUnitFailureTextReadsOnceAndTestcasesHaveTimes) {
  const std::string junit = path("fail.xml");
  const Output out =
      run("run " + testFile("failing/signal_fail.json") + " --junit " + quote(junit));
  EXPECT_EQ(out.status, 1) << out.text;
  const std::string xml = read(junit);
  EXPECT_EQ(xmlProblem(xml), "") << xml;
  EXPECT_NE(xml.find("; got 0 matching; host got no session_failed signal"), std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("got got"), std::string::npos) << xml;
  EXPECT_EQ(out.text.find("got:      got"), std::string::npos) << out.text;
  // Every testcase's time is its share of the run; they add up to the suite's.
  std::size_t cases = 0;
  double sum = 0.0;
  for (std::size_t at = xml.find("<testcase "); at != std::string::npos;
       at = xml.find("<testcase ", at + 1)) {
    const std::size_t t = xml.find(" time=\"", at) + 7;
    const std::string time = xml.substr(t, xml.find('"', t) - t);
    EXPECT_EQ(time.size() - time.find('.'), 4U) << "seconds with 3 decimals: " << time;
    sum += std::stod(time);
    ++cases;
  }
  ASSERT_GT(cases, 1U);
  const std::size_t suite = xml.find("<testsuite ");
  const std::size_t t = xml.find(" time=\"", suite) + 7;
  const double suite_time = std::stod(xml.substr(t, xml.find('"', t) - t));
  EXPECT_NEAR(sum, suite_time, 0.001 * static_cast<double>(cases) + 1e-9);
}

}  // namespace
