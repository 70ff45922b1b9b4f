// SPDX-License-Identifier: MIT
#pragma once
// A map for tables fed once per trace event or message: the values lie in insertion order
// in a deque (they never move: pointers to them stay valid), found through an
// open-addressing index of small slots (linear probing, at most half full) and a dense
// array of keys. A lookup touches a few cache lines of compact arrays instead of a hash
// node somewhere in the heap, which matters once ten thousand peers' tables outgrow the
// caches. Entries are never removed.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "steamsim/types.hpp"

namespace steamsim::scenario::detail {

/// `Hash` maps a key to 64 bits; they are mixed again before use.
template <typename Key, typename Value, typename Hash>
class FlatTable {
 public:
  /// The value of `key`, nullptr if it has none.
  Value* find(const Key& key) {
    const std::uint32_t index = lookup(key);
    return index == kEmpty ? nullptr : &values_[index];
  }
  const Value* find(const Key& key) const {
    const std::uint32_t index = lookup(key);
    return index == kEmpty ? nullptr : &values_[index];
  }

  /// The value of `key`, value-initialized first if it has none.
  Value& operator[](const Key& key) {
    if (2 * (keys_.size() + 1) > slots_.size()) grow();
    std::size_t at = start(key);
    while (slots_[at].index != kEmpty) {
      if (keys_[slots_[at].index] == key) return values_[slots_[at].index];
      at = (at + 1) & (slots_.size() - 1);
    }
    slots_[at].index = static_cast<std::uint32_t>(keys_.size());
    keys_.push_back(key);
    values_.emplace_back();
    return values_.back();
  }

  std::size_t size() const { return keys_.size(); }
  /// The i-th key in insertion order, and its value.
  const Key& keyAt(std::size_t i) const { return keys_[i]; }
  Value& valueAt(std::size_t i) { return values_[i]; }
  const Value& valueAt(std::size_t i) const { return values_[i]; }

 private:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFU;
  struct Slot {
    std::uint32_t index = kEmpty;  // into keys_ and values_
  };

  static std::uint64_t mix(const Key& key) {
    std::uint64_t x = static_cast<std::uint64_t>(Hash()(key)) * 0x9E3779B97F4A7C15ULL;
    x ^= x >> 32;
    x *= 0xD6E8FEB86659FD93ULL;
    x ^= x >> 32;
    return x;
  }
  std::size_t start(const Key& key) const {
    return static_cast<std::size_t>(mix(key)) & (slots_.size() - 1);
  }
  std::uint32_t lookup(const Key& key) const {
    if (slots_.empty()) return kEmpty;
    for (std::size_t at = start(key);; at = (at + 1) & (slots_.size() - 1)) {
      const std::uint32_t index = slots_[at].index;
      if (index == kEmpty || keys_[index] == key) return index;
    }
  }
  void grow() {
    std::vector<Slot> slots(slots_.empty() ? 16 : 2 * slots_.size());
    slots_.swap(slots);
    for (std::uint32_t i = 0; i < keys_.size(); ++i) {
      std::size_t at = start(keys_[i]);
      while (slots_[at].index != kEmpty) at = (at + 1) & (slots_.size() - 1);
      slots_[at].index = i;
    }
  }

  std::vector<Slot> slots_;  // power-of-two size, at most half in use
  std::vector<Key> keys_;
  std::deque<Value> values_;
};

struct SteamIdPairHash {
  std::uint64_t operator()(const std::pair<SteamId, SteamId>& key) const {
    return key.first * 0xC2B2AE3D27D4EB4FULL ^ key.second;
  }
};

/// A FlatTable keyed by a pair of Steam IDs.
template <typename Value>
using PairTable = FlatTable<std::pair<SteamId, SteamId>, Value, SteamIdPairHash>;

}  // namespace steamsim::scenario::detail
