// SPDX-License-Identifier: MIT
// Wire codec: round trips, writer bounds, and a decoder that rejects everything malformed.

#include "wire.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "rng.hpp"

namespace steamsim::detail::wire {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::size_t kChecksumOffset = 40;

PacketHeader sampleHeader(PacketType type = PacketType::Data) {
  PacketHeader h;
  h.type = type;
  h.flags = kFlagAckNow;
  h.from = 76561198000000001ULL;
  h.to = 0xFEDCBA9876543210ULL;
  h.from_conn = 0x01020304U;
  h.to_conn = 0xFFFFFFFFU;
  h.packet_number = 0x8000000000000001ULL;
  return h;
}

Bytes bytesOf(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

/// Recomputes the checksum after a test edits a datagram.
void reseal(Bytes& d) {
  std::fill_n(d.begin() + kChecksumOffset, 4, std::uint8_t{0});
  const std::uint32_t crc = crc32c(d);
  for (std::size_t i = 0; i < 4; ++i)
    d[kChecksumOffset + i] = static_cast<std::uint8_t>(crc >> (8 * i));
}

/// A sealed datagram with `header` and raw `frames` bytes.
Bytes datagramWith(const PacketHeader& header, const Bytes& frames) {
  Bytes d(kMaxDatagram);
  PacketWriter w(d, header);
  d.resize(w.finish());
  d.insert(d.end(), frames.begin(), frames.end());
  reseal(d);
  return d;
}

Bytes varint(std::uint64_t v) {
  Bytes out(varintSize(v));
  writeVarint(out.data(), v);
  return out;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

struct Decoded {
  DecodeError error = DecodeError::None;
  DecodeError frame_error = DecodeError::None;
  PacketHeader header;
  std::vector<Frame> frames;
};

Decoded decodeAll(std::span<const std::uint8_t> d) {
  Decoded out;
  std::span<const std::uint8_t> frames;
  out.error = decode(d, out.header, frames);
  if (out.error != DecodeError::None) return out;
  FrameReader reader(frames);
  Frame f;
  while (reader.next(f)) out.frames.push_back(f);
  out.frame_error = reader.error();
  return out;
}

DecodeError decodeError(std::span<const std::uint8_t> d) {
  PacketHeader h;
  std::span<const std::uint8_t> frames;
  return decode(d, h, frames);
}

std::vector<PacketRange> rangesOf(const AckFrame& ack) {
  std::vector<PacketRange> out;
  ack.forEachRange([&](std::uint64_t lo, std::uint64_t hi) { out.push_back({lo, hi}); });
  return out;
}

Bytes toBytes(std::span<const std::uint8_t> s) {
  return Bytes(s.begin(), s.end());
}

void expectHeaderEq(const PacketHeader& a, const PacketHeader& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(a.from, b.from);
  EXPECT_EQ(a.to, b.to);
  EXPECT_EQ(a.from_conn, b.from_conn);
  EXPECT_EQ(a.to_conn, b.to_conn);
  EXPECT_EQ(a.packet_number, b.packet_number);
}

// ---- Primitives ------------------------------------------------------------------------

TEST(WireCrc, KnownVectors) {
  EXPECT_EQ(crc32c(bytesOf("123456789")), 0xE3069283U);
  EXPECT_EQ(crc32c({}), 0U);
  const Bytes zeros(32, 0);
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAU);
  const Bytes ones(32, 0xFF);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43U);
}

TEST(WireVarint, RoundTripsBoundaries) {
  const std::uint64_t values[] = {0,
                                  1,
                                  127,
                                  128,
                                  16383,
                                  16384,
                                  (1ULL << 35) - 1,
                                  1ULL << 35,
                                  (1ULL << 63) - 1,
                                  1ULL << 63,
                                  std::numeric_limits<std::uint64_t>::max()};
  for (const std::uint64_t v : values) {
    std::array<std::uint8_t, 10> buf{};
    const std::size_t n = writeVarint(buf.data(), v);
    EXPECT_EQ(n, varintSize(v));
    std::uint64_t back = 0;
    EXPECT_EQ(readVarint(std::span(buf).first(n), back), n);
    EXPECT_EQ(back, v);
    if (n > 1) {
      EXPECT_EQ(readVarint(std::span(buf).first(n - 1), back), 0U) << "truncated";
    }
  }
  EXPECT_EQ(varintSize(std::numeric_limits<std::uint64_t>::max()), 10U);
}

TEST(WireVarint, RejectsOverflowAndOverlong) {
  std::uint64_t v = 0;
  const Bytes eleven = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  EXPECT_EQ(readVarint(eleven, v), 0U);
  const Bytes over64 = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02};
  EXPECT_EQ(readVarint(over64, v), 0U);
  const Bytes max64 = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  EXPECT_EQ(readVarint(max64, v), 10U);
  EXPECT_EQ(v, std::numeric_limits<std::uint64_t>::max());
  const Bytes overlong = {0x80, 0x00};
  EXPECT_EQ(readVarint(overlong, v), 0U);
  EXPECT_EQ(readVarint({}, v), 0U);
}

