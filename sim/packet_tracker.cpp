// SPDX-License-Identifier: MIT
#include "packet_tracker.hpp"

#include <algorithm>

namespace steamsim::detail {

namespace {

void shiftWindow(std::array<std::uint64_t, 2>& bits, std::uint64_t by) {
  if (by >= 128) {
    bits = {0, 0};
  } else if (by >= 64) {
    bits[1] = bits[0] << (by - 64);
    bits[0] = 0;
  } else if (by > 0) {
    bits[1] = (bits[1] << by) | (bits[0] >> (64 - by));
    bits[0] <<= by;
  }
}

}  // namespace

PacketTracker::Verdict PacketTracker::onPacket(std::uint64_t number) {
  if (number == 0) return Verdict::TooOld;
  if (number > largest_) {
    const std::uint64_t gap = largest_ == 0 ? number - 1 : number - largest_ - 1;
    shiftWindow(seen_, number - largest_);
    seen_[0] |= 1U;
    largest_ = number;
    anomalies_.dropped += static_cast<std::int64_t>(gap);
    ++anomalies_.received;
    addToRanges(number);
    forgetBelowWindow();
    return Verdict::New;
  }
  const std::uint64_t age = largest_ - number;
  if (age >= kWindow) {
    ++anomalies_.weird;
    return Verdict::TooOld;
  }
  std::uint64_t& word = seen_[age / 64];
  const std::uint64_t bit = std::uint64_t{1} << (age % 64);
  if ((word & bit) != 0) {
    ++anomalies_.weird;
    return Verdict::Duplicate;
  }
  word |= bit;
  ++anomalies_.received;
  ++anomalies_.weird;    // arrived out of order
  --anomalies_.dropped;  // it was counted as dropped when the gap opened
  addToRanges(number);
  return Verdict::New;
}

void PacketTracker::addToRanges(std::uint64_t number) {
  // ranges_ is descending; find the first range that reaches down to number + 1.
  auto it = ranges_.begin();
  while (it != ranges_.end() && it->lo > number + 1) ++it;
  if (it != ranges_.end() && number >= it->lo && number <= it->hi) return;
  // Only the next packet in order, growing the highest range upwards, keeps the tail.
  if (it != ranges_.begin() || it == ranges_.end() || number != it->hi + 1) tail_stale_ = true;
  if (it == ranges_.end()) {
    ranges_.push_back(wire::PacketRange{number, number});
  } else if (number + 1 == it->lo) {
    it->lo = number;
    auto below = std::next(it);
    if (below != ranges_.end() && below->hi + 1 == number) {
      it->lo = below->lo;
      ranges_.erase(below);
    }
  } else if (number == it->hi + 1) {
    it->hi = number;
  } else {
    ranges_.insert(it, wire::PacketRange{number, number});
  }
  if (ranges_.size() > kMaxRanges) ranges_.pop_back();
}

void PacketTracker::forgetBelowWindow() {
  // A packet this far behind the largest is refused as too old if it still arrives, so a
  // gap down there is final: reporting the ranges below it in every ack would only repeat
  // what earlier acks said. (The highest range, which holds the largest, always stays.)
  if (largest_ <= kWindow) return;
  const std::uint64_t oldest_in_window = largest_ - kWindow + 1;
  while (ranges_.size() > 1 && ranges_.back().hi < oldest_in_window) {
    ranges_.pop_back();
    tail_stale_ = true;
  }
}

const wire::AckTail& PacketTracker::ackTail() {
  if (tail_stale_) {
    wire::encodeAckTail(ranges_, tail_);
    tail_stale_ = false;
  }
  return tail_;
}

PacketTracker::Anomalies PacketTracker::takeAnomalies() {
  const Anomalies out = anomalies_;
  anomalies_ = {};
  return out;
}

}  // namespace steamsim::detail
