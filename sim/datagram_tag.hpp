// SPDX-License-Identifier: MIT
#pragma once
// The mark the simulator puts on every datagram it writes to a peer's socket, so it can tell
// its own datagrams from anything else that arrives there (another program, or a copy sent
// from a peer's own address): the last 12 bytes written, after the wire datagram and any
// padding that lets a run of datagrams go as one segmented send, a per-network nonce (64
// bits, random per Network) and the datagram's sequence number on the destination socket
// (32 bits). The receiver strips the tag before decoding; the wire datagram, its size in the
// trace and its checksum are unchanged. Both fields are little-endian.

#include <cstddef>
#include <cstdint>
#include <span>

namespace steamsim::detail {

struct DatagramTag {
  static constexpr std::size_t kBytes = 12;

  std::uint64_t nonce = 0;
  std::uint32_t sequence = 0;

  /// Writes the tag into the kBytes bytes at `out`.
  void writeTo(std::uint8_t* out) const {
    for (std::size_t i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(nonce >> (8 * i));
    for (std::size_t i = 0; i < 4; ++i) {
      out[8 + i] = static_cast<std::uint8_t>(sequence >> (8 * i));
    }
  }

  /// Reads the tag at the end of `datagram`; false if it is too short to carry one (a
  /// datagram of ours always has at least one byte before its tag).
  static bool readFrom(std::span<const std::uint8_t> datagram, DatagramTag& out) {
    if (datagram.size() <= kBytes) return false;
    const std::uint8_t* p = datagram.data() + (datagram.size() - kBytes);
    out.nonce = 0;
    out.sequence = 0;
    for (std::size_t i = 0; i < 8; ++i) out.nonce |= std::uint64_t{p[i]} << (8 * i);
    for (std::size_t i = 0; i < 4; ++i) out.sequence |= std::uint32_t{p[8 + i]} << (8 * i);
    return true;
  }
};

}  // namespace steamsim::detail
