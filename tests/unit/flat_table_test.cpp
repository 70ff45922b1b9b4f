// SPDX-License-Identifier: MIT
// The flat table of the scenario runner's per-event bookkeeping: every key finds its own
// value through growth, values keep their addresses, and iteration is in insertion order.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "../../scenarios/src/flat_table.hpp"

namespace steamsim::scenario::detail {
namespace {

TEST(FlatTable, MissingKeysAreNotFound) {
  PairTable<int> table;
  EXPECT_EQ(table.find({1, 2}), nullptr);
  table[{1, 2}] = 5;
  EXPECT_EQ(table.find({2, 1}), nullptr);  // ordered pairs
  ASSERT_NE(table.find({1, 2}), nullptr);
  EXPECT_EQ(*table.find({1, 2}), 5);
}

TEST(FlatTable, EveryKeyKeepsItsValueThroughGrowthAndValuesNeverMove) {
  PairTable<std::string> table;
  std::map<std::pair<SteamId, SteamId>, std::string> model;
  std::vector<const std::string*> addresses;
  const SteamId base = 76561198000000001ULL;
  for (SteamId i = 0; i < 5000; ++i) {
    const std::pair<SteamId, SteamId> key{base + i, base + (i + 1) % 5000};
    std::string& value = table[key];
    EXPECT_TRUE(value.empty());
    value = "v" + std::to_string(i);
    model[key] = value;
    addresses.push_back(&value);
  }
  ASSERT_EQ(table.size(), model.size());
  for (const auto& [key, value] : model) {
    const std::string* found = table.find(key);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(*found, value);
    EXPECT_EQ(&table[key], found);  // no second entry
  }
  for (std::size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(&table.valueAt(i), addresses[i]);
    EXPECT_EQ(table.keyAt(i).first, base + i);  // insertion order
  }
  EXPECT_EQ(table.size(), model.size());
}

}  // namespace
}  // namespace steamsim::scenario::detail
