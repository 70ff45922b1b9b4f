// SPDX-License-Identifier: MIT
// The receiver's record of packet numbers: which ranges its acks report.

#include <gtest/gtest.h>

#include <cstdint>

#include "packet_tracker.hpp"

namespace steamsim::detail {
namespace {

TEST(PacketTracker, AGapStaysInTheAcksWhileItIsInsideTheWindow) {
  PacketTracker tracker;
  for (std::uint64_t n = 1; n <= 10; ++n) tracker.onPacket(n);
  for (std::uint64_t n = 12; n <= 100; ++n) tracker.onPacket(n);  // 11 lost
  ASSERT_EQ(tracker.ranges().size(), 2U);
  EXPECT_EQ(tracker.ranges()[0].lo, 12U);
  EXPECT_EQ(tracker.ranges()[0].hi, 100U);
  EXPECT_EQ(tracker.ranges()[1].lo, 1U);
  EXPECT_EQ(tracker.ranges()[1].hi, 10U);
}

TEST(PacketTracker, RangesWhollyBelowTheWindowAreNoLongerReported) {
  // Once every packet of a range is older than the window, a copy of any of them would be
  // refused as too old, so acks stop repeating that range; under steady loss they stay short.
  PacketTracker tracker;
  for (std::uint64_t n = 1; n <= 10; ++n) tracker.onPacket(n);
  std::uint64_t n = 12;
  for (; n < 10 + PacketTracker::kWindow; ++n) tracker.onPacket(n);
  EXPECT_EQ(tracker.ranges().size(), 2U);  // 10 is still inside the window
  tracker.onPacket(n);
  ASSERT_EQ(tracker.ranges().size(), 1U);
  EXPECT_EQ(tracker.ranges()[0].lo, 12U);
  EXPECT_EQ(tracker.ranges()[0].hi, n);
  EXPECT_EQ(tracker.onPacket(10), PacketTracker::Verdict::TooOld);
  // The gap itself is still inside: a late 11 is accepted and joins the range above it.
  EXPECT_EQ(tracker.onPacket(11), PacketTracker::Verdict::New);
  ASSERT_EQ(tracker.ranges().size(), 1U);
  EXPECT_EQ(tracker.ranges()[0].lo, 11U);
}

TEST(PacketTracker, SteadyLossKeepsAcksToTheWindow) {
  PacketTracker tracker;
  for (std::uint64_t n = 1; n <= 5000; ++n) {
    if (n % 20 != 0) tracker.onPacket(n);  // 5 % lost
  }
  // One range per gap inside the last kWindow packets, plus the one reaching below it.
  EXPECT_LE(tracker.ranges().size(), PacketTracker::kWindow / 20 + 2);
  EXPECT_GE(tracker.ranges().size(), PacketTracker::kWindow / 20);
}

TEST(PacketTracker, WithoutLossThereIsOneRangeFromTheFirstPacket) {
  PacketTracker tracker;
  for (std::uint64_t n = 1; n <= 1000; ++n) tracker.onPacket(n);
  ASSERT_EQ(tracker.ranges().size(), 1U);
  EXPECT_EQ(tracker.ranges()[0].lo, 1U);
  EXPECT_EQ(tracker.ranges()[0].hi, 1000U);
}

}  // namespace
}  // namespace steamsim::detail
