// SPDX-License-Identifier: MIT
#pragma once
// Send side of a connection's reliable stream: one byte stream shared by every channel,
// into which whole messages are appended; ranges are sent, acknowledged, and re-queued for
// retransmission when lost. Keeps bytes from the lowest unacknowledged offset onwards.

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "byte_buffer.hpp"
#include "byte_range.hpp"

namespace steamsim::detail {

class ReliableSender {
 public:
  /// Appends bytes to the stream. \return the new stream end.
  std::uint64_t append(std::span<const std::uint8_t> bytes);
  /// Encodes one message (stream_message.hpp) straight into the stream: the payload is
  /// copied once, here. \return the new end of the stream.
  std::uint64_t appendMessage(std::uint64_t number, std::int32_t channel,
                              std::span<const std::uint8_t> payload);

  /// Stream offset just past the last appended byte.
  std::uint64_t end() const { return end_; }
  /// First offset never sent.
  std::uint64_t sendNext() const { return send_next_; }

  /// Bytes never sent plus bytes queued for retransmission (pending_reliable).
  std::uint64_t pendingBytes() const { return (end_ - send_next_) + retransmit_.totalBytes(); }
  /// Bytes sent and neither acknowledged nor queued again (sent_unacknowledged_reliable).
  std::uint64_t unackedBytes() const {
    return (send_next_ - acked_floor_) - acked_.totalBytes() - retransmit_.totalBytes();
  }
  bool hasRetransmit() const { return !retransmit_.empty(); }
  /// Everything appended is acknowledged.
  bool allAcked() const { return acked_floor_ == end_; }

  /// Takes up to `max_len` bytes to send: retransmissions first, else new bytes below
  /// `ready_end`. \return false if nothing is sendable.
  bool take(std::uint64_t max_len, std::uint64_t ready_end, ByteRange& out);
  /// The bytes of an unacknowledged range (valid until the next mutation).
  std::span<const std::uint8_t> bytes(const ByteRange& range) const;

  /// The peer acknowledged [lo, hi).
  void onAcked(std::uint64_t lo, std::uint64_t hi);
  /// [lo, hi) was in a lost packet: send again what is not acknowledged.
  void onLost(std::uint64_t lo, std::uint64_t hi);

  /// Drops all data (connection closed).
  void clear();

 private:
  void advanceFloor();

  ByteBuffer buffer_;  // stream bytes from buffer_base_ to end_
  std::uint64_t buffer_base_ = 0;
  std::uint64_t acked_floor_ = 0;  // everything below is acknowledged
  std::uint64_t send_next_ = 0;
  std::uint64_t end_ = 0;
  RangeSet acked_;       // acknowledged ranges above the floor
  RangeSet retransmit_;  // lost ranges to send again
};

}  // namespace steamsim::detail
