// SPDX-License-Identifier: MIT
// The HTML report in Debian's headless Chromium: a 4-peer, 60-second lobby at 60 messages/s
// per peer renders with no console errors; lanes, drops, lost messages and a red check are
// drawn; a screenshot is saved in artifacts/ for people to look at.

#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "../support/shell.hpp"

namespace {

using steamsim::test::quote;
using steamsim::test::runCommand;

std::string chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    if (runCommand(std::string("command -v ") + name + " >/dev/null 2>&1").status == 0) return name;
  }
  return {};
}

/// Headless Chromium with a fresh profile: no first-run prompts, no sandbox (CI runs as root),
/// no GPU; JavaScript runs until the page is idle (virtual time).
std::string chromiumCommand(const std::string& browser, const std::string& profile) {
  return "timeout 120 " + browser +
         " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
         " --no-default-browser-check --disable-extensions --hide-scrollbars"
         " --user-data-dir=" +
         quote(profile) + " --virtual-time-budget=15000";
}

TEST(Browser, ReportRendersAndShowsWhatHappened) {
  const std::string browser = chromium();
  ASSERT_FALSE(browser.empty()) << "Chromium is needed (Debian: chromium; tools/setup.sh)";
  steamsim::test::ScratchDir dir("steamsim_browser");
  const std::string report = dir.file("lobby.html");
  const auto run =
      runCommand(quote(STEAMSIM_CLI) + " run " +
                 quote(std::string(STEAMSIM_OUTPUTS_SCENARIOS) + "/lobby_minute.json") +
                 " --report " + quote(report) + " -q 2>&1");
  ASSERT_EQ(run.status, 1) << "one check fails on purpose\n" << run.text;
  ASSERT_TRUE(std::filesystem::exists(report));

  const std::string url = "file://" + report;
  const auto dom = runCommand(chromiumCommand(browser, dir.file("profile-dom")) +
                              " --enable-logging=stderr --v=0 --dump-dom " + quote(url) + " 2>" +
                              quote(dir.file("console.txt")));
  ASSERT_EQ(dom.status, 0) << dom.text.substr(0, 500);
  const std::string console = steamsim::test::readFile(dir.file("console.txt"));
  for (const char* bad : {"Uncaught", "CONSOLE"}) {
    EXPECT_EQ(console.find(bad), std::string::npos) << "console output:\n"
                                                    << console.substr(0, 3000);
  }

  // The page checks itself after drawing and writes what it found into the DOM.
  const std::size_t begin = dom.text.find("<pre id=\"selfcheck\">");
  ASSERT_NE(begin, std::string::npos) << "the report's script did not finish";
  const std::size_t start = begin + std::string("<pre id=\"selfcheck\">").size();
  const auto check =
      nlohmann::json::parse(dom.text.substr(start, dom.text.find("</pre>", start) - start));
  RecordProperty("selfcheck", check.dump());
  EXPECT_EQ(check.at("status"), "ok") << check.dump(2);
  EXPECT_TRUE(check.at("problems").empty()) << check.dump(2);
  EXPECT_EQ(check.at("lanes"), 4);
  EXPECT_GT(check.at("messages").get<int>(), 14000) << "4 peers x 60 messages/s x 60 s";
  EXPECT_GT(check.at("drops").get<int>(), 0);
  EXPECT_GT(check.at("drops_drawn").get<int>(), 0);
  EXPECT_GT(check.at("zoomed_drops_drawn").get<int>(), 0) << "drops drawn one by one when zoomed";
  EXPECT_GT(check.at("lost_messages_drawn").get<int>(), 0);
  EXPECT_EQ(check.at("red_checks_drawn"), 1);
  EXPECT_EQ(check.at("green_checks_drawn"), 1);
  EXPECT_EQ(check.at("failed_checks_listed"), 1);
  EXPECT_EQ(check.at("link_rows"), 12);
  // Elements a reader looks for.
  for (const char* element :
       {"class=\"lane lane-label\" data-peer=\"host\"",
        "class=\"lane lane-label\" data-peer=\"cho\"", "id=\"timeline-canvas\"",
        "class=\"check fail\"", "class=\"badge rule\">B16<", "id=\"link-counters\"",
        "id=\"latency-histogram\""}) {
    EXPECT_NE(dom.text.find(element), std::string::npos) << element;
  }
  std::cout << "report self-check: load " << check.at("load_ms") << " ms, redraw "
            << check.at("redraw_ms") << " ms, zoomed redraw " << check.at("zoomed_redraw_ms")
            << " ms\n";

  // A screenshot, kept as the test's artefact.
  std::filesystem::create_directories(STEAMSIM_ARTIFACTS);
  const std::string png = std::string(STEAMSIM_ARTIFACTS) + "/report.png";
  std::filesystem::remove(png);
  const auto shot = runCommand(chromiumCommand(browser, dir.file("profile-shot")) +
                               " --window-size=1400,1000 --screenshot=" + quote(png) + " " +
                               quote(url) + " 2>/dev/null");
  ASSERT_EQ(shot.status, 0);
  const std::string image = steamsim::test::readFile(png);
  ASSERT_GT(image.size(), 20000U) << "a blank page would be small";
  EXPECT_EQ(image.substr(1, 3), "PNG");
  RecordProperty("screenshot", png);
}

}  // namespace