TEST(WireZigzag, MapsSmallMagnitudesToSmallCodes) {
  EXPECT_EQ(zigzag(0), 0U);
  EXPECT_EQ(zigzag(-1), 1U);
  EXPECT_EQ(zigzag(1), 2U);
  EXPECT_EQ(zigzag(INT32_MIN), 0xFFFFFFFFU);
  EXPECT_EQ(zigzag(INT32_MAX), 0xFFFFFFFEU);
  for (const std::int64_t v : {0LL, -1LL, 1LL, static_cast<long long>(INT64_MIN),
                               static_cast<long long>(INT64_MAX), -123456789LL}) {
    EXPECT_EQ(unzigzag(zigzag(v)), v);
  }
}

TEST(WireErrors, HaveNames) {
  EXPECT_STREQ(toString(DecodeError::None), "none");
  EXPECT_STREQ(toString(DecodeError::BadChecksum), "bad checksum");
  EXPECT_STREQ(toString(DecodeError::TooLarge), "too large");
}

// ---- Round trips -----------------------------------------------------------------------

TEST(WireRoundTrip, EveryPacketTypeWithoutFrames) {
  for (const PacketType type : {PacketType::ConnectRequest, PacketType::ConnectAccept,
                                PacketType::Data, PacketType::Close, PacketType::NoConnection}) {
    PacketHeader header = sampleHeader(type);
    header.packet_number = std::numeric_limits<std::uint64_t>::max();
    header.from = std::numeric_limits<std::uint64_t>::max();
    Bytes buf(kMaxDatagram);
    PacketWriter w(buf, header);
    const std::size_t size = w.finish();
    ASSERT_EQ(size, kHeaderSize);
    const Decoded d = decodeAll(std::span(buf).first(size));
    ASSERT_EQ(d.error, DecodeError::None);
    expectHeaderEq(d.header, header);
    EXPECT_TRUE(d.frames.empty());
    EXPECT_EQ(d.frame_error, DecodeError::None);
  }
}

TEST(WireRoundTrip, HeaderIsLittleEndianWithMagicFirst) {
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader());
  buf.resize(w.finish());
  EXPECT_EQ(buf[0], 'S');
  EXPECT_EQ(buf[1], 'S');
  EXPECT_EQ(buf[2], 'I');
  EXPECT_EQ(buf[3], 'M');
  EXPECT_EQ(buf[4], kVersion);
  EXPECT_EQ(buf[5], static_cast<std::uint8_t>(PacketType::Data));
  EXPECT_EQ(buf[24], 0x04);  // from_conn low byte first
  EXPECT_EQ(buf[39], 0x80);  // packet_number high byte last
  const std::uint32_t stored =
      static_cast<std::uint32_t>(buf[40]) | static_cast<std::uint32_t>(buf[41]) << 8U |
      static_cast<std::uint32_t>(buf[42]) << 16U | static_cast<std::uint32_t>(buf[43]) << 24U;
  Bytes zeroed = buf;
  std::fill_n(zeroed.begin() + kChecksumOffset, 4, std::uint8_t{0});
  EXPECT_EQ(stored, crc32c(zeroed));
}

TEST(WireRoundTrip, AckRanges) {
  const std::vector<PacketRange> ranges = {{90, 100}, {50, 60}, {48, 48}, {0, 46}};
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader());
  ASSERT_TRUE(w.writeAck(ranges, 1234));
  const std::size_t size = w.finish();
  const Decoded d = decodeAll(std::span(buf).first(size));
  ASSERT_EQ(d.error, DecodeError::None);
  ASSERT_EQ(d.frames.size(), 1U);
  const Frame& f = d.frames[0];
  EXPECT_EQ(f.type, FrameType::Ack);
  EXPECT_EQ(f.ack.largest, 100U);
  EXPECT_EQ(f.ack.ack_delay_us, 1234U);
  EXPECT_EQ(f.ack.range_count, 4U);
  const auto back = rangesOf(f.ack);
  ASSERT_EQ(back.size(), ranges.size());
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    EXPECT_EQ(back[i].lo, ranges[i].lo) << i;
    EXPECT_EQ(back[i].hi, ranges[i].hi) << i;
  }
}

