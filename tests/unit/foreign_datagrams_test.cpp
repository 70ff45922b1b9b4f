// SPDX-License-Identifier: MIT
// Other programs writing to the peers' sockets (SPEC §4, §8): a flood of foreign datagrams
// cannot stall `advance`, and datagrams sent from a peer's own address that the network did
// not write are never taken for its own, so its genuine datagrams are always read.

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <steamsim/steamsim.hpp>

namespace steamsim {
namespace {

using namespace std::chrono_literals;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;

/// The descriptor of this process's UDP socket bound to 127.0.0.1:`port`, or -1.
int socketBoundTo(std::uint16_t port) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const int fd = std::stoi(entry.path().filename().string());
    sockaddr_in address{};
    socklen_t size = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0 &&
        address.sin_family == AF_INET && ntohs(address.sin_port) == port) {
      return fd;
    }
  }
  return -1;
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port);
  return to;
}

void sendFrom(int fd, const sockaddr_in& to, const std::vector<std::uint8_t>& bytes) {
  (void)::sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                 sizeof to);
}

/// Connects a -> b (b accepts) in virtual time.
void connect(Network& net, Peer& a, Peer& b) {
  b.onSessionRequest([&b](SteamId from) { b.acceptSessionWithUser(from); });
  ASSERT_EQ(a.sendMessageToUser(kB, "hello", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  ASSERT_TRUE(net.runUntil([&] { return !b.receiveMessagesOnChannel(0, 1).empty(); }, 5s));
}

TEST(ForeignDatagrams, FloodDoesNotStallAdvance) {
  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  connect(net, a, b);
  std::uint64_t kernel_lost_events = 0;
  net.setTraceSink([&](const TraceEvent& e) {
    if (e.kind == TraceKind::DatagramDropped && e.detail.rfind("kernel_lost", 0) == 0) {
      ++kernel_lost_events;
    }
  });

  // A stranger fills B's socket and keeps flooding it for up to 10 s.
  const int stranger = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(stranger, 0);
  const sockaddr_in to_b = loopback(b.port());
  const std::vector<std::uint8_t> junk(8, 0xEE);
  for (int i = 0; i < 20000; ++i) sendFrom(stranger, to_b, junk);
  std::atomic<bool> stop{false};
  std::atomic<bool> flood_over{false};
  std::thread flood([&] {
    const auto end = std::chrono::steady_clock::now() + 10s;
    while (!stop.load() && std::chrono::steady_clock::now() < end) sendFrom(stranger, to_b, junk);
    flood_over = true;
  });

  ASSERT_EQ(a.sendMessageToUser(kB, "under fire", NETWORKING_SEND_RELIABLE_NO_NAGLE, 0),
            Result::OK);
  net.advance(1ms);
  const bool returned_during_flood = !flood_over.load();
  stop = true;
  flood.join();
  ::close(stranger);
  EXPECT_TRUE(returned_during_flood) << "advance(1ms) waited for the flood to end";
  EXPECT_GE(net.counters().kernel_lost, 1U);
  EXPECT_GE(kernel_lost_events, 1U) << "what could not be read back is a traced drop";

  // Once the flood is over, reliability delivers the message.
  std::vector<Message> got;
  EXPECT_TRUE(net.runUntil(
      [&] {
        for (auto& m : b.receiveMessagesOnChannel(0, 4)) got.push_back(std::move(m));
        return !got.empty();
      },
      10s));
}

TEST(ForeignDatagrams, DatagramsFromAPeersAddressDoNotHideGenuineOnes) {
  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  connect(net, a, b);
  const int a_socket = socketBoundTo(a.port());
  ASSERT_GE(a_socket, 0);

  // 300 datagrams from A's own address that the network did not write: garbage, and copies
  // of one datagram (so some are exact duplicates of each other).
  const sockaddr_in to_b = loopback(b.port());
  for (int i = 0; i < 300; ++i) {
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(20 + i % 200),
                                    static_cast<std::uint8_t>(i % 3 == 0 ? 0x53 : i));
    sendFrom(a_socket, to_b, bytes);
  }
  const std::uint64_t rejected_before = b.counters().rejected_malformed +
                                        b.counters().rejected_foreign +
                                        b.counters().rejected_checksum;

  constexpr int kMessages = 60;
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_EQ(a.sendMessageToUser(kB, "m" + std::to_string(i), NETWORKING_SEND_RELIABLE, 0),
              Result::OK);
  }
  std::vector<std::string> got;
  net.runUntil(
      [&] {
        for (const Message& m : b.receiveMessagesOnChannel(0, 100)) {
          got.emplace_back(m.payload.begin(), m.payload.end());
        }
        return got.size() == kMessages;
      },
      120s);
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kMessages));
  for (int i = 0; i < kMessages; ++i)
    EXPECT_EQ(got[static_cast<std::size_t>(i)], "m" + std::to_string(i));
  const PeerCounters after = b.counters();
  EXPECT_EQ(
      after.rejected_malformed + after.rejected_foreign + after.rejected_checksum - rejected_before,
      300U)
      << "every datagram the network did not write is read and rejected";
  EXPECT_EQ(net.counters().kernel_lost, 0U);
}

