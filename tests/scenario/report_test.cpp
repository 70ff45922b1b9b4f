// SPDX-License-Identifier: MIT
// Reports: JUnit XML well-formed with the right counts and escaping; the JSON report; the
// terminal report with and without colour.

#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>
#include <steamsim/scenario.hpp>

#include "xml_check.hpp"

namespace steamsim::scenario {
namespace {

using test::countOf;
using test::xmlProblem;

std::vector<RunResult> sampleRuns() {
  RunResult passed;
  passed.file = "a.json";
  passed.name = "passes";
  passed.seed = 3;
  passed.trace_hash = 0xabcdef;
  passed.checks = {{"/expect/0", {4, 5}, "first", true, "e", "a", 10.0, {}, {}, {}, {}, {}},
                   {"/expect/1", {6, 5}, "second", true, "e", "a", 20.0, {}, {}, {}, {}, {}}};
  RunResult failed;
  failed.file = "dir/b&c.json";
  failed.name = "fails <badly> & \"loudly\" 'now'";
  failed.seed = 4;
  failed.checks = {
      {"/expect/0", {7, 3}, "ok one", true, "e", "a", 1.0, {}, {}, {}, {}, {}},
      {"/expect/1",
       {9, 3},
       "broken <one>",
       false,
       "5 messages & more",
       "read 0 <none>\n    and \"quotes\"",
       2000.0,
       {"  1.000 ms  datagram_dropped  a -> b  down", "ctl\x01char"},
       {},
       {},
       {},
       {}},
      {"/timeline/2", {12, 5}, "result", false, "OK", "ConnectFailed", 3.0, {}, {}, {}, {}, {}}};
  RunResult broken;
  broken.file = "c.json";
  broken.name = "cannot start";
  broken.seed = 1;
  broken.error = "bind: address <in> use";
  return {passed, failed, broken};
}

TEST(JUnit, IsWellFormedWithOneSuitePerRunAndOneCasePerCheck) {
  std::ostringstream out;
  writeJUnit(out, sampleRuns());
  const std::string xml = out.str();
  EXPECT_EQ(xmlProblem(xml), "") << xml;
  EXPECT_NE(xml.find("<testsuites name=\"steamsim\" tests=\"6\" failures=\"2\" errors=\"1\""),
            std::string::npos)
      << xml;
  EXPECT_EQ(countOf(xml, "<testsuite "), 3U);
  EXPECT_EQ(countOf(xml, "<testcase "), 6U);
  EXPECT_EQ(countOf(xml, "<failure "), 2U);
  EXPECT_EQ(countOf(xml, "<error "), 1U);
  EXPECT_NE(xml.find("name=\"passes (seed 3)\" tests=\"2\" failures=\"0\" errors=\"0\""),
            std::string::npos);
  EXPECT_NE(xml.find("name=\"fails &lt;badly&gt; &amp; &quot;loudly&quot; &apos;now&apos; "
                     "(seed 4)\" tests=\"3\" failures=\"2\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("name=\"/expect/1: broken &lt;one&gt;\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"trace_hash\" value=\"0x0000000000abcdef\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("file=\"dir/b&amp;c.json\" line=\"9\""), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos) << "control characters must not reach XML";
}

TEST(JUnit, EmptyRunListIsStillAValidDocument) {
  std::ostringstream out;
  writeJUnit(out, {});
  EXPECT_EQ(xmlProblem(out.str()), "") << out.str();
  EXPECT_NE(out.str().find("tests=\"0\" failures=\"0\""), std::string::npos);
}

TEST(JUnit, TheChecksDetectBrokenXml) {
  EXPECT_NE(xmlProblem("<a><b></a></b>"), "");
  EXPECT_NE(xmlProblem("<a x=\"1 & 2\"/>"), "");
  EXPECT_NE(xmlProblem("<a>1 < 2</a>"), "");
  EXPECT_NE(xmlProblem("<a/><b/>"), "");
  EXPECT_NE(xmlProblem("<a>"), "");
  EXPECT_EQ(xmlProblem("<?xml version=\"1.0\"?>\n<a x=\"&lt;\">t &amp; &#10;<b/></a>\n"), "");
}

TEST(JsonReport, ListsEveryRunAndCheckWithASummary) {
  std::ostringstream out;
  writeJsonReport(out, sampleRuns());
  const nlohmann::json doc = nlohmann::json::parse(out.str());
  ASSERT_EQ(doc.at("runs").size(), 3U);
  EXPECT_EQ(doc.at("summary").at("runs"), 3);
  EXPECT_EQ(doc.at("summary").at("passed"), 1);
  EXPECT_EQ(doc.at("summary").at("failed"), 2);
  EXPECT_EQ(doc.at("summary").at("checks"), 5);
  EXPECT_EQ(doc.at("summary").at("failed_checks"), 2);
  const nlohmann::json& failed = doc.at("runs")[1];
  EXPECT_EQ(failed.at("name"), "fails <badly> & \"loudly\" 'now'");
  EXPECT_FALSE(failed.at("passed").get<bool>());
  EXPECT_EQ(failed.at("checks")[1].at("line"), 9);
  EXPECT_EQ(failed.at("checks")[1].at("trace").size(), 2U);
  EXPECT_EQ(doc.at("runs")[0].at("trace_hash"), "0x0000000000abcdef");
  EXPECT_EQ(doc.at("runs")[2].at("error"), "bind: address <in> use");
}

TEST(Terminal, PlainOutputHasNoEscapeCodesAndColourOutputHas) {
  const auto runs = sampleRuns();
  std::ostringstream plain;
  std::ostringstream colour;
  TerminalStyle style;
  for (const RunResult& run : runs) writeRun(plain, run, style);
  writeSummary(plain, runs, style);
  style.color = true;
  for (const RunResult& run : runs) writeRun(colour, run, style);
  EXPECT_EQ(plain.str().find('\033'), std::string::npos);
  EXPECT_NE(colour.str().find("\033[1;31mFAIL\033[0m"), std::string::npos);
  const std::string text = plain.str();
  EXPECT_NE(text.find("PASS  passes  seed 3  2/2 checks  trace 0x0000000000abcdef"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("FAILED dir/b&c.json:9:3: /expect/1: broken <one>"), std::string::npos)
      << text;
  EXPECT_NE(text.find("error: c.json: the run could not complete: bind: address <in> use"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("FAILED: 3 run(s), 1 passed, 2 failed; 5 check(s), 2 failed; 1 run "
                      "error(s)"),
            std::string::npos)
      << text;
}

TEST(Terminal, QuietHidesPassingRunsVerboseListsEveryCheck) {
  const auto runs = sampleRuns();
  TerminalStyle quiet;
  quiet.quiet = true;
  std::ostringstream q;
  writeRun(q, runs[0], quiet);
  EXPECT_EQ(q.str(), "");
  TerminalStyle verbose;
  verbose.verbose = true;
  std::ostringstream v;
  writeRun(v, runs[0], verbose);
  EXPECT_NE(v.str().find("ok    first"), std::string::npos) << v.str();
  EXPECT_NE(v.str().find("ok    second"), std::string::npos) << v.str();
}

TEST(Terminal, DiagnosticsPrintExactlyAsToStringWithoutColour) {
  const Diagnostic d{"f.json", {3, 7}, "/peers/a", "expected x, got y"};
  std::ostringstream plain;
  writeDiagnostics(plain, {d}, TerminalStyle{});
  EXPECT_EQ(plain.str(), "f.json:3:7: /peers/a: expected x, got y\n");
  std::ostringstream colour;
  TerminalStyle style;
  style.color = true;
  writeDiagnostics(colour, {d}, style);
  EXPECT_EQ(colour.str(),
            "\033[1mf.json:3:7: /peers/a: \033[0m\033[1;31mexpected x, got y\033[0m\n");
}

}  // namespace
}  // namespace steamsim::scenario