TEST(WireRoundTrip, AckAt64BitExtremes) {
  const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
  const std::vector<PacketRange> ranges = {{top, top}, {1ULL << 63, top - 2}, {0, 0}};
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader());
  ASSERT_TRUE(w.writeAck(ranges, top));
  const Decoded d = decodeAll(std::span(buf).first(w.finish()));
  ASSERT_EQ(d.error, DecodeError::None);
  const auto back = rangesOf(d.frames.at(0).ack);
  ASSERT_EQ(back.size(), 3U);
  EXPECT_EQ(back[0].lo, top);
  EXPECT_EQ(back[1].lo, 1ULL << 63);
  EXPECT_EQ(back[1].hi, top - 2);
  EXPECT_EQ(back[2].lo, 0U);
  EXPECT_EQ(back[2].hi, 0U);
  EXPECT_EQ(d.frames[0].ack.ack_delay_us, top);
}

TEST(WireRoundTrip, ManyAckRangesWritesAsManyAsFit) {
  // 2000 single-packet ranges with large gaps: far more than a datagram holds.
  std::vector<PacketRange> ranges;
  std::uint64_t hi = 1ULL << 40;
  for (int i = 0; i < 2000; ++i) {
    ranges.push_back({hi - 3, hi});
    hi -= 1000;
  }
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader());
  ASSERT_TRUE(w.writeAck(ranges, 7));
  EXPECT_LE(w.size(), kMaxDatagram);
  EXPECT_LT(w.remaining(), 4U) << "another range (3 bytes) would have fit";
  const Decoded d = decodeAll(std::span(buf).first(w.finish()));
  ASSERT_EQ(d.error, DecodeError::None);
  const auto back = rangesOf(d.frames.at(0).ack);
  EXPECT_GT(back.size(), 300U);
  EXPECT_LT(back.size(), ranges.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].lo, ranges[i].lo);
    EXPECT_EQ(back[i].hi, ranges[i].hi);
  }
}

TEST(WireRoundTrip, AckStopsAtRangeThatIsNotStrictlyBelow) {
  // The third range touches the second (no missing packet between): the list ends there.
  const std::vector<PacketRange> ranges = {{20, 30}, {10, 15}, {5, 9}};
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader());
  ASSERT_TRUE(w.writeAck(ranges, 0));
  const Decoded d = decodeAll(std::span(buf).first(w.finish()));
  ASSERT_EQ(d.error, DecodeError::None);
  EXPECT_EQ(rangesOf(d.frames.at(0).ack).size(), 2U);
  PacketWriter w2(buf, sampleHeader());
  EXPECT_FALSE(w2.writeAck({}, 0));
  const std::vector<PacketRange> inverted = {{5, 4}};
  EXPECT_FALSE(w2.writeAck(inverted, 0));
  EXPECT_EQ(w2.size(), kHeaderSize);
}

TEST(WireRoundTrip, ReliableSegmentAndExactOverhead) {
  const Bytes payload = bytesOf("hello reliable world");
  const std::uint64_t offset = (1ULL << 50) + 3;
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader());
  ASSERT_TRUE(w.writeReliableSegment(offset, payload));
  EXPECT_EQ(w.size() - kHeaderSize,
            PacketWriter::reliableSegmentOverhead(offset, payload.size()) + payload.size());
  const Decoded d = decodeAll(std::span(buf).first(w.finish()));
  ASSERT_EQ(d.error, DecodeError::None);
  ASSERT_EQ(d.frames.size(), 1U);
  EXPECT_EQ(d.frames[0].type, FrameType::ReliableSegment);
  EXPECT_EQ(d.frames[0].reliable.stream_offset, offset);
  EXPECT_EQ(toBytes(d.frames[0].reliable.data), payload);
}

TEST(WireRoundTrip, MaxSizeReliableDatagram) {
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader());
  // The largest length whose frame still fits exactly.
  std::size_t length = w.remaining();
  while (PacketWriter::reliableSegmentOverhead(12345, length) + length > w.remaining()) --length;
  Bytes payload(length);
  for (std::size_t i = 0; i < length; ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
  ASSERT_TRUE(w.writeReliableSegment(12345, payload));
  EXPECT_EQ(w.finish(), kMaxDatagram);
  const Decoded d = decodeAll(buf);
  ASSERT_EQ(d.error, DecodeError::None);
  EXPECT_EQ(toBytes(d.frames.at(0).reliable.data), payload);
}

TEST(WireRoundTrip, UnreliableChannelsAndMessageNumbers) {
  const std::int32_t channels[] = {0, 1, -1, 7, INT_MIN, INT_MAX};
  const std::uint64_t numbers[] = {0, 1, std::numeric_limits<std::uint64_t>::max()};
  const Bytes payload = bytesOf("ping");
  for (const std::int32_t channel : channels) {
    for (const std::uint64_t number : numbers) {
      Bytes buf(kMaxDatagram);
      PacketWriter w(buf, sampleHeader());
      ASSERT_TRUE(w.writeUnreliable(number, channel, 4, 0, payload));
      EXPECT_EQ(w.size() - kHeaderSize,
                PacketWriter::unreliableOverhead(number, channel, 4, 0, 4) + 4);
      const Decoded d = decodeAll(std::span(buf).first(w.finish()));
      ASSERT_EQ(d.error, DecodeError::None);
      const Frame& f = d.frames.at(0);
      EXPECT_EQ(f.type, FrameType::Unreliable);
      EXPECT_EQ(f.unreliable.channel, channel);
      EXPECT_EQ(f.unreliable.message_number, number);
      EXPECT_EQ(f.unreliable.message_size, 4U);
      EXPECT_EQ(f.unreliable.fragment_offset, 0U);
      EXPECT_EQ(toBytes(f.unreliable.data), payload);
    }
  }
}

