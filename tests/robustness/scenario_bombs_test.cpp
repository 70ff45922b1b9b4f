// SPDX-License-Identifier: MIT
// Scenario files built to exhaust time or memory: each must be refused with a clear error
// (position and JSON pointer), without reading or building what it asks for.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "scenario_text.hpp"
#include "steamsim/scenario/loader.hpp"

namespace steamsim::scenario {
namespace {

using testing::scenarioWithPeers;

std::string messages(const LoadResult& r) {
  std::string out;
  for (const Diagnostic& d : r.errors) out += d.toString() + "\n";
  return out;
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/steamsim-robustness-XXXXXX";
    path_ = ::mkdtemp(pattern);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

TEST(ScenarioBombs, DeepNestingIsRefusedAtItsPositionWithoutRecursion) {
  for (const int depth : {65, 10000, 100000}) {
    std::string text = "{\"duration_ms\": 1000, \"description\": ";
    text += std::string(static_cast<std::size_t>(depth), '[');
    text += std::string(static_cast<std::size_t>(depth), ']');
    text += "}";
    const LoadResult r = loadScenarioText(text, "deep.json");
    ASSERT_EQ(r.errors.size(), 1U) << messages(r);
    const Diagnostic& d = r.errors[0];
    EXPECT_EQ(d.pos.line, 1);
    EXPECT_EQ(d.pos.column, 38 + 63);  // the 64th "[" below the document: level 65
    EXPECT_EQ(d.pointer.substr(0, 15), "/description/0/");
    EXPECT_NE(d.message.find("at most 64 levels"), std::string::npos) << d.message;
  }
}

TEST(ScenarioBombs, DeepObjectsAreRefusedToo) {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "{\"a\": ";
  text += "1";
  for (int i = 0; i < 50000; ++i) text += "}";
  const LoadResult r = loadScenarioText(text, "deep.json");
  ASSERT_EQ(r.errors.size(), 1U) << messages(r);
  EXPECT_NE(r.errors[0].message.find("levels"), std::string::npos);
}

TEST(ScenarioBombs, NestingWithinTheLimitAndInsideStringsOrCommentsIsFine) {
  const std::string brackets(200, '[');
  const std::string text = scenarioWithPeers(
      1, ", \"description\": \"" + brackets + "\" /* " + brackets + " */ // " + brackets + "\n");
  const LoadResult r = loadScenarioText(text, "ok.json");
  EXPECT_TRUE(r.ok()) << messages(r);
}

TEST(ScenarioBombs, TheDepthLimitIsConfigurable) {
  LoadLimits limits;
  limits.max_depth = 2;
  const LoadResult r = loadScenarioText(scenarioWithPeers(1), "x.json", limits);
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].pointer, "/peers/p0");
}

TEST(ScenarioBombs, AnOverflowingNumberIsReportedWhereItIsWithItsPointer) {
  // The same text appears earlier in a description: the error must not point there.
  const std::string text =
      "{\n  \"description\": \"seed 1E999 is too big\",\n  \"duration_ms\": 1000,\n"
      "  \"timeline\": [ {\"at_ms\": 0, \"heal\": true}, {\"at_ms\": -1E999} ],\n"
      "  \"seed\": 1E999\n}";
  const LoadResult r = loadScenarioText(text, "big.json");
  ASSERT_EQ(r.errors.size(), 2U) << messages(r);
  EXPECT_EQ(r.errors[0].toString(),
            "big.json:4:55: /timeline/1/at_ms: expected a number a double can hold, got -1E999");
  EXPECT_EQ(r.errors[1].toString(),
            "big.json:5:11: /seed: expected a number a double can hold, got 1E999");
}

TEST(ScenarioBombs, AHugeOverflowingNumberIsShownShortened) {
  const std::string digits(5000, '9');
  const LoadResult r = loadScenarioText("{\"seed\": " + digits + "e999}", "x.json");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_LT(r.errors[0].message.size(), 100U);
  EXPECT_EQ(r.errors[0].pointer, "/seed");
}

TEST(ScenarioBombs, DevicesAndPipesAreRefusedWithoutReadingThem) {
  for (const char* device : {"/dev/zero", "/dev/urandom", "/dev/null"}) {
    const LoadResult r = loadScenarioFile(device, "dev.json");
    ASSERT_EQ(r.errors.size(), 1U) << device;
    EXPECT_EQ(r.errors[0].toString(),
              "dev.json: cannot read the file: expected a regular file, got a character device");
  }
  TempDir dir;
  const auto fifo = dir / "pipe.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const LoadResult r = loadScenarioFile(fifo, "pipe.json");  // no writer: must not block
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].toString(),
            "pipe.json: cannot read the file: expected a regular file, got a named pipe (FIFO)");
  const LoadResult folder = loadScenarioFile(dir / ".", "dir.json");
  ASSERT_EQ(folder.errors.size(), 1U);
  EXPECT_NE(folder.errors[0].message.find("cannot read the file"), std::string::npos);
}

