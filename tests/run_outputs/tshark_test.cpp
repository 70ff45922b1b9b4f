// SPDX-License-Identifier: MIT
// tools/wireshark/steamsim.lua in Debian's tshark: a capture of a known scenario, decoded
// field by field, says what the run's trace says.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "../support/shell.hpp"

namespace {

using steamsim::test::quote;
using steamsim::test::runCommand;

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) out.push_back(cell);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

struct Frame {
  std::int64_t time_us = 0;
  int sport = 0;
  int dport = 0;
  std::string from, to;
  int type = 0;
  std::size_t payload = 0;
  std::string checksum;
  std::vector<std::string> numbers, channels, frame_types;
};

class Tshark : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto version = runCommand("tshark --version 2>/dev/null");
    ASSERT_EQ(version.status, 0) << "tshark is needed (Debian: tshark; tools/setup.sh installs it)";
  }
  std::string tshark(const std::string& pcap, const std::string& fields) {
    const std::string command = "tshark -n -X lua_script:" + quote(STEAMSIM_LUA_DISSECTOR) +
                                " -o udp.try_heuristic_first:TRUE -r " + quote(pcap) +
                                " -T fields -E separator=/t -E occurrence=a -E aggregator=, " +
                                fields + " 2>&1";
    const auto out = runCommand(command);
    EXPECT_EQ(out.status, 0) << out.text.substr(0, 2000);
    return out.text;
  }
};

