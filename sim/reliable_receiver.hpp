// SPDX-License-Identifier: MIT
#pragma once
// Receive side of a connection's reliable stream: reassembles segments (any order,
// duplicates ignored) into the contiguous stream and parses whole messages from it.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace steamsim::detail {

struct StreamMessage {
  std::uint64_t message_number = 0;
  std::int32_t channel = 0;
  std::vector<std::uint8_t> payload;
};

class ReliableReceiver {
 public:
  /// Adds a segment at `offset`. \return false on a protocol error (see `error()`); the
  /// connection must then be closed.
  bool onSegment(std::uint64_t offset, std::span<const std::uint8_t> data);
  /// Pops the next complete message. \return false if none is complete (or on error).
  bool nextMessage(StreamMessage& out);
  /// A message is partly received (bytes waiting in or ahead of the stream).
  bool hasPartial() const { return parse_pos_ < contiguous_.size() || !ahead_.empty(); }
  /// Bytes held for segments beyond a hole (each segment's latest copy counted once).
  std::size_t aheadBytes() const { return ahead_live_; }
  /// Bytes stored for them, superseded copies included (at most about twice aheadBytes()).
  std::size_t aheadBytesStored() const { return ahead_bytes_.size(); }
  /// Why the stream is unusable; empty if it is fine.
  const std::string& error() const { return error_; }

 private:
  void absorbAhead();
  void keepAhead(std::uint64_t offset, std::span<const std::uint8_t> data);

  // A segment beyond a hole, its bytes at ahead_bytes_[begin, begin + size).
  struct AheadSegment {
    std::uint64_t offset;
    std::size_t begin;
    std::size_t size;
  };

  std::uint64_t floor_ = 0;               // stream offset of contiguous_.end()
  std::vector<std::uint8_t> contiguous_;  // received, not yet parsed from parse_pos_
  std::size_t parse_pos_ = 0;
  std::vector<AheadSegment> ahead_;  // ascending offsets, one segment per offset
  std::vector<std::uint8_t> ahead_bytes_;
  std::size_t ahead_live_ = 0;  // bytes of ahead_bytes_ the segments in ahead_ use
  std::string error_;
};

}  // namespace steamsim::detail
