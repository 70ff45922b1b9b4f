// SPDX-License-Identifier: MIT
// The vector-backed FIFO of connections: order and indexing survive any mix of pushes and
// pops, including the compaction of the popped prefix.

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

TEST(Fifo, KeepsOrderAndIndexingThroughPopsAndCompaction) {
  Fifo<int> fifo;
  std::deque<int> model;
  int next = 0;
  // Grows and shrinks in waves so the popped prefix is dropped many times.
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

}  // namespace
}  // namespace steamsim::detail
