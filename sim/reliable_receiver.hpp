// SPDX-License-Identifier: MIT
#pragma once
// Receive side of a connection's reliable stream: reassembles segments (any order,
// duplicates ignored) into the contiguous stream and parses whole messages from it.

#include <cstdint>
#include <map>
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
  /// Why the stream is unusable; empty if it is fine.
  const std::string& error() const { return error_; }

 private:
  void absorbAhead();

  std::uint64_t floor_ = 0;               // stream offset of contiguous_.end()
  std::vector<std::uint8_t> contiguous_;  // received, not yet parsed from parse_pos_
  std::size_t parse_pos_ = 0;
  std::map<std::uint64_t, std::vector<std::uint8_t>> ahead_;  // segments beyond a hole
  std::string error_;
};

}  // namespace steamsim::detail
