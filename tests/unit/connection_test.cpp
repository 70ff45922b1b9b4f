// SPDX-License-Identifier: MIT
// Connection-level tests for what the public API cannot provoke: close frames with an empty
// debug string (B14), the peer's "no connection" reply (5010), and an oversized message in
// the reliable stream (5002). A fake host captures what the connection emits.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "connection.hpp"
#include "stream_message.hpp"
#include "wire.hpp"

namespace steamsim::detail {
namespace {

constexpr SteamId kSelf = 1;
constexpr SteamId kRemote = 2;
constexpr std::uint32_t kLocalId = 1111;
constexpr std::uint32_t kRemoteId = 2222;
constexpr TimeUs kStart = kVirtualEpochUs;

class FakeHost : public ConnectionHost {
 public:
  const NetworkConfig& config() const override { return config_; }
  void sendDatagram(SteamId, std::span<const std::uint8_t> datagram) override {
    sent.emplace_back(datagram.begin(), datagram.end());
  }
  void deliverMessage(SteamId, StreamMessage&& message, bool, TimeUs) override {
    delivered.push_back(std::move(message));
  }
  void traceStateChange(SteamId, ConnectionState, ConnectionState, int,
                        const std::string&) override {}
  void countRetransmission(SteamId, std::uint64_t, std::uint64_t) override {}

  std::vector<std::vector<std::uint8_t>> sent;
  std::vector<StreamMessage> delivered;

 private:
  NetworkConfig config_;
};

// A packet from the remote to our connection, with frames written by `fill`.
template <typename Fill>
std::vector<std::uint8_t> fromRemote(wire::PacketType type, std::uint64_t packet_number,
                                     Fill&& fill) {
  std::array<std::uint8_t, wire::kMaxDatagram> buffer{};
  wire::PacketHeader header;
  header.type = type;
  header.from = kRemote;
  header.to = kSelf;
  header.from_conn = kRemoteId;
  header.to_conn = kLocalId;
  header.packet_number = packet_number;
  wire::PacketWriter writer(buffer, header);
  fill(writer);
  return {buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(writer.finish())};
}

void feed(Connection& c, const std::vector<std::uint8_t>& datagram, TimeUs now) {
  wire::PacketHeader header;
  std::span<const std::uint8_t> frames;
  ASSERT_EQ(wire::decode(datagram, header, frames), wire::DecodeError::None);
  c.onPacket(header, frames, datagram.size(), now);
}

// An established connection: we asked, the remote accepted.
struct Established {
  FakeHost host;
  Connection connection{host, kSelf, kRemote, kLocalId, kStart};
  Established() {
    connection.startOutgoing(kStart);
    feed(connection, fromRemote(wire::PacketType::ConnectAccept, 0, [](auto&) {}), kStart + 1000);
  }
};

TEST(Connection, B14_EmptyCloseDebugReadsTheRemoteHostClosedTheConnection) {
  Established e;
  ASSERT_EQ(e.connection.apiState(), ConnectionState::Connected);
  feed(
      e.connection,
      fromRemote(wire::PacketType::Close, 0, [](wire::PacketWriter& w) { w.writeClose(1000, ""); }),
      kStart + 2000);
  EXPECT_EQ(e.connection.apiState(), ConnectionState::ClosedByPeer);
  EXPECT_EQ(e.connection.endReason(), 1000);
  EXPECT_EQ(e.connection.endDebug(), "The remote host closed the connection.");
}

TEST(Connection, B14_CloseKeepsThePeersReasonAndDebugText) {
  Established e;
  feed(e.connection,
       fromRemote(wire::PacketType::Close, 0,
                  [](wire::PacketWriter& w) { w.writeClose(1001, "CloseSessionWithUser"); }),
       kStart + 2000);
  EXPECT_EQ(e.connection.endReason(), 1001);
  EXPECT_EQ(e.connection.endDebug(), "CloseSessionWithUser");
}

TEST(Connection, PeerWithoutTheConnectionEndsItWith5010) {
  Established e;
  feed(e.connection, fromRemote(wire::PacketType::NoConnection, 0, [](auto&) {}), kStart + 2000);
  EXPECT_EQ(e.connection.apiState(), ConnectionState::ClosedByPeer);
  EXPECT_EQ(e.connection.endReason(), 5010);
  EXPECT_EQ(e.connection.endDebug(), "Received unexpected P2P 'no connection' signal");
}

TEST(Connection, OversizedReliableMessageFailsWith5002) {
  Established e;
  std::vector<std::uint8_t> stream;
  std::uint8_t header[30];
  std::size_t n = wire::writeVarint(header, 1);
  n += wire::writeVarint(header + n, wire::zigzag(0));
  n += wire::writeVarint(header + n, kMaxReceiveMessageSize + 1);
  stream.assign(header, header + n);
  feed(e.connection,
       fromRemote(wire::PacketType::Data, 1,
                  [&](wire::PacketWriter& w) { w.writeReliableSegment(0, stream); }),
       kStart + 2000);
  EXPECT_EQ(e.connection.apiState(), ConnectionState::ProblemDetectedLocally);
  EXPECT_EQ(e.connection.endReason(), 5002);
  EXPECT_EQ(e.connection.endDebug(),
            "Failed to allocate a buffer of size 524305 (limit is 524304).");
}

TEST(Connection, ReliableSegmentsInAnyOrderYieldMessagesInOrder) {
  Established e;
  std::vector<std::uint8_t> stream;
  for (std::uint64_t i = 1; i <= 3; ++i) {
    const std::vector<std::uint8_t> payload(100, static_cast<std::uint8_t>(i));
    encodeStreamMessage(i, 7, payload, stream);
  }
  const std::span<const std::uint8_t> all(stream);
  const std::size_t half = stream.size() / 2;
  feed(e.connection,
       fromRemote(wire::PacketType::Data, 2,
                  [&](wire::PacketWriter& w) { w.writeReliableSegment(half, all.subspan(half)); }),
       kStart + 2000);
  EXPECT_TRUE(e.host.delivered.empty());
  EXPECT_TRUE(e.connection.hasPartialMessage());
  feed(e.connection,
       fromRemote(wire::PacketType::Data, 1,
                  [&](wire::PacketWriter& w) { w.writeReliableSegment(0, all.subspan(0, half)); }),
       kStart + 3000);
  ASSERT_EQ(e.host.delivered.size(), 3U);
  for (std::uint64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(e.host.delivered[i].message_number, i + 1);
    EXPECT_EQ(e.host.delivered[i].channel, 7);
  }
  EXPECT_FALSE(e.connection.hasPartialMessage());
}

}  // namespace
}  // namespace steamsim::detail
