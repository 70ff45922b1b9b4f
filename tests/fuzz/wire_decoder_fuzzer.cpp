// SPDX-License-Identifier: MIT
// Fuzz target: the wire decoder (sim/wire.hpp decode + FrameReader).
//
// Input: first byte selects the mode, the rest is a datagram.
//   even: decoded as is (exercises magic, version, size and checksum checks);
//   odd:  magic, version and checksum are fixed up first, so the frames get parsed.
// Invariants: no crash or out-of-range read (ASan), every view lies inside the datagram, a
// datagram decode accepts has frames FrameReader reads to the end without error, and
// re-encoding what was decoded decodes to the same header and frame types.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "wire.hpp"

namespace wire = steamsim::detail::wire;

namespace {

/// Aborts (which libFuzzer and CTest report) naming the broken invariant.
#define REQUIRE(condition)                                                                   \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

void put32(std::vector<std::uint8_t>& d, std::size_t at, std::uint32_t v) {
  for (std::size_t i = 0; i < 4; ++i) d[at + i] = static_cast<std::uint8_t>(v >> (8U * i));
}

bool inside(std::span<const std::uint8_t> view, std::span<const std::uint8_t> whole) {
  if (view.empty()) return true;
  return view.data() >= whole.data() && view.data() + view.size() <= whole.data() + whole.size();
}

/// Frame type for the round-trip comparison. The decoder accepts a fragment frame that
/// covers its whole message (offset 0, all bytes, even size 0), which the writer encodes as a
/// whole Unreliable frame, so the two compare equal.
wire::FrameType kind(wire::FrameType type) {
  return type == wire::FrameType::UnreliableFragment ? wire::FrameType::Unreliable : type;
}

/// Re-encodes `frames` under `header`; false if some frame did not fit (not an error).
bool reencode(const wire::PacketHeader& header, std::span<const std::uint8_t> frames,
              std::vector<std::uint8_t>& out) {
  std::array<std::uint8_t, wire::kMaxDatagram> buffer{};
  wire::PacketWriter w(buffer, header);
  wire::FrameReader reader(frames);
  wire::Frame f;
  bool ok = true;
  while (ok && reader.next(f)) {
    switch (f.type) {
      case wire::FrameType::Ack: {
        std::vector<wire::PacketRange> ranges;
        f.ack.forEachRange([&](std::uint64_t lo, std::uint64_t hi) { ranges.push_back({lo, hi}); });
        ok = w.writeAck(ranges, f.ack.ack_delay_us);
        break;
      }
      case wire::FrameType::ReliableSegment:
        ok = w.writeReliableSegment(f.reliable.stream_offset, f.reliable.data);
        break;
      case wire::FrameType::Unreliable:
      case wire::FrameType::UnreliableFragment:
        ok = w.writeUnreliable(f.unreliable.message_number, f.unreliable.channel,
                               f.unreliable.message_size, f.unreliable.fragment_offset,
                               f.unreliable.data);
        break;
      case wire::FrameType::Stats:
        ok = w.writeStats(f.quality);
        break;
      case wire::FrameType::Close:
        ok = w.writeClose(f.close.reason, f.close.debug);
        break;
    }
  }
  if (!ok) return false;
  out.assign(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(w.finish()));
  return true;
}

void check(std::span<const std::uint8_t> datagram) {
  wire::PacketHeader header;
  std::span<const std::uint8_t> frames;
  const wire::DecodeError error = wire::decode(datagram, header, frames);
  REQUIRE(wire::toString(error) != nullptr);
  if (error != wire::DecodeError::None) return;
  REQUIRE(datagram.size() >= wire::kHeaderSize && datagram.size() <= wire::kMaxDatagram);
  REQUIRE(inside(frames, datagram));

  wire::FrameReader reader(frames);
  wire::Frame f;
  std::vector<wire::FrameType> types;
  while (reader.next(f)) {
    types.push_back(kind(f.type));
    switch (f.type) {
      case wire::FrameType::Ack: {
        REQUIRE(f.ack.range_count >= 1);
        REQUIRE(inside(f.ack.encoded_ranges, datagram));
        bool first = true;
        std::uint64_t previous_lo = 0;
        f.ack.forEachRange([&](std::uint64_t lo, std::uint64_t hi) {
          REQUIRE(lo <= hi);
          REQUIRE(first ? hi == f.ack.largest : hi < previous_lo);  // descending, disjoint
          first = false;
          previous_lo = lo;
        });
        break;
      }
      case wire::FrameType::ReliableSegment:
        REQUIRE(inside(f.reliable.data, datagram));
        break;
      case wire::FrameType::Unreliable:
      case wire::FrameType::UnreliableFragment:
        REQUIRE(inside(f.unreliable.data, datagram));
        REQUIRE(static_cast<std::uint64_t>(f.unreliable.fragment_offset) +
                    f.unreliable.data.size() <=
                f.unreliable.message_size);
        break;
      case wire::FrameType::Stats:
        break;
      case wire::FrameType::Close:
        REQUIRE(f.close.debug.size() <= wire::kMaxDebugLength);
        break;
    }
  }
  REQUIRE(reader.error() == wire::DecodeError::None);  // decode validated every frame

  std::vector<std::uint8_t> again;
  if (!reencode(header, frames, again)) return;
  wire::PacketHeader header2;
  std::span<const std::uint8_t> frames2;
  REQUIRE(wire::decode(again, header2, frames2) == wire::DecodeError::None);
  REQUIRE(header2.type == header.type && header2.flags == header.flags &&
          header2.from == header.from && header2.to == header.to &&
          header2.from_conn == header.from_conn && header2.to_conn == header.to_conn &&
          header2.packet_number == header.packet_number);
  wire::FrameReader reader2(frames2);
  std::vector<wire::FrameType> types2;
  while (reader2.next(f)) types2.push_back(kind(f.type));
  REQUIRE(types2 == types);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool fix_up = (data[0] & 1U) != 0;
  std::vector<std::uint8_t> datagram(data + 1, data + size);
  if (fix_up && datagram.size() >= wire::kHeaderSize) {
    put32(datagram, 0, wire::kMagic);
    datagram[4] = wire::kVersion;
    put32(datagram, 40, 0);
    put32(datagram, 40, wire::crc32c(datagram));
  }
  check(datagram);
  // The varint reader on its own, from every offset of a short prefix.
  for (std::size_t i = 0; i < std::min<std::size_t>(datagram.size(), 16); ++i) {
    std::uint64_t value = 0;
    const std::size_t used =
        wire::readVarint(std::span<const std::uint8_t>(datagram).subspan(i), value);
    REQUIRE(used <= 10 && used <= datagram.size() - i);
    if (used != 0) REQUIRE(wire::varintSize(value) <= used);
  }
  return 0;
}
