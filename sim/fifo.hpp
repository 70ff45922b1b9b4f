// SPDX-License-Identifier: MIT
#pragma once
// A first-in first-out sequence with indexed access, kept in a ring whose capacity is a
// power of two: popping the front advances a head index, and nothing is moved until the
// ring is full and doubles. Unlike std::deque, an empty Fifo that was never used owns no
// memory, so objects that hold several (a connection) stay small until they are used.
// Pushing may move the elements: references into it do not survive push_back.

#include <cstddef>
#include <utility>
#include <vector>

namespace steamsim::detail {

template <typename T>
class Fifo {
 public:
  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  /// Elements it holds without allocating.
  std::size_t capacity() const { return ring_.size(); }

  T& front() { return ring_[head_]; }
  const T& front() const { return ring_[head_]; }
  /// The element `i` places behind the front.
  T& operator[](std::size_t i) { return ring_[(head_ + i) & mask()]; }
  const T& operator[](std::size_t i) const { return ring_[(head_ + i) & mask()]; }

  void push_back(const T& value) {
    if (count_ == ring_.size()) grow();
    ring_[(head_ + count_) & mask()] = value;
    ++count_;
  }
  void pop_front() {
    head_ = (head_ + 1) & mask();
    if (--count_ == 0) head_ = 0;
  }
  /// Empties the Fifo; its capacity is kept (no allocation in steady state).
  void clear() {
    head_ = 0;
    count_ = 0;
  }

 private:
  static constexpr std::size_t kFirstCapacity = 2;
  std::size_t mask() const { return ring_.size() - 1; }
  void grow() {
    std::vector<T> bigger(ring_.empty() ? kFirstCapacity : ring_.size() * 2);
    for (std::size_t i = 0; i < count_; ++i) bigger[i] = std::move((*this)[i]);
    ring_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<T> ring_;  // size() is the capacity: 0 or a power of two
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace steamsim::detail
