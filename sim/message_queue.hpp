// SPDX-License-Identifier: MIT
#pragma once
// One channel's received messages, oldest first: a vector read from the front and reset or
// compacted as it empties, so queueing and reading allocate nothing per message in steady
// state (a deque allocates a block every few messages).

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <vector>

#include "steamsim/message.hpp"

namespace steamsim::detail {

class MessageQueue {
 public:
  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }
  void push(Message&& message) { items_.push_back(std::move(message)); }
  /// Appends a default message to fill in place. \return it (valid until the next change).
  Message& emplace() { return items_.emplace_back(); }
  Message& front() { return items_[head_]; }
  void pop() { advance(1); }
  /// Moves the `n` (<= size()) oldest messages to the end of `out`, oldest first.
  /// \return their payload bytes.
  std::size_t popInto(std::vector<Message>& out, std::size_t n) {
    const auto first = items_.begin() + static_cast<std::ptrdiff_t>(head_);
    const auto last = first + static_cast<std::ptrdiff_t>(n);
    std::size_t bytes = 0;
    for (auto it = first; it != last; ++it) bytes += it->payload.size();
    out.insert(out.end(), std::make_move_iterator(first), std::make_move_iterator(last));
    advance(n);
    return bytes;
  }
  /// Removes the messages for which `drop` is true, keeping the order of the others.
  /// \return the payload bytes removed.
  template <typename Predicate>
  std::size_t removeIf(Predicate drop) {
    const auto begin = items_.begin() + static_cast<std::ptrdiff_t>(head_);
    const auto kept =
        std::stable_partition(begin, items_.end(), [&](const Message& m) { return !drop(m); });
    std::size_t bytes = 0;
    for (auto it = kept; it != items_.end(); ++it) bytes += it->payload.size();
    items_.erase(kept, items_.end());
    return bytes;
  }

 private:
  void advance(std::size_t n) {
    head_ += n;
    if (head_ == items_.size()) {
      items_.clear();
      head_ = 0;
    } else if (head_ >= kCompactAt && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

  static constexpr std::size_t kCompactAt = 1024;
  std::vector<Message> items_;
  std::size_t head_ = 0;
};

}  // namespace steamsim::detail
