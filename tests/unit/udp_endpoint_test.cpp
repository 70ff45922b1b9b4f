// SPDX-License-Identifier: MIT
// UdpEndpoint: real loopback sockets on ephemeral ports.

#include "udp_endpoint.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#ifdef __linux__
#include <sys/socket.h>
#endif

namespace steamsim::detail {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

/// Generous bound for a loopback datagram to become readable; never asserted as timing.
constexpr auto kArrival = 5000ms;

Bytes pattern(std::size_t size, std::uint8_t seed) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(seed + i * 31);
  return out;
}

/// Waits for and reads one datagram.
std::optional<UdpEndpoint::Received> receiveOne(UdpEndpoint& endpoint,
                                                std::span<std::uint8_t> buffer) {
  if (!endpoint.waitReadable(kArrival)) return std::nullopt;
  return endpoint.tryReceive(buffer);
}

TEST(UdpEndpoint, BindsEphemeralLoopbackPort) {
  UdpEndpoint a("127.0.0.1", 0);
  EXPECT_NE(a.localAddress().port, 0);
  EXPECT_FALSE(a.localAddress().v6);
  EXPECT_EQ(a.localAddress().ipString(), "127.0.0.1");
  EXPECT_EQ(a.localAddress().toString(), "127.0.0.1:" + std::to_string(a.localAddress().port));
  UdpEndpoint b("127.0.0.1", 0);
  EXPECT_NE(a.localAddress(), b.localAddress());
}

TEST(UdpEndpoint, ExchangesDatagramsBothWays) {
  UdpEndpoint a("127.0.0.1", 0);
  UdpEndpoint b("127.0.0.1", 0);
  std::array<std::uint8_t, 2048> buffer{};

  for (const std::size_t size : {std::size_t{1}, std::size_t{44}, std::size_t{1300}}) {
    const Bytes to_b = pattern(size, 1);
    ASSERT_TRUE(a.sendTo(b.localAddress(), to_b));
    const auto got = receiveOne(b, buffer);
    ASSERT_TRUE(got.has_value()) << size;
    EXPECT_EQ(got->size, size);
    EXPECT_EQ(Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(got->size)), to_b);
    EXPECT_EQ(got->from, a.localAddress());

    const Bytes to_a = pattern(size, 9);
    ASSERT_TRUE(b.sendTo(a.localAddress(), to_a));
    const auto back = receiveOne(a, buffer);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(back->size)),
              to_a);
    EXPECT_EQ(back->from, b.localAddress());
  }
}

TEST(UdpEndpoint, PreservesDatagramBoundariesAndOrderOnLoopback) {
  UdpEndpoint a("127.0.0.1", 0);
  UdpEndpoint b("127.0.0.1", 0);
  for (std::uint8_t i = 0; i < 20; ++i) ASSERT_TRUE(a.sendTo(b.localAddress(), pattern(i + 1U, i)));
  std::array<std::uint8_t, 64> buffer{};
  for (std::uint8_t i = 0; i < 20; ++i) {
    const auto got = receiveOne(b, buffer);
    ASSERT_TRUE(got.has_value()) << int{i};
    ASSERT_EQ(got->size, i + 1U);
    EXPECT_EQ(Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(got->size)),
              pattern(i + 1U, i));
  }
  EXPECT_FALSE(b.tryReceive(buffer).has_value());
}

TEST(UdpEndpoint, EmptySocketNeitherBlocksNorReports) {
  UdpEndpoint a("127.0.0.1", 0);
  std::array<std::uint8_t, 64> buffer{};
  EXPECT_FALSE(a.tryReceive(buffer).has_value());
  EXPECT_FALSE(a.waitReadable(0ms));
  EXPECT_FALSE(a.waitReadable(-5ms));
}

TEST(UdpEndpoint, WaitReadableTurnsTrueAfterASend) {
  UdpEndpoint a("127.0.0.1", 0);
  UdpEndpoint b("127.0.0.1", 0);
  EXPECT_FALSE(b.waitReadable(0ms));
  const Bytes data = pattern(10, 3);
  ASSERT_TRUE(a.sendTo(b.localAddress(), data));
  ASSERT_TRUE(b.waitReadable(kArrival));
  EXPECT_TRUE(b.waitReadable(0ms)) << "still readable until read";
  std::array<std::uint8_t, 64> buffer{};
  ASSERT_TRUE(b.tryReceive(buffer).has_value());
  EXPECT_FALSE(b.waitReadable(0ms));
  EXPECT_FALSE(b.tryReceive(buffer).has_value());
}