TEST_F(Tshark, DecodedFieldsEqualTheTrace) {
  steamsim::test::ScratchDir dir("steamsim_tshark");
  const std::string pcap = dir.file("run.pcap");
  const std::string trace = dir.file("run.jsonl");
  const auto run =
      runCommand(quote(STEAMSIM_CLI) + " run " +
                 quote(std::string(STEAMSIM_OUTPUTS_SCENARIOS) + "/capture_known.json") +
                 " --pcap " + quote(pcap) + " --trace " + quote(trace) + " -q 2>&1");
  ASSERT_EQ(run.status, 0) << run.text;

  // The trace: datagrams as they crossed sockets, their types, rejected ones, messages.
  struct Crossed {
    std::int64_t t = 0;
    std::string from, to;
    std::size_t bytes = 0;
    std::uint64_t packet = 0;
  };
  std::vector<Crossed> crossed;
  std::map<std::uint64_t, int> type_of;
  std::set<std::uint64_t> corrupted;
  std::set<std::tuple<std::string, std::string, std::uint64_t>> messages;
  std::map<std::tuple<std::string, std::string, std::uint64_t>, int> channel_of;
  {
    std::istringstream in(steamsim::test::readFile(trace));
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line);
      const std::string kind = j.at("kind");
      if (kind == "datagram_sent") type_of[j.at("packet_id")] = j.at("value");
      if (kind == "datagram_delivered") {
        crossed.push_back({j.at("t_us"), std::to_string(j.at("from").get<std::uint64_t>()),
                           std::to_string(j.at("to").get<std::uint64_t>()), j.at("bytes"),
                           j.at("packet_id")});
      }
      if (kind == "datagram_rejected" && j.at("detail") == "bad checksum") {
        corrupted.insert(j.at("packet_id").get<std::uint64_t>());
      }
      if (kind == "message_delivered") {
        const auto key = std::make_tuple(std::to_string(j.at("from").get<std::uint64_t>()),
                                         std::to_string(j.at("to").get<std::uint64_t>()),
                                         j.at("message_id").get<std::uint64_t>());
        messages.insert(key);
        channel_of[key] = j.at("value");
      }
    }
  }
  ASSERT_GT(crossed.size(), 200U);
  ASSERT_GT(messages.size(), 150U);
  ASSERT_FALSE(corrupted.empty()) << "the scenario corrupts a few datagrams";

  // tshark's view of the capture.
  const std::string text =
      tshark(pcap,
             "-e frame.time_epoch -e udp.srcport -e udp.dstport -e steamsim.from -e steamsim.to "
             "-e steamsim.type -e udp.length -e steamsim.checksum.status -e steamsim.msg.number "
             "-e steamsim.msg.channel -e steamsim.frame.type -e _ws.expert.message");
  std::vector<Frame> frames;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("Running as user", 0) == 0) continue;  // tshark's note when run as root
    const auto cells = split(line, '\t');
    ASSERT_GE(cells.size(), 11U) << line;
    Frame f;
    f.time_us = std::llround(std::stod(cells[0]) * 1e6);
    f.sport = std::stoi(cells[1]);
    f.dport = std::stoi(cells[2]);
    f.from = cells[3];
    f.to = cells[4];
    f.type = cells[5].empty() ? 0 : std::stoi(cells[5]);
    f.payload = static_cast<std::size_t>(std::stoul(cells[6])) - 8;
    f.checksum = cells[7];
    f.numbers = split(cells[8], ',');
    f.channels = split(cells[9], ',');
    f.frame_types = split(cells[10], ',');
    frames.push_back(std::move(f));
  }
  ASSERT_EQ(frames.size(), crossed.size()) << "one capture record per datagram that crossed";

  std::map<std::string, int> port_of;  // Steam ID -> its socket's port
  std::set<std::tuple<std::string, std::string, std::uint64_t>> decoded;
  std::set<std::string> frame_types_seen;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const Frame& f = frames[i];
    const Crossed& c = crossed[i];
    SCOPED_TRACE("frame " + std::to_string(i + 1));
    EXPECT_EQ(f.time_us, c.t) << "virtual time";
    EXPECT_EQ(f.payload, c.bytes);
    if (port_of.count(c.from) == 0) port_of[c.from] = f.sport;
    if (port_of.count(c.to) == 0) port_of[c.to] = f.dport;
    EXPECT_EQ(port_of[c.from], f.sport) << "each peer sends from its own socket";
    EXPECT_EQ(port_of[c.to], f.dport);
    const bool corrupt = corrupted.count(c.packet) != 0;
    EXPECT_EQ(f.checksum, corrupt ? "bad" : "good");
    if (corrupt) {
      ++bad;
      continue;  // a flipped bit may have changed any field
    }
    EXPECT_EQ(f.from, c.from);
    EXPECT_EQ(f.to, c.to);
    EXPECT_EQ(f.type, type_of.at(c.packet));
    for (const std::string& t : f.frame_types) {
      if (!t.empty()) frame_types_seen.insert(t);
    }
    ASSERT_EQ(f.numbers.size(), f.channels.size());
    for (std::size_t k = 0; k < f.numbers.size(); ++k) {
      if (f.numbers[k].empty()) continue;
      const auto key = std::make_tuple(f.from, f.to, std::stoull(f.numbers[k]));
      decoded.insert(key);
      auto channel = channel_of.find(key);
      if (channel != channel_of.end()) {
        EXPECT_EQ(std::stoi(f.channels[k]), channel->second) << "message " << f.numbers[k];
      }
    }
  }
  EXPECT_EQ(bad, corrupted.size());
  EXPECT_EQ(port_of.size(), 3U);
  for (const auto& m : messages) {
    EXPECT_EQ(decoded.count(m), 1U) << "message " << std::get<2>(m) << " from " << std::get<0>(m)
                                    << " to " << std::get<1>(m) << " not decoded";
  }
  EXPECT_EQ(frame_types_seen, (std::set<std::string>{"1", "2", "3", "4", "5", "6"}))
      << "every frame type appears and is decoded";

  // Acks name packets the other side sent.
  const std::string acks =
      tshark(pcap, "-Y steamsim.ack.largest -e steamsim.ack.largest -e steamsim.ack.range");
  EXPECT_NE(acks.find('-'), std::string::npos) << "ranges are decoded";
  const std::string experts = tshark(pcap, "-Y steamsim.malformed -e frame.number");
  std::size_t malformed = 0;
  for (char ch : experts) malformed += ch == '\n' ? 1 : 0;
  EXPECT_LE(malformed, corrupted.size() + 1) << "only corrupted datagrams may look malformed";
}

}  // namespace
