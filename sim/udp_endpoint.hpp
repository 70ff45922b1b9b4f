// SPDX-License-Identifier: MIT
#pragma once
// A peer's real UDP socket. Asio stays inside udp_endpoint.cpp; this header is plain C++.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace steamsim::detail {

/// A compact, comparable socket address (IPv4 or IPv6 plus port).
struct SocketAddress {
  std::array<std::uint8_t, 16> ip{};  ///< IPv4 in the first 4 bytes when !v6
  std::uint16_t port = 0;
  bool v6 = false;
  friend bool operator==(const SocketAddress&, const SocketAddress&) = default;
  /// "127.0.0.1" (no port), as Steam's remote_address.
  std::string ipString() const;
  /// "127.0.0.1:40000".
  std::string toString() const;
};

class UdpEndpoint {
 public:
  /// Binds a non-blocking UDP socket to `address`:`port` (0 = any free port) with large
  /// kernel buffers. Holds exactly one file descriptor. Throws std::system_error on failure.
  UdpEndpoint(const std::string& address, std::uint16_t port);
  ~UdpEndpoint();
  UdpEndpoint(const UdpEndpoint&) = delete;
  UdpEndpoint& operator=(const UdpEndpoint&) = delete;

  /// The bound address (with the kernel-chosen port).
  const SocketAddress& localAddress() const { return local_; }

  /// Sends one datagram. \return false if the kernel refused it.
  bool sendTo(const SocketAddress& destination, std::span<const std::uint8_t> datagram);

  struct Received {
    std::size_t size = 0;
    SocketAddress from;
    /// With receiveCoalesced(): the read holds several datagrams of this many bytes each,
    /// back to back, the last possibly shorter; 0 if it is one datagram.
    std::size_t segment = 0;
  };
  /// Reads one datagram if one is waiting (never blocks). Datagrams longer than `buffer`
  /// are truncated to it and reported with their true size when the OS tells it. Not for a
  /// socket that receives coalesced (use receiveBatch there).
  std::optional<Received> tryReceive(std::span<std::uint8_t> buffer);

  /// One datagram to send with sendBatch.
  struct Outgoing {
    const SocketAddress* to = nullptr;
    std::span<const std::uint8_t> bytes;
  };
  /// Sends `datagrams` in order with as few system calls as the OS allows (one sendmmsg per
  /// up to kBatch on Linux). On Linux, a run of datagrams to one destination that are all as
  /// long as the first, but for a last one that may be shorter, goes through the kernel's
  /// network stack as one segmented send (UDP_SEGMENT); they arrive as separate datagrams,
  /// or as one read on a socket that receives coalesced (see receiveCoalesced).
  /// \return how many were sent before the first one the kernel refused; that one was not
  /// sent and the ones after it were not tried.
  std::size_t sendBatch(std::span<const Outgoing> datagrams);
  /// Whether sendBatch sends runs of equal-sized datagrams as one segmented send (false
  /// where the OS cannot, or once the kernel refused one).
  bool sendsSegments() const { return segmented_sends_; }

  /// Reads up to `buffers.size()` (at most kBatch) waiting datagrams without blocking, with
  /// one recvmmsg on Linux: datagram i into buffers[i], described by out[i] (truncated and
  /// reported as tryReceive does). With receiveCoalesced(), buffers[i] may hold a run of
  /// datagrams sent as one segmented send (out[i].segment says how to split it).
  /// \return how many reads were made; 0 if nothing was waiting.
  std::size_t receiveBatch(std::span<const std::span<std::uint8_t>> buffers,
                           std::span<Received> out);
  /// Asks the kernel to hand a run of datagrams sent as one segmented send to this socket as
  /// one read (UDP_GRO on Linux), instead of splitting it first. A buffer for receiveBatch
  /// then needs room for kMaxSegmentedSendBytes. \return whether the kernel agreed.
  bool receiveCoalesced();
  /// Most bytes sendBatch puts in one segmented send.
  static constexpr std::size_t kMaxSegmentedSendBytes = 16384;

  /// Most datagrams sendBatch and receiveBatch hand to one system call.
  static constexpr std::size_t kBatch = 64;

  /// Blocks until a datagram is waiting or `timeout` passes. \return true if readable.
  bool waitReadable(std::chrono::milliseconds timeout);

  /// The OS handle (for /proc checks in tests).
  int nativeHandle() const;

  /// Sequence numbers of the simulator's own datagrams on this socket (see World's datagram
  /// path): the last one written to it and the last one read back. Only the thread doing
  /// the network's socket I/O touches them.
  std::uint32_t own_written = 0;
  std::uint32_t own_read = 0;
  /// Scratch for the network's write pass (its group index for this socket, or kNoGroup
  /// outside a pass); only the thread doing socket I/O touches it.
  static constexpr std::uint32_t kNoGroup = 0xFFFFFFFFU;
  std::uint32_t source_group = kNoGroup;
  std::uint32_t target_group = kNoGroup;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  SocketAddress local_;
#ifdef __linux__
  bool segmented_sends_ = true;
#else
  bool segmented_sends_ = false;
#endif
  bool coalesced_receives_ = false;
};

}  // namespace steamsim::detail
