// SPDX-License-Identifier: MIT
// Hostile traffic (SPEC §4 wire format, §8): while two peers move a large reliable transfer,
// a stranger's UDP socket floods one peer with garbage, truncated headers, bad checksums and
// well-formed packets that lie (another Steam ID, stale connection ids, the wrong receiver,
// forged Close and ConnectRequest packets). The transfer must complete byte-identical and
// every hostile datagram must be counted as rejected.

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <steamsim/steamsim.hpp>

#include "udp_endpoint.hpp"
#include "wire.hpp"

namespace steamsim {
namespace {

using namespace std::chrono_literals;
using detail::SocketAddress;
using detail::UdpEndpoint;
namespace wire = detail::wire;
using Bytes = std::vector<std::uint8_t>;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;
constexpr SteamId kNobody = 76561198000000099ULL;
constexpr int kHostileDatagrams = 100000;
constexpr int kBatch = 100;
constexpr int kTransferMessages = 4;
constexpr std::size_t kTransferSize = 512 * 1024;

/// Datagrams the kernel dropped on the UDP socket bound to `port` (Linux /proc/net/udp
/// "drops" column); 0 where that is not available.
std::uint64_t kernelDrops(std::uint16_t port) {
  std::ifstream in("/proc/net/udp");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot;
    std::string local;
    fields >> slot >> local;
    const auto colon = local.find(':');
    if (colon == std::string::npos) continue;
    if (std::stoul(local.substr(colon + 1), nullptr, 16) != port) continue;
    std::string field;
    std::string last;
    while (fields >> field) last = field;
    return std::stoull(last);
  }
  return 0;
}

std::uint64_t rejectedSum(const PeerCounters& c) {
  return c.rejected_malformed + c.rejected_checksum + c.rejected_foreign + c.rejected_stale;
}

Bytes transferPayload(int index) {
  Bytes out(kTransferSize);
  std::uint32_t x = 0x12345678U + static_cast<std::uint32_t>(index);
  for (auto& b : out) {
    x = x * 1664525U + 1013904223U;
    b = static_cast<std::uint8_t>(x >> 24U);
  }
  return out;
}

/// Builds hostile datagrams of several kinds, counting how many of each.
class Attacker {
 public:
  enum Kind { kRandom, kTruncated, kBadChecksum, kForged, kKinds };

  explicit Attacker(std::uint64_t seed) : rng_(seed) {}

  Bytes next(Kind& kind) {
    kind = static_cast<Kind>(rng_() % kKinds);
    ++sent_[kind];
    switch (kind) {
      case kRandom: {
        Bytes out(rng_() % 1500);  // 0..1499 bytes, some over kMaxDatagram
        for (auto& b : out) b = static_cast<std::uint8_t>(rng_());
        if (!out.empty() && out[0] == 0x53) out[0] = 0;  // never the magic's first byte
        return out;
      }
      case kTruncated: {
        Bytes out = forged();
        out.resize(rng_() % wire::kHeaderSize);
        return out;
      }
      case kBadChecksum: {
        Bytes out = forged();
        const std::size_t at = 40 + rng_() % 4;  // inside the checksum field
        out[at] = static_cast<std::uint8_t>(out[at] ^ (1U + rng_() % 255U));
        return out;
      }
      default:
        return forged();
    }
  }

  int sent(Kind kind) const { return sent_[kind]; }

 private:
  /// A well-formed, correctly checksummed datagram that lies about who it is.
  Bytes forged() {
    wire::PacketHeader h;
    const auto r = rng_() % 6;
    h.type = static_cast<wire::PacketType>(1 + rng_() % 5);
    h.from = r == 0 ? kNobody : kA;                        // a stranger, or impersonating A
    h.to = r == 1 ? kNobody : (r == 2 ? kA : kB);          // wrong receiver, or B
    h.from_conn = static_cast<std::uint32_t>(rng_() % 4);  // small ids: old or current
    h.to_conn = static_cast<std::uint32_t>(rng_() % 4);
    h.packet_number = h.type == wire::PacketType::Data ? 1 + rng_() % 5000 : 0;
    std::array<std::uint8_t, wire::kMaxDatagram> buffer{};
    wire::PacketWriter w(buffer, h);
    if (h.type == wire::PacketType::Close) {
      w.writeClose(1001, "forged");
    } else if (h.type == wire::PacketType::Data) {
      const wire::PacketRange range{1, 1 + rng_() % 100};
      w.writeAck(std::span<const wire::PacketRange>(&range, 1), 0);
      Bytes junk(1 + rng_() % 600, 0xEE);
      w.writeReliableSegment(rng_() % 1000000, junk);
      w.writeUnreliable(1 + rng_() % 100, 0, 20, 0, Bytes(20, 0xAB));
    }
    const std::size_t size = w.finish();
    return Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size));
  }

  std::mt19937_64 rng_;
  std::array<int, kKinds> sent_{};
};

