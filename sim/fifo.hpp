// SPDX-License-Identifier: MIT
#pragma once
// A first-in first-out sequence with indexed access, kept in one vector: popping the front
// advances a head index, and the consumed prefix is dropped once it is at least half of the
// vector (amortized O(1)). Unlike std::deque, an empty Fifo owns no memory, so objects that
// hold several (a connection) stay small until they are used. Pushing may move the
// elements: references into it do not survive push_back.

#include <cstddef>
#include <vector>

namespace steamsim::detail {

template <typename T>
class Fifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }

  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  /// The element `i` places behind the front.
  T& operator[](std::size_t i) { return items_[head_ + i]; }
  const T& operator[](std::size_t i) const { return items_[head_ + i]; }

  void push_back(const T& value) { items_.push_back(value); }
  void pop_front() {
    ++head_;
    if (head_ == items_.size()) {
      clear();  // keeps the capacity: no allocation in steady state
    } else if (head_ >= kCompactAt && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void clear() {
    items_.clear();
    head_ = 0;
  }

 private:
  static constexpr std::size_t kCompactAt = 32;
  std::vector<T> items_;
  std::size_t head_ = 0;  // items_[0, head_) are popped
};

}  // namespace steamsim::detail