TEST(WireRoundTrip, EmptyUnreliableMessage) {
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader());
  ASSERT_TRUE(w.writeUnreliable(5, 3, 0, 0, {}));
  const Decoded d = decodeAll(std::span(buf).first(w.finish()));
  ASSERT_EQ(d.error, DecodeError::None);
  EXPECT_EQ(d.frames.at(0).type, FrameType::Unreliable);
  EXPECT_TRUE(d.frames[0].unreliable.data.empty());
}

TEST(WireRoundTrip, UnreliableFragmentAndMaxSizeDatagram) {
  constexpr std::uint32_t kMessageSize = 524288 + 16;
  constexpr std::uint32_t kOffset = 100000;
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader());
  std::size_t length = w.remaining();
  while (PacketWriter::unreliableOverhead(9, INT_MIN, kMessageSize, kOffset, length) + length >
         w.remaining()) {
    --length;
  }
  Bytes payload(length, 0x5A);
  ASSERT_TRUE(w.writeUnreliable(9, INT_MIN, kMessageSize, kOffset, payload));
  ASSERT_EQ(w.finish(), kMaxDatagram);
  const Decoded d = decodeAll(buf);
  ASSERT_EQ(d.error, DecodeError::None);
  const Frame& f = d.frames.at(0);
  EXPECT_EQ(f.type, FrameType::UnreliableFragment);
  EXPECT_EQ(f.unreliable.message_number, 9U);
  EXPECT_EQ(f.unreliable.channel, INT_MIN);
  EXPECT_EQ(f.unreliable.message_size, kMessageSize);
  EXPECT_EQ(f.unreliable.fragment_offset, kOffset);
  EXPECT_EQ(toBytes(f.unreliable.data), payload);
}

TEST(WireRoundTrip, FragmentAtStartOfMessage) {
  const Bytes part(10, 1);
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader());
  ASSERT_TRUE(w.writeUnreliable(1, 0, 30, 0, part));
  ASSERT_TRUE(w.writeUnreliable(1, 0, 30, 20, part));  // the last fragment
  const Decoded d = decodeAll(std::span(buf).first(w.finish()));
  ASSERT_EQ(d.error, DecodeError::None);
  ASSERT_EQ(d.frames.size(), 2U);
  EXPECT_EQ(d.frames[0].type, FrameType::UnreliableFragment);
  EXPECT_EQ(d.frames[0].unreliable.fragment_offset, 0U);
  EXPECT_EQ(d.frames[1].unreliable.fragment_offset, 20U);
  EXPECT_EQ(d.frames[1].unreliable.message_size, 30U);
}

TEST(WireRoundTrip, Stats) {
  const std::pair<float, float> cases[] = {{0.0F, 0.0F},        {1.0F, 1.0F},   {0.5F, 0.5F},
                                           {0.12346F, 0.1235F}, {-1.0F, -1.0F}, {-0.2F, -1.0F},
                                           {NAN, -1.0F},        {2.0F, 1.0F}};
  for (const auto& [in, expected] : cases) {
    Bytes buf(kMaxDatagram);
    PacketWriter w(buf, sampleHeader());
    ASSERT_TRUE(w.writeStats(in));
    const Decoded d = decodeAll(std::span(buf).first(w.finish()));
    ASSERT_EQ(d.error, DecodeError::None);
    EXPECT_EQ(d.frames.at(0).type, FrameType::Stats);
    EXPECT_NEAR(d.frames[0].quality, expected, 1e-6) << in;
  }
}

TEST(WireRoundTrip, CloseReasonsAndDebugText) {
  for (const std::int32_t reason : {0, 1000, 2999, -5, INT_MIN, INT_MAX}) {
    const std::string debug = "closed by peer " + std::to_string(reason);
    Bytes buf(kMaxDatagram);
    PacketWriter w(buf, sampleHeader(PacketType::Close));
    ASSERT_TRUE(w.writeClose(reason, debug));
    const Decoded d = decodeAll(std::span(buf).first(w.finish()));
    ASSERT_EQ(d.error, DecodeError::None);
    EXPECT_EQ(d.frames.at(0).type, FrameType::Close);
    EXPECT_EQ(d.frames[0].close.reason, reason);
    EXPECT_EQ(d.frames[0].close.debug, debug);
  }
}