TEST(HostileTraffic, TransferSurvivesAndEveryHostileDatagramIsCounted) {
  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  std::vector<SteamId> requests;
  b.onSessionRequest([&](SteamId id) {
    requests.push_back(id);
    b.acceptSessionWithUser(id);
  });
  int failures = 0;
  a.onSessionFailed([&](const SessionFailed&) { ++failures; });
  b.onSessionFailed([&](const SessionFailed&) { ++failures; });
  LinkConditions link;
  link.latency_ms = 5.0;
  net.setDefaultLink(link);

  SocketAddress target;
  target.ip = {127, 0, 0, 1};
  target.port = b.port();
  ASSERT_NE(target.port, 0);
  UdpEndpoint hostile("127.0.0.1", 0);
  Attacker attacker(42);

  const PeerCounters before = b.counters();
  const std::uint64_t drops_before = kernelDrops(b.port());
  int hostile_sent = 0;
  int kernel_refused = 0;
  int queued = 0;
  std::vector<Bytes> received;
  for (int step = 0; step < 200000; ++step) {
    if (queued < kTransferMessages) {
      const Result r =
          a.sendMessageToUser(kB, transferPayload(queued), NETWORKING_SEND_RELIABLE, 0);
      if (r == Result::OK) {
        ++queued;
      } else {
        ASSERT_EQ(r, Result::LimitExceeded);
      }
    }
    for (int i = 0; i < kBatch && hostile_sent + kernel_refused < kHostileDatagrams; ++i) {
      Attacker::Kind kind{};
      const Bytes datagram = attacker.next(kind);
      if (hostile.sendTo(target, datagram)) {
        ++hostile_sent;
      } else {
        ++kernel_refused;
      }
    }
    net.advance(1ms);
    for (auto& m : b.receiveMessagesOnChannel(0, 16)) received.push_back(std::move(m.payload));
    if (received.size() == kTransferMessages &&
        hostile_sent + kernel_refused == kHostileDatagrams) {
      break;
    }
  }
  ASSERT_EQ(hostile_sent + kernel_refused, kHostileDatagrams);
  ASSERT_EQ(received.size(), static_cast<std::size_t>(kTransferMessages));
  for (int i = 0; i < kTransferMessages; ++i) {
    EXPECT_TRUE(received[static_cast<std::size_t>(i)] == transferPayload(i)) << "message " << i;
  }

  // One more real message: B reads everything queued before it in its socket.
  ASSERT_EQ(a.sendMessageToUser(kB, "last", NETWORKING_SEND_RELIABLE_NO_NAGLE, 1), Result::OK);
  std::vector<Message> last;
  ASSERT_TRUE(net.runUntil(
      [&] {
        for (auto& m : b.receiveMessagesOnChannel(1, 1)) last.push_back(std::move(m));
        return !last.empty();
      },
      10s));

  const PeerCounters after = b.counters();
  const std::uint64_t dropped = kernelDrops(b.port()) - drops_before;
  const auto delta = [](std::uint64_t x, std::uint64_t y) { return x - y; };
  const std::uint64_t rejected = rejectedSum(after) - rejectedSum(before);
  std::cout << "hostile: " << hostile_sent << " datagrams sent (" << kernel_refused
            << " refused by sendto), " << dropped << " dropped by the kernel, " << rejected
            << " rejected: malformed " << delta(after.rejected_malformed, before.rejected_malformed)
            << ", checksum " << delta(after.rejected_checksum, before.rejected_checksum)
            << ", foreign " << delta(after.rejected_foreign, before.rejected_foreign) << ", stale "
            << delta(after.rejected_stale, before.rejected_stale) << "\n";
  EXPECT_EQ(rejected, static_cast<std::uint64_t>(hostile_sent) - dropped);
  EXPECT_EQ(net.counters().kernel_lost, 0U);
  if (dropped == 0) {  // per kind, exactly
    EXPECT_EQ(delta(after.rejected_malformed, before.rejected_malformed),
              static_cast<std::uint64_t>(attacker.sent(Attacker::kRandom) +
                                         attacker.sent(Attacker::kTruncated)));
    EXPECT_EQ(delta(after.rejected_checksum, before.rejected_checksum),
              static_cast<std::uint64_t>(attacker.sent(Attacker::kBadChecksum)));
    EXPECT_EQ(delta(after.rejected_foreign, before.rejected_foreign),
              static_cast<std::uint64_t>(attacker.sent(Attacker::kForged)));
  }
  // The lies changed nothing: no session request from anyone but A, no failure, still up.
  EXPECT_EQ(requests, std::vector<SteamId>{kA});
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(b.getSessionConnectionInfo(kA, false, false).connection_state,
            ConnectionState::Connected);
  EXPECT_EQ(a.getSessionConnectionInfo(kB, false, false).connection_state,
            ConnectionState::Connected);
  EXPECT_EQ(a.counters().rejected_foreign + a.counters().rejected_malformed, 0U);
}

}  // namespace
}  // namespace steamsim
