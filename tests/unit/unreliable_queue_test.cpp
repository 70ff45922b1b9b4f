// SPDX-License-Identifier: MIT
// The unreliable send queue: messages leave in order with their payloads, stored as the
// frames the wire writer would write, and the buffers take turns without losing anything.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "byte_buffer.hpp"
#include "unreliable_queue.hpp"
#include "wire.hpp"

namespace steamsim::detail {
namespace {

std::vector<std::uint8_t> payloadOf(std::uint64_t number, std::size_t size) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(number * 31 + i);
  return bytes;
}

// The frame PacketWriter::writeUnreliable writes for a whole message.
std::vector<std::uint8_t> frameOf(std::uint64_t number, std::int32_t channel,
                                  const std::vector<std::uint8_t>& payload) {
  std::array<std::uint8_t, wire::kMaxDatagram> buffer{};
  wire::PacketWriter writer(buffer, wire::PacketHeader{});
  EXPECT_TRUE(writer.writeUnreliable(number, channel, static_cast<std::uint32_t>(payload.size()), 0,
                                     payload));
  return {buffer.begin() + static_cast<std::ptrdiff_t>(wire::kHeaderSize),
          buffer.begin() + static_cast<std::ptrdiff_t>(writer.size())};
}

TEST(UnreliableQueue, StoresEachMessageAsTheFrameTheWriterWouldWrite) {
  UnreliableQueue queue;
  const std::uint64_t numbers[] = {1, 127, 128, 16384, 1ULL << 40};
  const std::int32_t channels[] = {0, -1, 5, 1 << 20, -(1 << 30)};
  for (std::size_t i = 0; i < 5; ++i) {
    queue.push(numbers[i], channels[i], payloadOf(numbers[i], 10 * i), 0);
  }
  ASSERT_EQ(queue.run(), 5U);
  std::vector<std::uint8_t> expected;
  for (std::size_t i = 0; i < 5; ++i) {
    const auto frame = frameOf(numbers[i], channels[i], payloadOf(numbers[i], 10 * i));
    EXPECT_EQ(queue.at(i).frameSize(), frame.size());
    expected.insert(expected.end(), frame.begin(), frame.end());
  }
  const auto frames = queue.frames(5);
  EXPECT_EQ(std::vector<std::uint8_t>(frames.begin(), frames.end()), expected);
  const auto payload = queue.frontPayload();
  EXPECT_EQ(std::vector<std::uint8_t>(payload.begin(), payload.end()), payloadOf(1, 0));
}

TEST(UnreliableQueue, KeepsOrderAndPayloadsWhileItsBuffersTakeTurns) {
  UnreliableQueue queue;
  std::uint64_t pushed = 0;
  std::uint64_t popped = 0;
  // Interleave pushes and partial reads so that messages land in both buffers.
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 1 + round % 7; ++i) {
      ++pushed;
      queue.push(pushed, 3, payloadOf(pushed, pushed % 90), static_cast<TimeUs>(pushed));
    }
    for (int i = 0; i < 1 + round % 5 && !queue.empty(); ++i) {
      ++popped;
      ASSERT_EQ(queue.front().number, popped);
      ASSERT_EQ(queue.front().ready_at, static_cast<TimeUs>(popped));
      const auto payload = queue.frontPayload();
      ASSERT_EQ(std::vector<std::uint8_t>(payload.begin(), payload.end()),
                payloadOf(popped, popped % 90));
      queue.pop();
    }
  }
  while (!queue.empty()) {
    ++popped;
    ASSERT_EQ(queue.front().number, popped);
    const std::size_t run = queue.run();
    ASSERT_GE(run, 1U);
    // A run is contiguous: its frames are the entries' frames back to back.
    std::size_t total = 0;
    for (std::size_t i = 0; i < run; ++i) total += queue.at(i).frameSize();
    ASSERT_EQ(queue.frames(run).size(), total);
    queue.pop();
  }
  EXPECT_EQ(popped, pushed);
}

TEST(ByteBuffer, AppendsTruncatesAndErasesAPrefixKeepingTheBytes) {
  ByteBuffer buffer;
  for (int i = 0; i < 10000; ++i) *buffer.append(1) = static_cast<std::uint8_t>(i);
  ASSERT_EQ(buffer.size(), 10000U);
  std::uint8_t* room = buffer.append(100);
  room[0] = 7;
  buffer.truncate(10001);
  EXPECT_EQ(buffer.size(), 10001U);
  buffer.erasePrefix(9999);
  ASSERT_EQ(buffer.size(), 2U);
  EXPECT_EQ(buffer.data()[0], static_cast<std::uint8_t>(9999));
  EXPECT_EQ(buffer.data()[1], 7);
  buffer.clear();
  EXPECT_TRUE(buffer.empty());
}

}  // namespace
}  // namespace steamsim::detail