// A stranger that sends a run of datagrams as one segmented send, larger than any run the
// network sends itself: the peer's socket reads it coalesced, and every datagram in it is
// still seen and rejected, while the peers' own traffic goes on.
TEST(ForeignDatagrams, ASegmentedRunFromAStrangerIsReadWholeAndEveryDatagramRejected) {
  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  connect(net, a, b);
  const PeerCounters before = b.counters();

  const int stranger = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(stranger, 0);
  const sockaddr_in to_b = loopback(b.port());
  constexpr std::size_t kSegment = 1400;
  constexpr std::size_t kCount = 45;  // 63,000 bytes in one send
  std::vector<std::uint8_t> run(kSegment * kCount, 0x5A);
  iovec iov{run.data(), run.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(std::uint16_t))] = {};
  msghdr message{};
  message.msg_name = const_cast<sockaddr_in*>(&to_b);
  message.msg_namelen = sizeof to_b;
  message.msg_iov = &iov;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&message);
  c->cmsg_level = SOL_UDP;
  c->cmsg_type = 103;  // UDP_SEGMENT (Linux 4.18; older headers lack the name)
  c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
  const std::uint16_t segment = kSegment;
  std::memcpy(CMSG_DATA(c), &segment, sizeof segment);
  if (::sendmsg(stranger, &message, 0) < 0) {
    ::close(stranger);
    GTEST_SKIP() << "this kernel refuses segmented sends";
  }
  ::close(stranger);

  ASSERT_EQ(a.sendMessageToUser(kB, "after", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  std::vector<Message> got;
  ASSERT_TRUE(net.runUntil(
      [&] {
        got = b.receiveMessagesOnChannel(0, 1);
        return !got.empty();
      },
      5s));
  const PeerCounters after = b.counters();
  EXPECT_EQ(after.rejected_malformed + after.rejected_foreign + after.rejected_checksum -
                (before.rejected_malformed + before.rejected_foreign + before.rejected_checksum),
            kCount)
      << "every datagram of the run is read and rejected";
  EXPECT_EQ(net.counters().kernel_lost, 0U);
}

TEST(ForeignDatagrams, DeterministicWhenNobodyElseWrites) {
  auto run = [] {
    NetworkConfig config;
    config.seed = 7;
    Network net(config);
    Peer& a = net.addPeer(kA);
    Peer& b = net.addPeer(kB);
    LinkConditions link;
    link.loss_pct = 10;
    link.duplicate_pct = 10;
    link.latency_ms = 3;
    net.setDefaultLink(link);
    b.onSessionRequest([&b](SteamId from) { b.acceptSessionWithUser(from); });
    for (int i = 0; i < 200; ++i) {
      (void)a.sendMessageToUser(kB, "x" + std::to_string(i), i % 2 ? 8 : 0, 0);
      net.advance(2ms);
      (void)b.receiveMessagesOnChannel(0, 100);
    }
    net.advance(2s);
    return net.traceHash();
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace steamsim