TEST(WireRoundTrip, CloseDebugTextIsCutToLimit) {
  const std::string longest(kMaxDebugLength, 'x');
  const std::string too_long(kMaxDebugLength + 50, 'y');
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader(PacketType::Close));
  ASSERT_TRUE(w.writeClose(1, longest));
  ASSERT_TRUE(w.writeClose(2, too_long));
  const Decoded d = decodeAll(std::span(buf).first(w.finish()));
  ASSERT_EQ(d.error, DecodeError::None);
  EXPECT_EQ(d.frames.at(0).close.debug, longest);
  EXPECT_EQ(d.frames.at(1).close.debug, std::string(kMaxDebugLength, 'y'));
}

TEST(WireRoundTrip, MixedFramesInOrder) {
  const Bytes a = bytesOf("AAAA");
  const Bytes b = bytesOf("BB");
  const std::vector<PacketRange> ranges = {{3, 9}};
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader());
  ASSERT_TRUE(w.writeAck(ranges, 10));
  ASSERT_TRUE(w.writeReliableSegment(0, a));
  ASSERT_TRUE(w.writeUnreliable(2, -3, 2, 0, b));
  ASSERT_TRUE(w.writeStats(0.75F));
  const Decoded d = decodeAll(std::span(buf).first(w.finish()));
  ASSERT_EQ(d.error, DecodeError::None);
  ASSERT_EQ(d.frames.size(), 4U);
  EXPECT_EQ(d.frames[0].type, FrameType::Ack);
  EXPECT_EQ(d.frames[1].type, FrameType::ReliableSegment);
  EXPECT_EQ(toBytes(d.frames[1].reliable.data), a);
  EXPECT_EQ(d.frames[2].type, FrameType::Unreliable);
  EXPECT_EQ(d.frames[2].unreliable.channel, -3);
  EXPECT_EQ(d.frames[3].type, FrameType::Stats);
  EXPECT_FLOAT_EQ(d.frames[3].quality, 0.75F);
}

// ---- Writer bounds ---------------------------------------------------------------------

TEST(WireWriter, RefusesFramesThatDoNotFitAndWritesNothing) {
  // A larger buffer with a canary pattern: the writer must use at most kMaxDatagram bytes.
  Bytes buf(kMaxDatagram + 200, 0xCC);
  PacketWriter w(buf, sampleHeader());
  EXPECT_EQ(w.remaining(), kMaxDatagram - kHeaderSize);
  const Bytes big(w.remaining() - 4, 0x11);  // overhead is 4 bytes (type, 0, 2-byte length)
  ASSERT_TRUE(w.writeReliableSegment(0, big));
  ASSERT_EQ(w.remaining(), 0U);
  const std::size_t before = w.size();
  const Bytes one = {1};
  const std::vector<PacketRange> ranges = {{1, 1}};
  EXPECT_FALSE(w.writeReliableSegment(0, one));
  EXPECT_FALSE(w.writeReliableSegment(0, {}));
  EXPECT_FALSE(w.writeUnreliable(0, 0, 1, 0, one));
  EXPECT_FALSE(w.writeAck(ranges, 0));
  EXPECT_FALSE(w.writeStats(0.5F));
  EXPECT_FALSE(w.writeClose(0, ""));
  EXPECT_EQ(w.size(), before);
  EXPECT_EQ(w.finish(), kMaxDatagram);
  for (std::size_t i = kMaxDatagram; i < buf.size(); ++i) ASSERT_EQ(buf[i], 0xCC) << i;
  EXPECT_EQ(decodeAll(std::span(buf).first(kMaxDatagram)).error, DecodeError::None);
}

TEST(WireWriter, RefusesEachFrameKindOneByteShort) {
  // For each kind: a frame needing N bytes fails with N-1 remaining and succeeds with N.
  const Bytes data(10, 0x22);
  for (int kind = 0; kind < 5; ++kind) {
    auto write = [&](PacketWriter& w) {
      switch (kind) {
        case 0:
          return w.writeReliableSegment(300, data);
        case 1:
          return w.writeUnreliable(70000, -9, 10, 0, data);
        case 2:
          return w.writeUnreliable(1, 1, 5000, 200, data);
        case 3:
          return w.writeStats(0.1F);
        default:
          return w.writeClose(-4, "bye now");
      }
    };
    Bytes probe(kMaxDatagram);
    PacketWriter p(probe, sampleHeader());
    ASSERT_TRUE(write(p));
    const std::size_t need = p.size() - kHeaderSize;
    for (const std::size_t capacity : {kHeaderSize + need - 1, kHeaderSize + need}) {
      Bytes buf(capacity + 16, 0xEE);
      PacketWriter w{std::span<std::uint8_t>(buf).first(capacity), sampleHeader()};
      const bool fits = capacity == kHeaderSize + need;
      EXPECT_EQ(write(w), fits) << "kind " << kind;
      EXPECT_EQ(w.size(), fits ? capacity : kHeaderSize);
      for (std::size_t i = capacity; i < buf.size(); ++i) ASSERT_EQ(buf[i], 0xEE);
    }
  }
}

