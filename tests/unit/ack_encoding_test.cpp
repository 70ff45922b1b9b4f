// SPDX-License-Identifier: MIT
// Acks written from the receiver's cached range encoding are byte for byte the acks written
// from the ranges alone, whatever arrives and however little room the datagram has left.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "packet_tracker.hpp"
#include "rng.hpp"
#include "wire.hpp"

namespace steamsim::detail {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes writeWith(const PacketTracker& tracker, const wire::AckTail* tail, std::size_t filler,
                std::uint64_t delay) {
  std::array<std::uint8_t, wire::kMaxDatagram> buffer{};
  wire::PacketWriter writer(buffer, wire::PacketHeader{});
  // Leave only part of the datagram for the ack, so some acks are cut short.
  if (filler > 0) {
    const std::vector<std::uint8_t> pad(filler, 0xAB);
    writer.writeUnreliable(1, 0, static_cast<std::uint32_t>(pad.size()), 0, pad);
  }
  const bool wrote = tail != nullptr ? writer.writeAck(tracker.ranges(), *tail, delay)
                                     : writer.writeAck(tracker.ranges(), delay);
  if (!wrote) return {};
  return Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(writer.finish()));
}

TEST(AckEncoding, CachedTailWritesTheSameBytesAsTheRanges) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Rng rng(seed);
    PacketTracker tracker;
    std::uint64_t next = 1;
    for (int step = 0; step < 3000; ++step) {
      // Mostly in order, with gaps, late arrivals, duplicates and big jumps.
      const std::uint64_t roll = rng.next() % 100;
      std::uint64_t number = next;
      if (roll < 10) {
        number = next + 1 + rng.next() % 5;  // a gap
      } else if (roll < 20 && next > 40) {
        number = next - 1 - rng.next() % 40;  // late or duplicate
      } else if (roll < 21) {
        number = next + 200 + rng.next() % 300;  // a jump past the window
      }
      tracker.onPacket(number);
      next = std::max(next, number + 1);
      const std::size_t filler = rng.next() % 4 == 0 ? 1150 + rng.next() % 110 : 0;
      const std::uint64_t delay = rng.next() % 100000;
      const Bytes plain = writeWith(tracker, nullptr, filler, delay);
      const Bytes cached = writeWith(tracker, &tracker.ackTail(), filler, delay);
      ASSERT_EQ(plain, cached) << "seed " << seed << " step " << step;
    }
  }
}

}  // namespace
}  // namespace steamsim::detail