TEST(UdpEndpoint, OversizedDatagramIsTruncatedToBuffer) {
  UdpEndpoint a("127.0.0.1", 0);
  UdpEndpoint b("127.0.0.1", 0);
  const Bytes data = pattern(100, 5);
  ASSERT_TRUE(a.sendTo(b.localAddress(), data));
  std::array<std::uint8_t, 40> small{};
  const auto got = receiveOne(b, small);
  ASSERT_TRUE(got.has_value());
  EXPECT_GE(got->size, small.size());  // the true size where the OS reports it (Linux: 100)
  EXPECT_EQ(Bytes(small.begin(), small.end()), Bytes(data.begin(), data.begin() + 40));
#ifdef __linux__
  EXPECT_EQ(got->size, data.size());
#endif
  EXPECT_FALSE(b.tryReceive(small).has_value()) << "the rest was discarded";
}

TEST(UdpEndpoint, SendToUnboundPortSucceedsAndDoesNotDisturbReceive) {
  std::optional<SocketAddress> gone;
  {
    UdpEndpoint closed("127.0.0.1", 0);
    gone = closed.localAddress();
  }
  UdpEndpoint a("127.0.0.1", 0);
  UdpEndpoint b("127.0.0.1", 0);
  EXPECT_TRUE(a.sendTo(*gone, pattern(8, 0)));  // UDP: nobody listening is not a send error
  ASSERT_TRUE(b.sendTo(a.localAddress(), pattern(8, 1)));
  std::array<std::uint8_t, 64> buffer{};
  const auto got = receiveOne(a, buffer);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->from, b.localAddress());
}

TEST(UdpEndpoint, SocketIsARealFdReleasedOnDestruction) {
#ifndef __linux__
  GTEST_SKIP() << "/proc/self/fd is Linux-only";
#else
  namespace fs = std::filesystem;
  int fd = -1;
  fs::path link;
  std::string target;
  {
    UdpEndpoint a("127.0.0.1", 0);
    fd = a.nativeHandle();
    ASSERT_GE(fd, 0);
    link = fs::path("/proc/self/fd") / std::to_string(fd);
    ASSERT_TRUE(fs::is_symlink(link));
    target = fs::read_symlink(link).string();
    EXPECT_EQ(target.rfind("socket:[", 0), 0U) << target;
  }
  std::error_code ec;
  const bool still_there = fs::is_symlink(link, ec);
  if (still_there) {
    // The number may have been reused, but never by the same socket.
    EXPECT_NE(fs::read_symlink(link, ec).string(), target);
  }
  SUCCEED();
#endif
}

TEST(UdpEndpoint, BadAddressesThrowSystemErrorNamingTheAddress) {
  try {
    UdpEndpoint bad("not-an-address", 0);
    FAIL() << "expected std::system_error";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("not-an-address"), std::string::npos) << e.what();
  }
  // TEST-NET-1 is not assigned to this host.
  EXPECT_THROW(UdpEndpoint("192.0.2.1", 0), std::system_error);
  EXPECT_THROW(UdpEndpoint("127.0.0.1.5", 0), std::system_error);
}

TEST(UdpEndpoint, BindingATakenPortThrows) {
  UdpEndpoint a("127.0.0.1", 0);
  const std::uint16_t port = a.localAddress().port;
  try {
    UdpEndpoint b("127.0.0.1", port);
    FAIL() << "expected std::system_error";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(port)), std::string::npos)
        << e.what();
  }
}

TEST(SocketAddress, FormatsIpv6WithBrackets) {
  SocketAddress addr;
  addr.v6 = true;
  addr.ip[15] = 1;  // ::1
  addr.port = 4000;
  EXPECT_EQ(addr.ipString(), "::1");
  EXPECT_EQ(addr.toString(), "[::1]:4000");
}

}  // namespace
}  // namespace steamsim::detail

