// SPDX-License-Identifier: MIT
// Packet captures: every datagram that crossed a socket, with IPv4/UDP headers carrying the
// peers' real ports and checksums, stamped with the network's (virtual) clock.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <set>

#include <steamsim/pcap.hpp>
#include <steamsim/steamsim.hpp>

#include "../support/shell.hpp"

namespace {

using namespace std::chrono_literals;

struct Record {
  std::int64_t time_us = 0;
  std::vector<std::uint8_t> bytes;
};

std::uint32_t le32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 4; i-- > 0;) v = (v << 8U) | static_cast<std::uint8_t>(s[at + i]);
  return v;
}
std::uint16_t be16(const std::vector<std::uint8_t>& b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8U) | b[at + 1]);
}

/// One's-complement checksum over `b` (padded); 0 when the stored checksum is right.
std::uint16_t verify(const std::vector<std::uint8_t>& b, std::size_t from, std::size_t to,
                     std::uint32_t sum = 0) {
  for (std::size_t i = from; i < to; i += 2) {
    sum += static_cast<std::uint32_t>(b[i] << 8U) | (i + 1 < to ? b[i + 1] : 0U);
  }
  while ((sum >> 16U) != 0) sum = (sum & 0xFFFFU) + (sum >> 16U);
  return static_cast<std::uint16_t>(~sum & 0xFFFFU);
}

std::vector<Record> readPcap(const std::string& path, std::uint32_t& linktype) {
  const std::string file = steamsim::test::readFile(path);
  std::vector<Record> out;
  EXPECT_GE(file.size(), 24U);
  if (file.size() < 24) return out;
  EXPECT_EQ(le32(file, 0), 0xa1b2c3d4U) << "microsecond pcap, little-endian";
  linktype = le32(file, 20);
  for (std::size_t at = 24; at + 16 <= file.size();) {
    Record r;
    r.time_us = static_cast<std::int64_t>(le32(file, at)) * 1'000'000 + le32(file, at + 4);
    const std::uint32_t length = le32(file, at + 8);
    EXPECT_EQ(length, le32(file, at + 12)) << "whole datagrams are captured";
    r.bytes.assign(file.begin() + static_cast<std::ptrdiff_t>(at + 16),
                   file.begin() + static_cast<std::ptrdiff_t>(at + 16 + length));
    out.push_back(std::move(r));
    at += 16 + length;
  }
  return out;
}

TEST(Pcap, EveryDatagramWithRealPortsAndVirtualTimes) {
  steamsim::test::ScratchDir dir("steamsim_pcap");
  const std::string path = dir.file("capture.pcap");
  std::vector<std::int64_t> delivered_at;
  std::uint16_t host_port = 0;
  std::uint16_t guest_port = 0;
  std::uint16_t stranger_port = 0;
  steamsim::NetworkCounters counters;
  {
    steamsim::NetworkConfig config;
    config.seed = 3;
    steamsim::Network net(config);
    auto& host = net.addPeer(76561198000000001);
    auto& guest = net.addPeer(76561198000000002);
    host_port = host.port();
    guest_port = guest.port();
    host.onSessionRequest([&](steamsim::SteamId id) { host.acceptSessionWithUser(id); });
    const std::int64_t origin = net.now().count();
    auto writer = steamsim::enablePcap(net, path, {origin});
    net.setTraceSink([&](const steamsim::TraceEvent& e) {
      if (e.kind == steamsim::TraceKind::DatagramDelivered)
        delivered_at.push_back(e.time_us - origin);
    });
    steamsim::LinkConditions slow;
    slow.latency_ms = 30;
    net.setDefaultLink(slow);
    for (int i = 0; i < 20; ++i) {
      ASSERT_EQ(guest.sendMessageToUser(host.steamId(), "hello " + std::to_string(i),
                                        steamsim::NETWORKING_SEND_RELIABLE, 0),
                steamsim::Result::OK);
      net.advance(20ms);
    }
    // A stranger's datagram to the host's socket is captured when the host reads it.
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(host_port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const char junk[] = "not a steamsim datagram";
    ASSERT_GT(::sendto(fd, junk, sizeof junk, 0, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    sockaddr_in self{};
    socklen_t len = sizeof self;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&self), &len);
    stranger_port = ntohs(self.sin_port);
    ASSERT_EQ(
        guest.sendMessageToUser(host.steamId(), "last", steamsim::NETWORKING_SEND_RELIABLE, 0),
        steamsim::Result::OK);
    net.advance(1s);
    ::close(fd);
    counters = net.counters();
    net.setTraceSink(nullptr);
    EXPECT_EQ(writer->records(), counters.datagrams + 1);
    EXPECT_TRUE(writer->flush());
  }
  std::uint32_t linktype = 0;
  const std::vector<Record> records = readPcap(path, linktype);
  EXPECT_EQ(linktype, 101U) << "LINKTYPE_RAW: records start with the IP header";
  ASSERT_EQ(records.size(), counters.datagrams + 1);
  std::size_t ours = 0;
  std::int64_t last = 0;
  bool saw_stranger = false;
  for (const Record& r : records) {
    const auto& b = r.bytes;
    ASSERT_GE(b.size(), 28U);
    EXPECT_EQ(b[0], 0x45);
    EXPECT_EQ(b[9], 17) << "UDP";
    EXPECT_EQ(be16(b, 2), b.size());
    EXPECT_EQ(verify(b, 0, 20), 0) << "IPv4 header checksum";
    EXPECT_EQ((std::vector<std::uint8_t>(b.begin() + 12, b.begin() + 20)),
              (std::vector<std::uint8_t>{127, 0, 0, 1, 127, 0, 0, 1}));
    const std::uint16_t sport = be16(b, 20);
    const std::uint16_t dport = be16(b, 22);
    EXPECT_EQ(be16(b, 24), b.size() - 20);
    const std::uint32_t pseudo =
        0x7F00 + 0x0001 + 0x7F00 + 0x0001 + 17 + static_cast<std::uint32_t>(b.size() - 20);
    EXPECT_EQ(verify(b, 20, b.size(), pseudo), 0) << "UDP checksum";
    EXPECT_GE(r.time_us, last) << "in time order";
    last = r.time_us;
    if (sport == stranger_port) {
      saw_stranger = true;
      EXPECT_EQ(dport, host_port);
      continue;
    }
    EXPECT_TRUE((sport == guest_port && dport == host_port) ||
                (sport == host_port && dport == guest_port));
    EXPECT_EQ(std::string(b.begin() + 28, b.begin() + 32), "SSIM");
    ASSERT_LT(ours, delivered_at.size());
    EXPECT_EQ(r.time_us, delivered_at[ours]) << "stamped with the virtual clock";
    ++ours;
  }
  EXPECT_TRUE(saw_stranger);
  EXPECT_EQ(ours, delivered_at.size());
}

TEST(Pcap, UnwritableFileIsAClearError) {
  steamsim::Network net;
  try {
    steamsim::enablePcap(net, "/nonexistent-folder/capture.pcap");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-folder/capture.pcap"), std::string::npos);
  }
}

}  // namespace