TEST(WireWriter, RefusesInvalidFragments) {
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader());
  const Bytes data(10, 1);
  EXPECT_FALSE(w.writeUnreliable(1, 0, 15, 10, data)) << "runs past the message end";
  EXPECT_FALSE(w.writeUnreliable(1, 0, 5, 0, data)) << "longer than the message";
  EXPECT_FALSE(w.writeUnreliable(1, 0, 524288 + 17, 0, data)) << "message too large";
  EXPECT_EQ(w.size(), kHeaderSize);
}

TEST(WireWriter, TinyBufferWritesNothing) {
  Bytes buf(kHeaderSize - 1, 0xAB);
  PacketWriter w(buf, sampleHeader());
  EXPECT_FALSE(w.writeStats(1.0F));
  EXPECT_EQ(w.finish(), 0U);
  for (const auto byte : buf) EXPECT_EQ(byte, 0xAB);
}

// ---- Decoder rejections ----------------------------------------------------------------

Bytes validDatagram() {
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, sampleHeader());
  const std::vector<PacketRange> ranges = {{40, 50}, {10, 20}};
  EXPECT_TRUE(w.writeAck(ranges, 99));
  EXPECT_TRUE(w.writeReliableSegment(77, bytesOf("reliable bytes")));
  EXPECT_TRUE(w.writeUnreliable(3, -2, 100, 50, bytesOf("fragment")));
  EXPECT_TRUE(w.writeStats(0.9F));
  EXPECT_TRUE(w.writeClose(1001, "done"));
  buf.resize(w.finish());
  return buf;
}

TEST(WireDecode, RejectsEveryTruncation) {
  const Bytes d = validDatagram();
  ASSERT_EQ(decodeError(d), DecodeError::None);
  for (std::size_t len = 0; len < d.size(); ++len) {
    EXPECT_NE(decodeError(std::span(d).first(len)), DecodeError::None) << len;
  }
  EXPECT_EQ(decodeError(std::span(d).first(kHeaderSize - 1)), DecodeError::Truncated);
}

TEST(WireDecode, RejectsEverySingleBitFlip) {
  const Bytes d = validDatagram();
  for (std::size_t bit = 0; bit < d.size() * 8; ++bit) {
    Bytes bad = d;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    const DecodeError error = decodeError(bad);
    EXPECT_NE(error, DecodeError::None) << "bit " << bit;
    if (bit / 8 >= 6) {
      EXPECT_EQ(error, DecodeError::BadChecksum) << "bit " << bit;
    }
  }
}

TEST(WireDecode, RejectsBadMagicVersionAndType) {
  Bytes d = validDatagram();
  d[0] = 'X';
  reseal(d);
  EXPECT_EQ(decodeError(d), DecodeError::BadMagic);

  d = validDatagram();
  d[4] = kVersion + 1;
  reseal(d);
  EXPECT_EQ(decodeError(d), DecodeError::BadVersion);

  for (const int type : {0, 6, 255}) {
    d = validDatagram();
    d[5] = static_cast<std::uint8_t>(type);
    reseal(d);
    EXPECT_EQ(decodeError(d), DecodeError::BadType) << type;
  }
}

TEST(WireDecode, RejectsOversizedDatagram) {
  Bytes d = datagramWith(sampleHeader(), {});
  d.resize(kMaxDatagram + 1, 0);
  reseal(d);
  EXPECT_EQ(decodeError(d), DecodeError::TooLarge);
}

TEST(WireDecode, RejectsUnknownFrameType) {
  for (const int type : {0, 7, 200, 255}) {
    const Bytes d = datagramWith(sampleHeader(), Bytes{static_cast<std::uint8_t>(type), 0, 0, 0});
    EXPECT_EQ(decodeError(d), DecodeError::BadType) << type;
  }
  // An unknown frame after a good one.
  const Bytes d = datagramWith(sampleHeader(), Bytes{5, 0, 0, 9});
  EXPECT_EQ(decodeError(d), DecodeError::BadType);
}

TEST(WireDecode, RejectsVarintOverflow) {
  const Bytes eleven = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  const Bytes over64 = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
  const Bytes overlong = {0x85, 0x00};
  for (const Bytes& bad : {eleven, over64, overlong}) {
    const Bytes d = datagramWith(sampleHeader(), concat({{2}, bad, {0}}));
    EXPECT_EQ(decodeError(d), DecodeError::BadFrame);
  }
  // A varint running off the end is a truncation.
  const Bytes d = datagramWith(sampleHeader(), Bytes{2, 0x80, 0x80});
  EXPECT_EQ(decodeError(d), DecodeError::Truncated);
}