TEST(ScenarioBombs, FilesOverTheSizeCapAreRefusedWithoutReadingThem) {
  TempDir dir;
  const auto big = dir / "big.json";
  { std::ofstream out(big); }
  // Sparse: the real cap plus one byte, costing no disk and never read.
  ASSERT_EQ(::truncate(big.c_str(), 16 * 1024 * 1024 + 1), 0);
  const LoadResult r = loadScenarioFile(big, "big.json");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].toString(),
            "big.json: cannot read the file: expected a scenario file of at most 16777216 "
            "bytes, got 16777217 bytes");

  const auto small = dir / "small.json";
  {
    std::ofstream out(small);
    out << scenarioWithPeers(3);
  }
  LoadLimits limits;
  limits.max_file_bytes = 20;
  EXPECT_FALSE(loadScenarioFile(small, "small.json", limits).ok());
  EXPECT_TRUE(loadScenarioFile(small, "small.json").ok());
}

std::string sendEntry(const std::string& send) {
  return ", \"timeline\": [{\"at_ms\": 0, \"peer\": \"p0\", \"send\": {\"to\": \"p1\", " + send +
         "}}]";
}

TEST(ScenarioBombs, SendSizesAreCheckedAgainstTheMessageLimit) {
  const LoadResult huge =
      loadScenarioText(scenarioWithPeers(2, sendEntry("\"size\": 16777216")), "s.json");
  ASSERT_EQ(huge.errors.size(), 1U) << messages(huge);
  EXPECT_EQ(huge.errors[0].pointer, "/timeline/0/send/size");
  EXPECT_NE(huge.errors[0].message.find("within 0..524289"), std::string::npos);
  EXPECT_TRUE(loadScenarioText(scenarioWithPeers(2, sendEntry("\"size\": 524289")), "s.json").ok());
}

TEST(ScenarioBombs, TotalScheduledMessagesAndBytesAreBounded) {
  const LoadResult bytes = loadScenarioText(
      scenarioWithPeers(2, sendEntry("\"size\": 100000, \"count\": 10000000")), "s.json");
  ASSERT_EQ(bytes.errors.size(), 2U) << messages(bytes);
  EXPECT_EQ(bytes.errors[0].pointer, "/timeline/0/send/count");
  EXPECT_NE(messages(bytes).find("at most 1000000 messages"), std::string::npos);
  EXPECT_NE(messages(bytes).find("at most 268435456 payload bytes"), std::string::npos);

  // Spread over many entries, each small: the total counts.
  std::string timeline = ", \"timeline\": [";
  for (int i = 0; i < 20; ++i) {
    if (i > 0) timeline += ", ";
    timeline +=
        "{\"at_ms\": 0, \"peer\": \"p0\", \"send\": {\"to\": \"p1\", \"payload\": \"x\", "
        "\"count\": 60000}}";
  }
  const LoadResult many = loadScenarioText(scenarioWithPeers(2, timeline + "]"), "s.json");
  ASSERT_EQ(many.errors.size(), 1U) << messages(many);
  EXPECT_EQ(many.errors[0].pointer, "/timeline/16/send/count");

  // Sends past the end of the run are not made, so they do not count.
  EXPECT_TRUE(loadScenarioText(scenarioWithPeers(2, sendEntry("\"size\": 1000, \"count\": "
                                                              "10000000, \"every_ms\": 10")),
                               "s.json")
                  .ok());
}

