// SPDX-License-Identifier: MIT
// The reliable stream's receive side: whatever the segmentation, order, duplication and
// overlap of what arrives, the messages come out whole, once each and in order, and the
// bytes held beyond a hole stay bounded and are released once the hole is filled.

#include "reliable_receiver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "stream_message.hpp"

namespace steamsim::detail {
namespace {

struct Segment {
  std::uint64_t offset;
  std::size_t size;
};

std::vector<std::uint8_t> payloadOf(std::uint64_t number, std::size_t size) {
  std::vector<std::uint8_t> payload(size);
  for (std::size_t i = 0; i < size; ++i) {
    payload[i] = static_cast<std::uint8_t>(number * 31 + i);
  }
  return payload;
}

/// Messages 1..count with sizes 0..300, encoded one after another.
std::vector<std::uint8_t> streamOf(std::uint64_t count, std::mt19937_64& random) {
  std::vector<std::uint8_t> stream;
  for (std::uint64_t number = 1; number <= count; ++number) {
    (void)encodeStreamMessage(number, static_cast<std::int32_t>(number % 5) - 2,
                              payloadOf(number, random() % 301), stream);
  }
  return stream;
}

/// Cuts [0, size) into segments of 1..max bytes.
std::vector<Segment> cut(std::size_t size, std::size_t max, std::mt19937_64& random) {
  std::vector<Segment> segments;
  for (std::size_t at = 0; at < size;) {
    const std::size_t n = std::min(size - at, 1 + random() % max);
    segments.push_back({at, n});
    at += n;
  }
  return segments;
}

void checkAll(ReliableReceiver& receiver, std::uint64_t count, std::uint64_t& next) {
  StreamMessage message;
  while (receiver.nextMessage(message)) {
    ASSERT_EQ(message.message_number, next);
    ASSERT_EQ(message.channel, static_cast<std::int32_t>(next % 5) - 2);
    ASSERT_EQ(message.payload, payloadOf(next, message.payload.size()));
    ++next;
    ASSERT_LE(next, count + 1);
  }
}

TEST(ReliableReceiver, ReassemblesShuffledDuplicatedAndRecutSegments) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    std::mt19937_64 random(seed);
    constexpr std::uint64_t kCount = 400;
    const std::vector<std::uint8_t> stream = streamOf(kCount, random);
    // Two cuts of the whole stream (a retransmission may cut it differently), shuffled
    // within a sliding window so arrival is out of order but every byte comes in time.
    std::vector<Segment> arrivals = cut(stream.size(), 200, random);
    const std::vector<Segment> again = cut(stream.size(), 120, random);
    for (const Segment& s : again) {
      if (random() % 3 == 0) arrivals.push_back(s);
    }
    std::sort(arrivals.begin(), arrivals.end(),
              [](const Segment& a, const Segment& b) { return a.offset < b.offset; });
    for (std::size_t i = 0; i + 1 < arrivals.size(); ++i) {
      const std::size_t j = i + random() % std::min<std::size_t>(20, arrivals.size() - i);
      std::swap(arrivals[i], arrivals[j]);
    }
    ReliableReceiver receiver;
    std::uint64_t next = 1;
    for (const Segment& s : arrivals) {
      const std::span<const std::uint8_t> bytes(stream.data() + s.offset, s.size);
      ASSERT_TRUE(receiver.onSegment(s.offset, bytes));
      if (random() % 4 == 0) {
        ASSERT_TRUE(receiver.onSegment(s.offset, bytes));  // a duplicate
      }
      checkAll(receiver, kCount, next);
    }
    // The first cut alone covers the stream, so everything is in.
    for (const Segment& s : cut(stream.size(), 500, random)) {
      ASSERT_TRUE(receiver.onSegment(s.offset, std::span(stream.data() + s.offset, s.size)));
    }
    checkAll(receiver, kCount, next);
    EXPECT_EQ(next, kCount + 1) << "seed " << seed;
    EXPECT_FALSE(receiver.hasPartial());
    EXPECT_EQ(receiver.aheadBytes(), 0U);
  }
}

TEST(ReliableReceiver, ALongerCopyAtAnOffsetReplacesAShorterOne) {
  std::mt19937_64 random(7);
  const std::vector<std::uint8_t> stream = streamOf(50, random);
  ReliableReceiver receiver;
  ASSERT_TRUE(receiver.onSegment(100, std::span(stream.data() + 100, 10)));
  ASSERT_TRUE(receiver.onSegment(100, std::span(stream.data() + 100, stream.size() - 100)));
  ASSERT_TRUE(receiver.onSegment(100, std::span(stream.data() + 100, 5)));  // shorter: ignored
  EXPECT_EQ(receiver.aheadBytes(), stream.size() - 100);
  ASSERT_TRUE(receiver.onSegment(0, std::span(stream.data(), 100)));
  std::uint64_t next = 1;
  checkAll(receiver, 50, next);
  EXPECT_EQ(next, 51U);
  EXPECT_EQ(receiver.aheadBytes(), 0U);
}

TEST(ReliableReceiver, BytesHeldBeyondAHoleAreBoundedWhileTheHoleStays) {
  // Byte 0 never arrives; segments beyond it arrive again and again, longer each time at
  // the same offsets, so superseded copies pile up unless they are dropped.
  std::vector<std::uint8_t> bytes(4096, 0x5A);
  ReliableReceiver receiver;
  for (std::size_t round = 1; round <= 200; ++round) {
    for (std::uint64_t offset = 1; offset < 40'000; offset += 4096) {
      ASSERT_TRUE(receiver.onSegment(offset, std::span(bytes.data(), 1000 + round)));
    }
    ASSERT_LE(receiver.aheadBytesStored(), 2 * receiver.aheadBytes() + 65536 + 4096);
  }
  EXPECT_EQ(receiver.aheadBytes(), 10U * 1200U);
  EXPECT_TRUE(receiver.hasPartial());
}

}  // namespace
}  // namespace steamsim::detail