TEST(WireDecode, RejectsFieldsOutOfRange) {
  struct Case {
    const char* what;
    Bytes frame;
    DecodeError expected;
  };
  const std::vector<Case> cases = {
      {"fragment past message end",
       concat({{4}, varint(1), varint(0), varint(10), varint(8), varint(5), Bytes(5, 0)}),
       DecodeError::BadFrame},
      {"fragment offset past message",
       concat({{4}, varint(1), varint(0), varint(10), varint(11), varint(0)}),
       DecodeError::BadFrame},
      {"fragmented message too large",
       concat({{4}, varint(1), varint(0), varint(524288 + 17), varint(0), varint(1), {0}}),
       DecodeError::BadFrame},
      {"channel beyond int32",
       concat({{3}, varint(1), varint(zigzag(std::int64_t{INT32_MAX} + 1)), varint(0)}),
       DecodeError::BadFrame},
      {"message size beyond uint32",
       concat({{4}, varint(1), varint(0), varint(1ULL << 32), varint(0), varint(0)}),
       DecodeError::BadFrame},
      {"data past end", concat({{3}, varint(1), varint(0), varint(10), Bytes(9, 0)}),
       DecodeError::Truncated},
      {"reliable data past end", concat({{2}, varint(0), varint(4), Bytes(3, 0)}),
       DecodeError::Truncated},
      {"reliable stream offset overflows",
       concat({{2}, varint(std::numeric_limits<std::uint64_t>::max()), varint(1), {0}}),
       DecodeError::BadFrame},
      {"ack with no ranges", concat({{1}, varint(10), varint(0), varint(0)}),
       DecodeError::BadFrame},
      {"ack first range below zero", concat({{1}, varint(5), varint(0), varint(1), varint(6)}),
       DecodeError::BadFrame},
      {"ack gap below zero",  // [3,5], then hi = 3 - 2 - 2 < 0
       concat({{1}, varint(5), varint(0), varint(2), varint(2), varint(2), varint(0)}),
       DecodeError::BadFrame},
      {"ack second range below zero",  // [3,5], then hi = 3 - 0 - 2 = 1, len 2 -> lo < 0
       concat({{1}, varint(5), varint(0), varint(2), varint(2), varint(0), varint(2)}),
       DecodeError::BadFrame},
      {"ack range count beyond bytes", concat({{1}, varint(100), varint(0), varint(50), varint(0)}),
       DecodeError::Truncated},
      {"stats above 1", Bytes{5, 0x11, 0x27}, DecodeError::BadFrame},  // 10001
      {"stats truncated", Bytes{5, 0x10}, DecodeError::Truncated},
      {"close reason beyond int32", concat({{6}, varint(zigzag(INT64_MIN)), varint(0)}),
       DecodeError::BadFrame},
      {"close debug too long",
       concat({{6}, varint(0), varint(kMaxDebugLength + 1), Bytes(kMaxDebugLength + 1, 'a')}),
       DecodeError::BadFrame},
  };
  for (const Case& c : cases) {
    const Bytes d = datagramWith(sampleHeader(), c.frame);
    EXPECT_EQ(decodeError(d), c.expected) << c.what;
  }
  // Edge cases just inside the limits decode.
  const std::vector<Bytes> good = {
      concat({{1}, varint(5), varint(0), varint(2), varint(2), varint(1), varint(0)}),
      concat({{4}, varint(1), varint(0), varint(10), varint(10), varint(0)}),
      Bytes{5, 0x10, 0x27},
      Bytes{5, 0xFF, 0xFF},
  };
  for (const Bytes& frame : good) {
    EXPECT_EQ(decodeError(datagramWith(sampleHeader(), frame)), DecodeError::None);
  }
}

TEST(WireDecode, FrameReaderReportsMalformedFrames) {
  const Bytes frames = {5, 0x10, 0x27, 9};
  FrameReader reader(frames);
  Frame f;
  EXPECT_TRUE(reader.next(f));
  EXPECT_EQ(f.type, FrameType::Stats);
  EXPECT_FALSE(reader.next(f));
  EXPECT_EQ(reader.error(), DecodeError::BadType);
  EXPECT_FALSE(reader.next(f));
}

// ---- Random input ----------------------------------------------------------------------

