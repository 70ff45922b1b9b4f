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
#include "udp_endpoint.hpp"
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

    /// Where its copy through the kernel stands (see World's datagram path).
    enum class Copy : std::uint8_t {
      None,     ///< not written (yet, or for a socket that has closed since)
      Queued,   ///< waiting for the next write pass
      Arrived,  ///< written and read back: `bytes` are the bytes read
      Lost,     ///< written, never read back (the kernel dropped it)
      Refused,  ///< the kernel refused to send it
    };
    Copy copy = Copy::None;
    std::uint64_t write_id = 0;           ///< the queued write that is current (0: none)
    std::uint32_t source_generation = 0;  ///< the sockets it is (to be) written through
    std::uint32_t target_generation = 0;
    SocketAddress source;     ///< the sending socket's address, once written
    SocketAddress target;     ///< the receiving socket's address, once written
    SocketAddress read_from;  ///< the sender the read told, once Arrived
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
    slot.copy = Slot::Copy::None;
    slot.write_id = 0;
    return index;
  }
  Slot& operator[](std::uint32_t index) { return slots_[index]; }
  void release(std::uint32_t index) {
    slots_[index].write_id = 0;  // a queued write of it is void
    free_.push_back(index);
  }

 private:
  std::deque<Slot> slots_;
  std::vector<std::uint32_t> free_;
};

}  // namespace steamsim::detail