namespace steamsim::detail {
namespace {

TEST(UdpEndpointBatch, SendsInOrderToSeveralSocketsAndReadsThemBackInBatches) {
  UdpEndpoint sender("127.0.0.1", 0);
  UdpEndpoint b("127.0.0.1", 0);
  UdpEndpoint c("127.0.0.1", 0);
  // More than one system call's worth, alternating destinations, varied sizes.
  constexpr std::size_t kCount = UdpEndpoint::kBatch * 2 + 7;
  std::vector<Bytes> payloads;
  std::vector<UdpEndpoint::Outgoing> batch;
  for (std::size_t i = 0; i < kCount; ++i)
    payloads.push_back(pattern(1 + (i * 37) % 1300, static_cast<std::uint8_t>(i)));
  for (std::size_t i = 0; i < kCount; ++i) {
    batch.push_back({i % 2 == 0 ? &b.localAddress() : &c.localAddress(), payloads[i]});
  }
  ASSERT_EQ(sender.sendBatch(batch), kCount);

  for (UdpEndpoint* receiver : {&b, &c}) {
    const std::size_t first = receiver == &b ? 0 : 1;
    std::vector<Bytes> storage(UdpEndpoint::kBatch, Bytes(1400));
    std::vector<std::span<std::uint8_t>> buffers;
    for (Bytes& s : storage) buffers.emplace_back(s);
    std::vector<UdpEndpoint::Received> received(UdpEndpoint::kBatch);
    std::size_t next = first;
    for (int round = 0; round < 100 && next < kCount; ++round) {
      if (!receiver->waitReadable(kArrival)) break;
      const std::size_t got = receiver->receiveBatch(buffers, received);
      ASSERT_LE(got, UdpEndpoint::kBatch);
      for (std::size_t k = 0; k < got; ++k, next += 2) {
        ASSERT_LT(next, kCount);
        EXPECT_EQ(received[k].from, sender.localAddress());
        ASSERT_EQ(received[k].size, payloads[next].size());
        EXPECT_TRUE(std::equal(payloads[next].begin(), payloads[next].end(), storage[k].begin()))
            << "datagram " << next;
      }
    }
    EXPECT_GE(next, kCount) << "every datagram, in order";
    EXPECT_EQ(receiver->receiveBatch(buffers, received), 0U) << "nothing more, and no blocking";
  }
}

TEST(UdpEndpointBatch, OversizedDatagramIsTruncatedAndReportedWithItsSize) {
  UdpEndpoint a("127.0.0.1", 0);
  UdpEndpoint b("127.0.0.1", 0);
  const Bytes big = pattern(900, 3);
  const Bytes small = pattern(10, 4);
  const std::array<UdpEndpoint::Outgoing, 2> batch{UdpEndpoint::Outgoing{&b.localAddress(), big},
                                                   UdpEndpoint::Outgoing{&b.localAddress(), small}};
  ASSERT_EQ(a.sendBatch(batch), 2U);
  ASSERT_TRUE(b.waitReadable(kArrival));
  std::array<Bytes, 2> storage{Bytes(100), Bytes(100)};
  const std::array<std::span<std::uint8_t>, 2> buffers{std::span<std::uint8_t>(storage[0]),
                                                       std::span<std::uint8_t>(storage[1])};
  std::array<UdpEndpoint::Received, 2> received{};
  std::size_t got = 0;
  for (int round = 0; round < 100 && got < 2; ++round) {
    const std::size_t n =
        b.receiveBatch(std::span(buffers).subspan(got), std::span(received).subspan(got));
    if (n == 0 && !b.waitReadable(kArrival)) break;
    got += n;
  }
  ASSERT_EQ(got, 2U);
#ifdef __linux__
  EXPECT_EQ(received[0].size, big.size()) << "the true size, though only 100 bytes were kept";
#endif
  EXPECT_TRUE(std::equal(storage[0].begin(), storage[0].end(), big.begin()));
  EXPECT_EQ(received[1].size, small.size());
}

/// Reads `count` datagrams from `receiver` (each into a buffer of 2048 bytes).
std::vector<Bytes> readBack(UdpEndpoint& receiver, std::size_t count) {
  std::vector<Bytes> storage(UdpEndpoint::kBatch, Bytes(2048));
  std::vector<std::span<std::uint8_t>> buffers;
  for (Bytes& b : storage) buffers.emplace_back(b);
  std::vector<UdpEndpoint::Received> received(UdpEndpoint::kBatch);
  std::vector<Bytes> out;
  for (int round = 0; round < 1000 && out.size() < count; ++round) {
    const std::size_t got = receiver.receiveBatch(buffers, received);
    if (got == 0 && !receiver.waitReadable(kArrival)) break;
    for (std::size_t k = 0; k < got; ++k) {
      out.emplace_back(storage[k].begin(),
                       storage[k].begin() + static_cast<std::ptrdiff_t>(received[k].size));
    }
  }
  return out;
}

// Runs to one socket of equal-sized datagrams (longer than a segmented send may carry, and
// ending in a shorter one), between datagrams of other sizes and to another socket: each
// arrives as its own datagram, whole and in order.
TEST(UdpEndpointBatch, RunsOfEqualSizedDatagramsArriveAsSeparateDatagrams) {
  UdpEndpoint sender("127.0.0.1", 0);
  UdpEndpoint b("127.0.0.1", 0);
  UdpEndpoint c("127.0.0.1", 0);
  std::vector<Bytes> to_b;
  std::vector<Bytes> to_c;
  std::vector<UdpEndpoint::Outgoing> batch;
  std::vector<Bytes> payloads;
  payloads.reserve(400);
  const auto add = [&](UdpEndpoint& to, std::size_t size) {
    payloads.push_back(pattern(size, static_cast<std::uint8_t>(payloads.size())));
    (&to == &b ? to_b : to_c).push_back(payloads.back());
    batch.push_back({&to.localAddress(), payloads.back()});
  };
  for (int i = 0; i < 150; ++i) add(b, 300);  // more than one send's segments
  add(b, 120);                                // a shorter last
  add(b, 700);                                // a longer one starts a new run
  for (int i = 0; i < 5; ++i) add(c, 1200);
  for (int i = 0; i < 60; ++i) add(b, 1300);  // more bytes than one send may carry
  add(c, 1);
  ASSERT_EQ(sender.sendBatch(batch), batch.size());
#ifdef __linux__
  EXPECT_TRUE(sender.sendsSegments());
#endif
  EXPECT_EQ(readBack(b, to_b.size()), to_b);
  EXPECT_EQ(readBack(c, to_c.size()), to_c);
}

#ifdef __linux__
// A socket whose kernel refuses segmented sends (here: UDP checksums switched off, which
// they need) sends the same datagrams one by one, and keeps doing so.
TEST(UdpEndpointBatch, SegmentedSendsRefusedByTheKernelFallBackToOneByOne) {
  UdpEndpoint sender("127.0.0.1", 0);
  UdpEndpoint b("127.0.0.1", 0);
  const int no_check = 1;
  ASSERT_EQ(
      ::setsockopt(sender.nativeHandle(), SOL_SOCKET, SO_NO_CHECK, &no_check, sizeof no_check), 0);
  std::vector<Bytes> payloads;
  std::vector<UdpEndpoint::Outgoing> batch;
  payloads.reserve(20);
  for (int i = 0; i < 20; ++i) payloads.push_back(pattern(200, static_cast<std::uint8_t>(i)));
  for (const Bytes& p : payloads) batch.push_back({&b.localAddress(), p});
  ASSERT_EQ(sender.sendBatch(batch), batch.size());
  EXPECT_FALSE(sender.sendsSegments());
  EXPECT_EQ(readBack(b, payloads.size()), payloads);
  ASSERT_EQ(sender.sendBatch(batch), batch.size());
  EXPECT_EQ(readBack(b, payloads.size()), payloads);
}
#endif

#ifdef __linux__
// A socket that receives coalesced gets a run sent as one segmented send as one read, with
// the segment size to split it by; the pieces are the datagrams sent. Single datagrams
// still come one per read.
TEST(UdpEndpointBatch, ARunReceivedCoalescedIsOneReadSplitBySegmentSize) {
  UdpEndpoint sender("127.0.0.1", 0);
  UdpEndpoint b("127.0.0.1", 0);
  ASSERT_TRUE(b.receiveCoalesced());
  std::vector<Bytes> payloads;
  for (int i = 0; i < 5; ++i) payloads.push_back(pattern(300, static_cast<std::uint8_t>(i)));
  payloads.push_back(pattern(100, 9));  // a shorter last
  payloads.push_back(pattern(50, 10));  // a run of one: sent on its own
  std::vector<UdpEndpoint::Outgoing> batch;
  for (const Bytes& p : payloads) batch.push_back({&b.localAddress(), p});
  ASSERT_EQ(sender.sendBatch(batch), batch.size());

  std::vector<Bytes> storage(UdpEndpoint::kBatch, Bytes(UdpEndpoint::kMaxSegmentedSendBytes + 1));
  std::vector<std::span<std::uint8_t>> buffers;
  for (Bytes& b2 : storage) buffers.emplace_back(b2);
  std::vector<UdpEndpoint::Received> received(UdpEndpoint::kBatch);
  std::vector<Bytes> pieces;
  std::vector<std::size_t> segments;
  for (int round = 0; round < 100 && pieces.size() < payloads.size(); ++round) {
    const std::size_t got = b.receiveBatch(buffers, received);
    if (got == 0 && !b.waitReadable(kArrival)) break;
    for (std::size_t k = 0; k < got; ++k) {
      segments.push_back(received[k].segment);
      const std::size_t step = received[k].segment != 0 ? received[k].segment : received[k].size;
      for (std::size_t at = 0; at < received[k].size; at += step) {
        const auto begin = storage[k].begin() + static_cast<std::ptrdiff_t>(at);
        pieces.emplace_back(
            begin, begin + static_cast<std::ptrdiff_t>(std::min(step, received[k].size - at)));
      }
    }
  }
  EXPECT_EQ(pieces, payloads);
  EXPECT_EQ(segments, (std::vector<std::size_t>{300, 0})) << "the run in one read, then the single";
}
#endif

}  // namespace
}  // namespace steamsim::detail