/// Checks a decoded datagram is self-consistent and re-encodes to the same frames.
void checkConsistent(std::span<const std::uint8_t> d, const Decoded& dec) {
  ASSERT_EQ(dec.frame_error, DecodeError::None);
  auto inside = [&](std::span<const std::uint8_t> s) {
    return s.empty() || (s.data() >= d.data() && s.data() + s.size() <= d.data() + d.size());
  };
  Bytes buf(kMaxDatagram);
  PacketWriter w(buf, dec.header);
  for (const Frame& f : dec.frames) {
    switch (f.type) {
      case FrameType::Ack: {
        const auto ranges = rangesOf(f.ack);
        ASSERT_EQ(ranges.size(), f.ack.range_count);
        ASSERT_TRUE(inside(f.ack.encoded_ranges));
        for (std::size_t i = 0; i < ranges.size(); ++i) {
          ASSERT_LE(ranges[i].lo, ranges[i].hi);
          if (i > 0) {
            ASSERT_LT(ranges[i].hi + 1, ranges[i - 1].lo);
          }
        }
        ASSERT_EQ(ranges[0].hi, f.ack.largest);
        ASSERT_TRUE(w.writeAck(ranges, f.ack.ack_delay_us));
        break;
      }
      case FrameType::ReliableSegment:
        ASSERT_TRUE(inside(f.reliable.data));
        ASSERT_TRUE(w.writeReliableSegment(f.reliable.stream_offset, f.reliable.data));
        break;
      case FrameType::Unreliable:
      case FrameType::UnreliableFragment:
        ASSERT_TRUE(inside(f.unreliable.data));
        ASSERT_LE(std::uint64_t{f.unreliable.fragment_offset} + f.unreliable.data.size(),
                  f.unreliable.message_size);
        ASSERT_TRUE(w.writeUnreliable(f.unreliable.message_number, f.unreliable.channel,
                                      f.unreliable.message_size, f.unreliable.fragment_offset,
                                      f.unreliable.data));
        break;
      case FrameType::Stats:
        ASSERT_TRUE(f.quality == -1.0F || (f.quality >= 0.0F && f.quality <= 1.0F));
        ASSERT_TRUE(w.writeStats(f.quality));
        break;
      case FrameType::Close:
        ASSERT_LE(f.close.debug.size(), kMaxDebugLength);
        ASSERT_TRUE(w.writeClose(f.close.reason, f.close.debug));
        break;
    }
  }
  // Encodings are canonical, so re-encoding gives the same bytes, except that a fragment
  // covering its whole message is written back as a whole message.
  const Decoded again = decodeAll(std::span(buf).first(w.finish()));
  ASSERT_EQ(again.error, DecodeError::None);
  ASSERT_EQ(again.frames.size(), dec.frames.size());
  bool normalized = false;
  for (std::size_t i = 0; i < dec.frames.size(); ++i) {
    const Frame& a = dec.frames[i];
    const Frame& b = again.frames[i];
    if (a.type == FrameType::UnreliableFragment && b.type == FrameType::Unreliable) {
      normalized = true;
    } else {
      ASSERT_EQ(a.type, b.type);
    }
  }
  if (!normalized) {
    ASSERT_EQ(toBytes(std::span(buf).first(w.size())), toBytes(d));
  }
}

TEST(WireFuzz, RandomInputNeverCrashesAndIsRejectedOrConsistent) {
  Rng rng(0x5EED);
  const Bytes seed_datagram = validDatagram();
  int decoded = 0;
  int mutated_decoded = 0;
  for (int iter = 0; iter < 100000; ++iter) {
    Bytes d;
    const auto mode = rng.below(4);
    if (mode == 0) {  // pure garbage
      d.resize(rng.below(kMaxDatagram + 100));
      for (auto& b : d) b = static_cast<std::uint8_t>(rng.next());
    } else if (mode == 1) {  // a valid header, garbage frames, a correct checksum
      const auto length =
          rng.below(4) == 0 ? rng.below(kMaxDatagram - kHeaderSize + 1) : rng.below(24);
      Bytes frames(length);
      for (auto& b : frames) b = static_cast<std::uint8_t>(rng.below(8));  // small: frame-ish
      d = datagramWith(sampleHeader(), frames);
    } else {  // a valid datagram with a few bytes changed, resealed (or not)
      d = seed_datagram;
      const auto edits = 1 + rng.below(4);
      for (std::uint64_t e = 0; e < edits; ++e) {
        d[kHeaderSize + rng.below(d.size() - kHeaderSize)] = static_cast<std::uint8_t>(rng.next());
      }
      if (rng.below(4) == 0) d.resize(kHeaderSize + rng.below(d.size() - kHeaderSize));
      if (mode == 2) reseal(d);
    }
    const Decoded dec = decodeAll(d);
    if (dec.error != DecodeError::None) continue;
    ++decoded;
    if (mode == 3) ++mutated_decoded;  // only possible if the edits left the bytes unchanged
    checkConsistent(d, dec);
    if (::testing::Test::HasFatalFailure()) {
      FAIL() << "iteration " << iter;
    }
  }
  EXPECT_GT(decoded, 1000) << "the generator should reach the frame decoder's success path";
  EXPECT_LT(mutated_decoded, 100) << "unsealed edits must fail the checksum";
}

}  // namespace
}  // namespace steamsim::detail::wire
