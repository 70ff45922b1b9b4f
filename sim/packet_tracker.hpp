// SPDX-License-Identifier: MIT
#pragma once
// Receive-side bookkeeping of a connection's packet numbers: duplicate suppression over a
// 128-packet window, the ranges to acknowledge, and sequence anomalies for quality.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "wire.hpp"

namespace steamsim::detail {

class PacketTracker {
 public:
  enum class Verdict { New, Duplicate, TooOld };

  /// Records packet `number`. Duplicates and packets older than the window are reported
  /// and must be ignored.
  Verdict onPacket(std::uint64_t number);

  std::uint64_t largest() const { return largest_; }
  /// Ranges received, highest first, for Ack frames: at most kMaxRanges, and none wholly
  /// below the duplicate window (packets there are refused as too old, so those gaps are
  /// final; the highest range always stays).
  std::span<const wire::PacketRange> ranges() const { return ranges_; }
  /// wire::encodeAckTail(ranges()), re-encoded only when a range other than the highest
  /// one's upper end changed (the common case, the next packet in order, changes nothing).
  const wire::AckTail& ackTail();

  /// Sequence anomalies since the last `takeAnomalies`.
  struct Anomalies {
    std::uint32_t received = 0;  ///< sequenced packets accepted
    std::int64_t dropped = 0;    ///< numbers skipped, minus late arrivals that filled gaps
    std::uint32_t weird = 0;     ///< out of order, duplicate or too old
  };
  Anomalies takeAnomalies();

  static constexpr std::size_t kMaxRanges = 32;
  static constexpr std::uint64_t kWindow = 128;

 private:
  void addToRanges(std::uint64_t number);
  void forgetBelowWindow();

  std::uint64_t largest_ = 0;
  std::array<std::uint64_t, 2> seen_{};  // bit i: largest_ - i received
  std::vector<wire::PacketRange> ranges_;
  wire::AckTail tail_;
  bool tail_stale_ = true;
  Anomalies anomalies_;
};

}  // namespace steamsim::detail
