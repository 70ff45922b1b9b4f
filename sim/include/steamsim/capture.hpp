// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Capturing every datagram that crosses a peer's socket (for packet captures).

#include <array>
#include <cstdint>
#include <span>

namespace steamsim {

/// One end of a datagram's path: a socket's IP address and UDP port.
struct CaptureEndpoint {
  std::array<std::uint8_t, 16> ip{};  ///< IPv4 in the first 4 bytes when !v6
  std::uint16_t port = 0;
  bool v6 = false;
};

/// A datagram as it crossed a socket. The views are valid only during the call.
struct CapturedDatagram {
  std::int64_t time_us = 0;     ///< the network's clock when it crossed (virtual time by default)
  std::uint64_t packet_id = 0;  ///< TraceEvent::packet_id of the datagram; 0 for a stranger's
  CaptureEndpoint source;       ///< the sending socket
  CaptureEndpoint destination;  ///< the receiving socket
  std::span<const std::uint8_t> bytes;  ///< the UDP payload exactly as written/read
};

/// Receives every datagram written from one peer's socket to another's, and every stranger's
/// datagram read from a peer's socket, in the order they cross, on the thread running the
/// network, under its lock: it must not call back into the Network.
class DatagramCapture {
 public:
  virtual ~DatagramCapture() = default;
  virtual void datagram(const CapturedDatagram& datagram) = 0;
};

}  // namespace steamsim
