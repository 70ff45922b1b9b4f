// SPDX-License-Identifier: MIT
#pragma once
// Fixed-size buffers for datagrams in flight, recycled through a free list so the steady
// state allocates nothing. Slots never move (a deque), so a slot may be read while another
// thread acquires new ones.

#include <array>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "datagram_tag.hpp"
#include "wire.hpp"

namespace steamsim::detail {

class DatagramPool {
 public:
  struct Slot {
    /// The wire datagram, with room after it for the tag written next to the socket.
    std::array<std::uint8_t, wire::kMaxDatagram + DatagramTag::kBytes> bytes{};
    std::uint16_t size = 0;           ///< of the wire datagram, without the tag
    std::uint64_t packet_id = 0;      ///< TraceEvent::packet_id of the datagram it holds
    std::uint8_t packet_content = 0;  ///< TraceEvent::packet_content
  };

  /// A free slot holding a copy of `datagram` (truncated to kMaxDatagram).
  std::uint32_t acquire(std::span<const std::uint8_t> datagram) {
    std::uint32_t index = 0;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = static_cast<std::uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    Slot& slot = slots_[index];
    const std::size_t n = std::min(datagram.size(), std::size_t{wire::kMaxDatagram});
    std::copy_n(datagram.begin(), n, slot.bytes.begin());
    slot.size = static_cast<std::uint16_t>(n);
    return index;
  }
  Slot& operator[](std::uint32_t index) { return slots_[index]; }
  void release(std::uint32_t index) { free_.push_back(index); }

 private:
  std::deque<Slot> slots_;
  std::vector<std::uint32_t> free_;
};

}  // namespace steamsim::detail