TEST(ScenarioBombs, GameLoopTicksAreBounded) {
  const std::string text =
      "{\"duration_ms\": 86400000, \"peers\": {\"a\": {\"steam_id\": 1, \"poll_ms\": 1}, "
      "\"b\": {\"steam_id\": 2, \"poll_ms\": 1}}}";
  const LoadResult r = loadScenarioText(text, "t.json");
  ASSERT_EQ(r.errors.size(), 1U) << messages(r);
  EXPECT_EQ(r.errors[0].pointer, "/duration_ms");
  EXPECT_NE(r.errors[0].message.find("172800002"), std::string::npos) << r.errors[0].message;
}

TEST(ScenarioBombs, ChannelsMultiplyTheGameLoopsWork) {
  // Every tick reads every channel named: 3000 channels x 2 peers x 20001 ticks.
  std::string timeline = ", \"timeline\": [";
  for (int i = 0; i < 3000; ++i) {
    if (i > 0) timeline += ", ";
    timeline +=
        "{\"at_ms\": 0, \"peer\": \"p0\", \"send\": {\"to\": \"p1\", \"payload\": \"x\", "
        "\"channel\": " +
        std::to_string(i + 1) + "}}";
  }
  const LoadResult r = loadScenarioText(scenarioWithPeers(2, timeline + "]", 20000 * 16), "c.json");
  ASSERT_EQ(r.errors.size(), 1U) << messages(r);
  EXPECT_EQ(r.errors[0].pointer, "/duration_ms");
  EXPECT_NE(r.errors[0].message.find("times the 3001 channel(s) named"), std::string::npos)
      << r.errors[0].message;
}

TEST(ScenarioBombs, ExpectationsTimesMessagesAreBounded) {
  std::string extra = sendEntry("\"payload\": \"x\", \"count\": 100000") + ", \"expect\": [";
  for (int i = 0; i < 3000; ++i) {
    extra += (i > 0 ? ", " : "") + std::string("{\"peer\": \"p1\", \"received\": {\"min\": 1}}");
  }
  const LoadResult r = loadScenarioText(scenarioWithPeers(2, extra + "]"), "e.json");
  ASSERT_EQ(r.errors.size(), 1U) << messages(r);
  EXPECT_EQ(r.errors[0].pointer, "/expect");
  EXPECT_NE(r.errors[0].message.find("got 300000000"), std::string::npos) << r.errors[0].message;
}

TEST(ScenarioBombs, ValuesUnderMegabyteKeysCostTheirTextNotTheirPointers) {
  // Every value's JSON pointer spells its ancestors' keys: 200,000 values under a 2 MB key
  // would be 400 GB of pointers. Beyond a length cap a value takes its nearest mapped
  // ancestor's pointer instead, so this is read in proportion to its 3 MB.
  const std::string key(2U << 20U, 'k');
  std::string values;
  for (int i = 0; i < 200000; ++i) values += i > 0 ? ",1" : "1";
  const std::string extra = ", \"description\": {\"" + key + "\": {\"list\": [" + values +
                            "], \"twice\": 1,\n\"twice\": 2}}";
  const LoadResult r = loadScenarioText(scenarioWithPeers(1, extra), "k.json");
  const Diagnostic* repeated = nullptr;
  for (const Diagnostic& d : r.errors) {
    if (d.message.find("each key once") != std::string::npos) repeated = &d;
  }
  ASSERT_NE(repeated, nullptr) << r.errors.size() << " errors";
  EXPECT_EQ(repeated->pointer, "/description");
  EXPECT_EQ(repeated->pos.line, 2);
  EXPECT_EQ(repeated->pos.column, 1);
  EXPECT_NE(repeated->message.find("got \"twice\" again"), std::string::npos) << repeated->message;
}

TEST(ScenarioBombs, TextInMemoryIsCappedLikeFiles) {
  LoadLimits limits;
  limits.max_file_bytes = 10;
  const LoadResult r = loadScenarioText(scenarioWithPeers(1), "t.json", limits);
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_NE(r.errors[0].message.find("at most 10 bytes"), std::string::npos);
}

TEST(ScenarioBombs, ThePeerCountIsBounded) {
  LoadLimits limits;
  limits.max_peers = 3;
  const LoadResult r = loadScenarioText(scenarioWithPeers(4), "p.json", limits);
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].toString(), "p.json:1:32: /peers: expected at most 3 peers, got 4");
  EXPECT_TRUE(loadScenarioText(scenarioWithPeers(3), "p.json", limits).ok());
}

}  // namespace
}  // namespace steamsim::scenario
