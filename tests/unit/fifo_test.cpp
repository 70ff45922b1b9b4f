// SPDX-License-Identifier: MIT
// The ring-buffer FIFO of connections: order and indexing survive any mix of pushes and
// pops, including the ring wrapping around and doubling while wrapped.

#include <gtest/gtest.h>

#include <cstddef>
#include <deque>

#include "fifo.hpp"

namespace steamsim::detail {
namespace {

TEST(Fifo, StartsEmpty) {
  Fifo<int> fifo;
  EXPECT_TRUE(fifo.empty());
  EXPECT_EQ(fifo.size(), 0U);
}

TEST(Fifo, KeepsOrderAndIndexingThroughPopsWrapsAndGrowth) {
  Fifo<int> fifo;
  std::deque<int> model;
  int next = 0;
  // Grows and shrinks in waves, so the ring wraps many times and grows while wrapped.
  for (int round = 0; round < 50; ++round) {
    for (int k = 0; k < 37 + round % 5; ++k) {
      fifo.push_back(next);
      model.push_back(next);
      ++next;
    }
    for (int k = 0; k < 30 + round % 7 && !model.empty(); ++k) {
      ASSERT_EQ(fifo.front(), model.front());
      fifo.pop_front();
      model.pop_front();
    }
    ASSERT_EQ(fifo.size(), model.size());
    for (std::size_t i = 0; i < model.size(); ++i) ASSERT_EQ(fifo[i], model[i]) << i;
  }
  while (!model.empty()) {
    ASSERT_EQ(fifo.front(), model.front());
    fifo.pop_front();
    model.pop_front();
  }
  EXPECT_TRUE(fifo.empty());
}

TEST(Fifo, ClearEmptiesAndTheFifoStaysUsable) {
  Fifo<int> fifo;
  for (int i = 0; i < 10; ++i) fifo.push_back(i);
  fifo.pop_front();
  fifo.clear();
  EXPECT_TRUE(fifo.empty());
  fifo.push_back(7);
  EXPECT_EQ(fifo.size(), 1U);
  EXPECT_EQ(fifo.front(), 7);
  EXPECT_EQ(fifo[0], 7);
}

TEST(Fifo, ASteadyWindowStaysInItsCapacity) {
  // Push one, pop one, around a window of 100: the ring never grows past 128 and the
  // elements keep their values (no stale slot is handed out).
  Fifo<std::size_t> fifo;
  for (std::size_t i = 0; i < 100; ++i) fifo.push_back(i);
  for (std::size_t i = 100; i < 10'000; ++i) {
    fifo.push_back(i);
    ASSERT_EQ(fifo.front(), i - 100);
    fifo.pop_front();
    ASSERT_EQ(fifo[99], i);
  }
  EXPECT_EQ(fifo.size(), 100U);
  EXPECT_EQ(fifo.capacity(), 128U);
}

}  // namespace
}  // namespace steamsim::detail
