// SPDX-License-Identifier: MIT
// Trace ids, trace files (JSON Lines with filters, Trace Event JSON), observers that leave
// the trace hash alone, and the HTML report's self-containment.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>
#include <steamsim/scenario.hpp>
#include <steamsim/steamsim.hpp>

#include "../support/shell.hpp"

namespace {

namespace sc = steamsim::scenario;
using steamsim::SteamId;
using steamsim::TraceEvent;
using steamsim::TraceKind;

sc::Scenario load(const std::string& name) {
  sc::LoadResult loaded =
      sc::loadScenarioFile(std::string(STEAMSIM_OUTPUTS_SCENARIOS) + "/" + name);
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front().toString());
  return std::move(*loaded.scenario);
}

/// Keeps every trace event of a run.
class Recorder final : public sc::RunObserver {
 public:
  void event(const TraceEvent& e) override { events.push_back(e); }
  std::vector<TraceEvent> events;
};

TEST(TraceIds, FollowOneMessageFromSendToDelivery) {
  const sc::Scenario s = load("capture_known.json");
  Recorder recorder;
  sc::RunOptions options;
  options.observers.push_back(&recorder);
  const sc::RunResult result = sc::runScenario(s, options);
  ASSERT_TRUE(result.error.empty()) << result.error;

  using Key = std::tuple<SteamId, SteamId, std::uint64_t>;
  std::set<Key> sent;
  std::map<std::uint64_t, TraceKind> packets;  // packet id -> first kind seen
  std::size_t delivered_messages = 0;
  std::size_t keepalives = 0;
  for (const TraceEvent& e : recorder.events) {
    if (e.kind == TraceKind::ApiCall && e.detail == "sendMessageToUser" && e.value == 1) {
      ASSERT_NE(e.message_id, 0U) << "a successful send names its message";
      sent.insert({e.from, e.to, e.message_id});
    }
    if (e.kind == TraceKind::MessageDelivered) {
      ++delivered_messages;
      EXPECT_EQ(sent.count({e.from, e.to, e.message_id}), 1U)
          << "delivered message " << e.message_id << " was never sent";
      EXPECT_NE(e.packet_id, 0U) << "a delivery names the datagram that completed it";
    }
    if (e.kind == TraceKind::DatagramSent) {
      EXPECT_EQ(packets.count(e.packet_id), 0U) << "packet ids are unique";
      packets[e.packet_id] = e.kind;
      if ((e.packet_content & steamsim::kPacketPing) != 0 &&
          (e.packet_content & steamsim::kPacketMessages) == 0) {
        ++keepalives;
      }
    }
    if (e.kind == TraceKind::DatagramDelivered || e.kind == TraceKind::DatagramDropped ||
        e.kind == TraceKind::DatagramDelayed) {
      EXPECT_EQ(packets.count(e.packet_id), 1U) << "a datagram event names a sent datagram";
    }
  }
  EXPECT_GT(delivered_messages, 150U);
  EXPECT_GT(packets.size(), 200U);
  EXPECT_GT(keepalives, 0U) << "pings are recognisable";
}

TEST(TraceIds, ObserversLeaveTheTraceHashAlone) {
  const sc::Scenario s = load("capture_known.json");
  const sc::RunResult plain = sc::runScenario(s);
  Recorder recorder;
  sc::TimelineRecorder timeline;
  std::ostringstream chrome;
  sc::TraceWriter writer(chrome, sc::TraceFormat::Chrome, {}, 0);
  sc::RunOptions options;
  options.observers = {&recorder, &timeline, &writer};
  const sc::RunResult observed = sc::runScenario(s, options);
  EXPECT_EQ(plain.trace_hash, observed.trace_hash);
  EXPECT_EQ(plain.trace_events, observed.trace_events)
      << "observation-only events are not counted as trace events";
}

TEST(TraceFilter, ParsesTermsAndRejectsNonsense) {
  sc::TraceFilter filter;
  EXPECT_EQ(filter.parse("peer=host|ana, -kind=datagram_*,-keepalive"), "");
  EXPECT_EQ(filter.peers, (std::vector<std::string>{"host", "ana"}));
  EXPECT_EQ(filter.not_kinds, (std::vector<std::string>{"datagram_*"}));
  EXPECT_FALSE(filter.keepalives);
  sc::TraceFilter bad;
  EXPECT_NE(bad.parse("kind=datagram_sen").find("unknown trace kind \"datagram_sen\""),
            std::string::npos);
  EXPECT_NE(bad.parse("colour=red").find("unknown filter \"colour\""), std::string::npos);
  EXPECT_NE(bad.parse("peer").find("expected peer=NAME"), std::string::npos);

  TraceEvent e;
  e.kind = TraceKind::DatagramSent;
  e.from = 1;
  e.to = 2;
  sc::TraceFilter by_peer;
  ASSERT_EQ(by_peer.parse("peer=ana"), "");
  EXPECT_TRUE(by_peer.keeps(e, "host", "ana"));
  EXPECT_FALSE(by_peer.keeps(e, "host", "ben"));
  sc::TraceFilter no_pings;
  ASSERT_EQ(no_pings.parse("-keepalive"), "");
  e.packet_content = steamsim::kPacketPing | steamsim::kPacketAcks;
  EXPECT_FALSE(no_pings.keeps(e, "host", "ana"));
  e.packet_content = steamsim::kPacketPing | steamsim::kPacketMessages;
  EXPECT_TRUE(no_pings.keeps(e, "host", "ana")) << "a ping carrying messages is kept";
}

std::vector<nlohmann::json> jsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(TraceFiles, JsonLinesKeepOnlyWhatTheFilterAsks) {
  const sc::Scenario s = load("capture_known.json");
  steamsim::test::ScratchDir dir("steamsim_trace_filter");
  sc::BatchOptions batch;
  batch.trace_file = dir.file("trace.jsonl");
  ASSERT_EQ(batch.trace_filter.parse("peer=ben,-kind=api_call,-keepalive"), "");
  (void)sc::runJobs({{&s, std::nullopt}}, batch);
  const auto lines = jsonLines(steamsim::test::readFile(*batch.trace_file));
  ASSERT_GT(lines.size(), 50U);
  bool saw_message = false;
  for (const auto& j : lines) {
    EXPECT_NE(j.at("kind"), "api_call");
    EXPECT_TRUE(j.value("from_peer", "") == "ben" || j.value("to_peer", "") == "ben") << j;
    if (j.contains("carries")) {
      const auto& carries = j.at("carries");
      const bool ping = std::find(carries.begin(), carries.end(), "ping") != carries.end();
      const bool data = std::find(carries.begin(), carries.end(), "messages") != carries.end();
      EXPECT_FALSE(ping && !data) << "keepalives were asked out: " << j;
    }
    if (j.at("kind") == "message_delivered") {
      saw_message = true;
      EXPECT_GT(j.at("message_id").get<std::uint64_t>(), 0U);
      EXPECT_GT(j.at("packet_id").get<std::uint64_t>(), 0U);
    }
  }
  EXPECT_TRUE(saw_message);
}

TEST(TraceFiles, ChromeFormatIsTraceEventJsonWithBalancedSlices) {
  const sc::Scenario s = load("capture_known.json");
  steamsim::test::ScratchDir dir("steamsim_trace_chrome");
  sc::BatchOptions batch;
  batch.trace_file = dir.file("trace.json");
  batch.trace_format = sc::TraceFormat::Chrome;
  batch.workers = 2;
  (void)sc::runJobs({{&s, 1}, {&s, 2}}, batch);
  const nlohmann::json doc = nlohmann::json::parse(steamsim::test::readFile(*batch.trace_file));
  const auto& events = doc.at("traceEvents");
  ASSERT_GT(events.size(), 500U);
  std::map<std::string, int> open;  // pid/cat/id -> begun minus ended
  std::set<std::string> threads;
  std::set<int> pids;
  std::size_t instants = 0;
  for (const auto& e : events) {
    const std::string ph = e.at("ph");
    ASSERT_TRUE(ph == "M" || ph == "b" || ph == "e" || ph == "i") << e;
    pids.insert(e.at("pid").get<int>());
    if (ph == "M" && e.at("name") == "thread_name") threads.insert(e.at("args").at("name"));
    if (ph == "b" || ph == "e") {
      ASSERT_TRUE(e.at("ts").is_number());
      const std::string key = std::to_string(e.at("pid").get<int>()) + "/" +
                              e.at("cat").get<std::string>() + "/" + e.at("id").get<std::string>();
      open[key] += ph == "b" ? 1 : -1;
      EXPECT_GE(open[key], 0) << "ended before it began: " << e;
    }
    if (ph == "i") ++instants;
  }
  EXPECT_EQ(pids, (std::set<int>{0, 1, 2})) << "a process per run";
  EXPECT_EQ(threads.count("host (76561198000000301)"), 1U);
  EXPECT_GT(instants, 10U);
  std::size_t messages = 0;
  for (const auto& [key, n] : open) {
    EXPECT_LE(n, 1) << key;
    if (key.find("/message/") != std::string::npos && n == 0) ++messages;
  }
  EXPECT_GT(messages, 100U) << "messages are slices from send to delivery";
}

TEST(HtmlReport, IsOneSelfContainedPage) {
  sc::Scenario s = load("explain_symmetric_connect.json");
  s.name = "a name with </script><script>alert(1)</script> in it";
  sc::TimelineRecorder recorder;
  sc::RunOptions options;
  options.observers.push_back(&recorder);
  const sc::RunResult result = sc::runScenario(s, options);
  ASSERT_TRUE(recorder.complete());
  std::ostringstream html;
  sc::writeHtmlReport(html, {&recorder}, "report </title> test");
  const std::string page = html.str();
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0U);
  for (const char* remote : {"http://", "https://", "<link", "src=", "url(", "import "}) {
    EXPECT_EQ(page.find(remote), std::string::npos) << "fetches something: " << remote;
  }
  std::size_t closes = 0;
  for (std::size_t at = page.find("</script>"); at != std::string::npos;
       at = page.find("</script>", at + 1)) {
    ++closes;
  }
  EXPECT_EQ(closes, 2U) << "the data cannot end its script element early";
  EXPECT_NE(page.find("report &lt;/title&gt; test"), std::string::npos);

  // The embedded data is JSON that names the run, its peers, messages and the failed check.
  const std::size_t begin = page.find("type=\"application/json\">") + 24;
  const std::size_t end = page.find("</script>", begin);
  const nlohmann::json data = nlohmann::json::parse(page.substr(begin, end - begin));
  const auto& run = data.at("runs").at(0);
  EXPECT_EQ(run.at("name"), s.name);
  EXPECT_EQ(run.at("peers").size(), 2U);
  EXPECT_GT(run.at("msgs").at("send").size(), 50U);
  EXPECT_EQ(run.at("pkts").at("fate").size(), run.at("pkts").at("sent").size());
  ASSERT_EQ(run.at("checks").size(), 1U);
  EXPECT_FALSE(run.at("checks").at(0).at("passed"));
  EXPECT_EQ(run.at("checks").at(0).at("rule"), "B5");
  EXPECT_FALSE(result.passed());
}

}  // namespace
