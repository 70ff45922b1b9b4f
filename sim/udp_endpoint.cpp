// SPDX-License-Identifier: MIT
// A peer's real UDP socket. OS-specific bits (buffer forcing, poll, Windows' connection-reset
// quirk, the POSIX send/receive fast path) sit in the small functions at the top.
//
// One descriptor per socket, and nothing watching it: on POSIX the socket is a plain
// non-blocking descriptor. Registering it with a reactor (as an Asio socket is) would make
// the kernel notify an epoll set, which nobody waits on here, for every datagram queued to
// or sent from it. On Windows it is an Asio socket on one process-wide io_context that is
// never run. All I/O here is synchronous and non-blocking.

#include "udp_endpoint.hpp"

#include <algorithm>
#include <array>
#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/udp.hpp>
#include <cerrno>
#include <climits>
#include <system_error>

#ifdef _WIN32
#include <winsock2.h>
// mstcpip.h needs winsock2.h first.
#include <mstcpip.h>
#else
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <fcntl.h>

#include <cstring>
#endif

namespace steamsim::detail {
namespace {

using Udp = asio::ip::udp;
using NativeHandle = Udp::socket::native_handle_type;

/// Kernel buffer size we ask for on both directions.
constexpr int kSocketBufferBytes = 4 * 1024 * 1024;

/// Linux caps SO_RCVBUF/SO_SNDBUF at rmem_max/wmem_max; root may exceed them with the
/// *FORCE variants. Best effort: failures are ignored.
void forceBufferSizes([[maybe_unused]] NativeHandle fd) {
#ifdef __linux__
  if (::geteuid() != 0) return;
  const int size = kSocketBufferBytes;
  (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
  (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
#endif
}

#ifdef __linux__
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103  // Linux 4.18; older headers lack the name
#endif
#ifndef UDP_GRO
#define UDP_GRO 104  // Linux 5.0
#endif
/// The kernel's most segments in one segmented send (UDP_MAX_SEGMENTS).
constexpr std::size_t kMaxSegmentsPerSend = 64;

/// The control message that makes one send several datagrams of `segment` bytes each (the
/// last may be shorter).
struct SegmentControl {
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(std::uint16_t))> buffer;
  void describe(msghdr& message, std::size_t segment) {
    buffer.fill(0);
    message.msg_control = buffer.data();
    message.msg_controllen = buffer.size();
    cmsghdr* c = CMSG_FIRSTHDR(&message);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
    const auto size = static_cast<std::uint16_t>(segment);
    std::memcpy(CMSG_DATA(c), &size, sizeof size);
  }
};

/// Room for the control message that says a read holds several datagrams of one size.
struct SegmentSizeControl {
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> buffer;
  /// The segment size the read's control messages give; 0 if none (one datagram).
  static std::size_t read(msghdr& message) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
          c->cmsg_len >= CMSG_LEN(sizeof(int))) {
        int size = 0;
        std::memcpy(&size, CMSG_DATA(c), sizeof size);
        return size > 0 ? static_cast<std::size_t>(size) : 0;
      }
    }
    return 0;
  }
};
#endif

/// Windows reports an earlier send's ICMP "port unreachable" as a receive error on UDP
/// sockets; switch that off so a closed peer cannot disturb the others.
#ifdef _WIN32
void disableConnectionResetReports(NativeHandle fd) {
#ifndef SIO_UDP_CONNRESET
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif
  BOOL report = FALSE;
  DWORD returned = 0;
  (void)::WSAIoctl(fd, SIO_UDP_CONNRESET, &report, sizeof(report), nullptr, 0, &returned, nullptr,
                   nullptr);
}
#endif

/// Flags for receive: on Linux MSG_TRUNC makes recv report a datagram's full length even
/// when it was cut to the buffer.
constexpr asio::socket_base::message_flags receiveFlags() {
#ifdef __linux__
  return MSG_TRUNC;
#else
  return 0;
#endif
}

/// Waits for the socket to become readable. \return true if readable.
bool pollReadable(NativeHandle fd, int timeout_ms) {
#ifdef _WIN32
  WSAPOLLFD entry{};
  entry.fd = fd;
  entry.events = POLLRDNORM;
  const int result = ::WSAPoll(&entry, 1, timeout_ms);
  return result > 0 && (entry.revents & (POLLRDNORM | POLLERR | POLLHUP)) != 0;
#else
  pollfd entry{};
  entry.fd = fd;
  entry.events = POLLIN;
  int result = 0;
  do {
    result = ::poll(&entry, 1, timeout_ms);
  } while (result < 0 && errno == EINTR);
  return result > 0 && (entry.revents & (POLLIN | POLLERR)) != 0;
#endif
}

SocketAddress toSocketAddress(const Udp::endpoint& endpoint) {
  SocketAddress out;
  out.port = endpoint.port();
  const asio::ip::address address = endpoint.address();
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    std::copy(bytes.begin(), bytes.end(), out.ip.begin());
  } else {
    out.v6 = true;
    out.ip = address.to_v6().to_bytes();
  }
  return out;
}

asio::ip::address toAsioAddress(const SocketAddress& address) {
  if (address.v6) return asio::ip::address_v6(address.ip);
  asio::ip::address_v4::bytes_type bytes{};
  std::copy_n(address.ip.begin(), bytes.size(), bytes.begin());
  return asio::ip::address_v4(bytes);
}

[[noreturn]] void throwBindError(const std::error_code& ec, const std::string& address,
                                 std::uint16_t port) {
  throw std::system_error(
      ec, "steamsim: cannot bind UDP socket to " + address + ":" + std::to_string(port));
}

#ifdef _WIN32
/// The io_context every socket is opened on. Never destroyed: sockets of a Network held in
/// a static may close after static destructors have run.
asio::io_context& sharedContext() {
  static asio::io_context* const context = new asio::io_context(1);
  return *context;
}
#endif

#ifndef _WIN32
/// POSIX fast path: the native address of `address` (no asio endpoint conversions).
socklen_t toNative(const SocketAddress& address, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (address.v6) {
    auto& a = reinterpret_cast<sockaddr_in6&>(out);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(address.port);
    std::memcpy(&a.sin6_addr, address.ip.data(), 16);
    return sizeof(sockaddr_in6);
  }
  auto& a = reinterpret_cast<sockaddr_in&>(out);
  a.sin_family = AF_INET;
  a.sin_port = htons(address.port);
  std::memcpy(&a.sin_addr, address.ip.data(), 4);
  return sizeof(sockaddr_in);
}

bool fromNative(const sockaddr_storage& in, SocketAddress& out) {
  if (in.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(in);
    out = SocketAddress{};
    out.port = ntohs(a.sin_port);
    std::memcpy(out.ip.data(), &a.sin_addr, 4);
    return true;
  }
  if (in.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(in);
    out = SocketAddress{};
    out.v6 = true;
    out.port = ntohs(a.sin6_port);
    std::memcpy(out.ip.data(), &a.sin6_addr, 16);
    return true;
  }
  return false;
}
#endif

#ifdef _WIN32
bool isTransientReceiveError(const std::error_code& ec) {
  // An ICMP error for an earlier send (where the OS reports it): not about this datagram.
  return ec == asio::error::connection_refused || ec == asio::error::connection_reset;
}
#endif

}  // namespace

std::string SocketAddress::ipString() const {
  return toAsioAddress(*this).to_string();
}

std::string SocketAddress::toString() const {
  const std::string ip_text = ipString();
  return (v6 ? "[" + ip_text + "]" : ip_text) + ":" + std::to_string(port);
}

struct UdpEndpoint::Impl {
#ifdef _WIN32
  Udp::socket socket{sharedContext()};
  NativeHandle handle() {
    return socket.native_handle();
  }
#else
  int fd = -1;
  NativeHandle handle() const {
    return fd;
  }
  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (fd >= 0) (void)::close(fd);
  }
#endif
};

UdpEndpoint::UdpEndpoint(const std::string& address, std::uint16_t port)
    : impl_(std::make_unique<Impl>()) {
  std::error_code ec;
  const asio::ip::address ip = asio::ip::make_address(address, ec);
  if (ec) throwBindError(ec, address, port);
#ifdef _WIN32
  const Udp::endpoint endpoint(ip, port);
  Udp::socket& socket = impl_->socket;
  socket.open(endpoint.protocol(), ec);
  if (!ec) socket.bind(endpoint, ec);
  if (!ec) socket.non_blocking(true, ec);
  if (ec) throwBindError(ec, address, port);  // the socket closes with impl_
  std::error_code ignored;
  socket.set_option(asio::socket_base::receive_buffer_size(kSocketBufferBytes), ignored);
  socket.set_option(asio::socket_base::send_buffer_size(kSocketBufferBytes), ignored);
  disableConnectionResetReports(impl_->handle());
  const Udp::endpoint bound = socket.local_endpoint(ec);
  if (ec) throwBindError(ec, address, port);
  local_ = toSocketAddress(bound);
#else
  // errno is read before anything else can change it; the descriptor closes with impl_.
  const auto fail = [&] {
    throwBindError(std::error_code(errno, std::system_category()), address, port);
  };
  sockaddr_storage wanted{};
  const socklen_t wanted_size = toNative(toSocketAddress(Udp::endpoint(ip, port)), wanted);
  int type = SOCK_DGRAM;
#ifdef SOCK_CLOEXEC
  type |= SOCK_CLOEXEC;  // a process the application starts does not inherit peers' sockets
#endif
  impl_->fd = ::socket(wanted.ss_family, type, 0);
  if (impl_->fd < 0) fail();
  const int fd = impl_->fd;
  const int flags = ::fcntl(fd, F_GETFL, 0);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) fail();
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&wanted), wanted_size) < 0) fail();
  const int size = kSocketBufferBytes;  // best effort, capped by the system's maximum
  (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
  forceBufferSizes(fd);
  sockaddr_storage bound{};
  socklen_t bound_size = sizeof bound;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_size) < 0) fail();
  if (!fromNative(bound, local_)) {
    errno = EAFNOSUPPORT;
    fail();
  }
#endif
}

UdpEndpoint::~UdpEndpoint() = default;

bool UdpEndpoint::sendTo(const SocketAddress& destination, std::span<const std::uint8_t> datagram) {
#ifndef _WIN32
  sockaddr_storage to{};
  const socklen_t to_size = toNative(destination, to);
  ssize_t sent = 0;
  do {
    sent = ::sendto(impl_->handle(), datagram.data(), datagram.size(), 0,
                    reinterpret_cast<const sockaddr*>(&to), to_size);
  } while (sent < 0 && errno == EINTR);
  return sent == static_cast<ssize_t>(datagram.size());
#else
  std::error_code ec;
  const Udp::endpoint endpoint(toAsioAddress(destination), destination.port);
  const std::size_t sent =
      impl_->socket.send_to(asio::buffer(datagram.data(), datagram.size()), endpoint, 0, ec);
  return !ec && sent == datagram.size();
#endif
}

std::optional<UdpEndpoint::Received> UdpEndpoint::tryReceive(std::span<std::uint8_t> buffer) {
  // Bounded: skip a few stale ICMP reports, never spin.
  constexpr int kMaxAttempts = 8;
#ifndef _WIN32
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    sockaddr_storage from{};
    socklen_t from_size = sizeof from;
    const ssize_t size = ::recvfrom(impl_->handle(), buffer.data(), buffer.size(), receiveFlags(),
                                    reinterpret_cast<sockaddr*>(&from), &from_size);
    if (size >= 0) {
      Received received{static_cast<std::size_t>(size), {}};
      if (fromNative(from, received.from)) return received;
      continue;  // not an IP datagram: cannot be ours
    }
    if (errno != EINTR && errno != ECONNREFUSED && errno != ECONNRESET) return std::nullopt;
  }
  return std::nullopt;
#else
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    std::error_code ec;
    Udp::endpoint sender;
    const std::size_t size = impl_->socket.receive_from(asio::buffer(buffer.data(), buffer.size()),
                                                        sender, receiveFlags(), ec);
    if (!ec) return Received{size, toSocketAddress(sender)};
    if (!isTransientReceiveError(ec)) return std::nullopt;  // would_block or a real error
  }
  return std::nullopt;
#endif
}

#ifdef __linux__
namespace {

/// How many of `datagrams` (from the first) go to one destination as one segmented send:
/// the same destination, every one but the last exactly as long as the first and the last
/// no longer, within the kernel's limits on segments and bytes per send.
std::size_t segmentRun(std::span<const UdpEndpoint::Outgoing> datagrams) {
  const std::size_t segment = datagrams[0].bytes.size();
  std::size_t n = 1;
  std::size_t total = segment;
  while (n < datagrams.size() && n < kMaxSegmentsPerSend) {
    const UdpEndpoint::Outgoing& next = datagrams[n];
    if (!(*next.to == *datagrams[0].to) || next.bytes.size() > segment ||
        total + next.bytes.size() > UdpEndpoint::kMaxSegmentedSendBytes) {
      break;
    }
    total += next.bytes.size();
    ++n;
    if (next.bytes.size() < segment) break;  // a shorter one ends the run
  }
  return n;
}

}  // namespace
#endif

std::size_t UdpEndpoint::sendBatch(std::span<const Outgoing> datagrams) {
#ifdef __linux__
  // One message per datagram, or per run of datagrams the kernel can send as one segmented
  // datagram (UDP_SEGMENT): it goes through the stack once, and is split into the datagrams
  // again by the receiving socket, or by its reader if that socket receives coalesced.
  std::size_t done = 0;
  while (done < datagrams.size()) {
    // Only the entries used are set up (no clearing of the rest).
    std::array<sockaddr_storage, kBatch> to;      // NOLINT(cppcoreguidelines-pro-type-member-init)
    std::array<iovec, kBatch> iov;                // NOLINT(cppcoreguidelines-pro-type-member-init)
    std::array<mmsghdr, kBatch> headers;          // NOLINT(cppcoreguidelines-pro-type-member-init)
    std::array<SegmentControl, kBatch> controls;  // NOLINT(cppcoreguidelines-pro-type-member-init)
    std::array<std::size_t, kBatch> counts;       // NOLINT(cppcoreguidelines-pro-type-member-init)
    std::array<std::size_t, kBatch> bytes;        // NOLINT(cppcoreguidelines-pro-type-member-init)
    std::size_t messages = 0;
    std::size_t used = 0;  // iovecs
    for (std::size_t at = done; at < datagrams.size() && used < kBatch;) {
      std::size_t n = 1;
      if (segmented_sends_) n = std::min(segmentRun(datagrams.subspan(at)), kBatch - used);
      mmsghdr& h = headers[messages];
      h.msg_hdr = msghdr{};
      bytes[messages] = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const Outgoing& d = datagrams[at + i];
        iov[used + i].iov_base = const_cast<std::uint8_t*>(d.bytes.data());
        iov[used + i].iov_len = d.bytes.size();
        bytes[messages] += d.bytes.size();
      }
      h.msg_hdr.msg_name = &to[messages];
      h.msg_hdr.msg_namelen = toNative(*datagrams[at].to, to[messages]);
      h.msg_hdr.msg_iov = &iov[used];
      h.msg_hdr.msg_iovlen = n;
      if (n > 1) controls[messages].describe(h.msg_hdr, datagrams[at].bytes.size());
      counts[messages] = n;
      ++messages;
      used += n;
      at += n;
    }
    int sent = 0;
    do {
      sent = ::sendmmsg(impl_->handle(), headers.data(), static_cast<unsigned>(messages), 0);
    } while (sent < 0 && errno == EINTR);
    if (sent <= 0) {
      // A kernel without segmented sends refuses them outright: send one by one from now.
      if (sent < 0 && counts[0] > 1 &&
          (errno == EINVAL || errno == EIO || errno == ENOPROTOOPT || errno == EOPNOTSUPP)) {
        segmented_sends_ = false;
        continue;
      }
      return done;
    }
    for (int m = 0; m < sent; ++m) {  // a message is sent whole or not at all
      const auto k = static_cast<std::size_t>(m);
      if (headers[k].msg_len != bytes[k]) return done;
      done += counts[k];
    }
    if (static_cast<std::size_t>(sent) < messages) return done;
  }
  return done;
#else
  for (std::size_t i = 0; i < datagrams.size(); ++i) {
    if (!sendTo(*datagrams[i].to, datagrams[i].bytes)) return i;
  }
  return datagrams.size();
#endif
}

std::size_t UdpEndpoint::receiveBatch(std::span<const std::span<std::uint8_t>> buffers,
                                      std::span<Received> out) {
  const std::size_t capacity = std::min({buffers.size(), out.size(), kBatch});
#ifdef __linux__
  // Bounded: skip a few stale ICMP reports, never spin.
  constexpr int kMaxAttempts = 8;
  // Only the first `capacity` entries are set up and used (no clearing of the rest).
  std::array<sockaddr_storage, kBatch> from;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::array<iovec, kBatch> iov;              // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::array<mmsghdr, kBatch> headers;        // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::array<SegmentSizeControl, kBatch>
      controls;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    for (std::size_t i = 0; i < capacity; ++i) {
      iov[i].iov_base = buffers[i].data();
      iov[i].iov_len = buffers[i].size();
      headers[i].msg_hdr = msghdr{};
      headers[i].msg_hdr.msg_name = &from[i];
      headers[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      headers[i].msg_hdr.msg_iov = &iov[i];
      headers[i].msg_hdr.msg_iovlen = 1;
      if (coalesced_receives_) {
        headers[i].msg_hdr.msg_control = controls[i].buffer.data();
        headers[i].msg_hdr.msg_controllen = controls[i].buffer.size();
      }
    }
    const int got = ::recvmmsg(impl_->handle(), headers.data(), static_cast<unsigned>(capacity),
                               MSG_DONTWAIT | receiveFlags(), nullptr);
    if (got < 0) {
      if (errno != EINTR && errno != ECONNREFUSED && errno != ECONNRESET) return 0;
      continue;
    }
    // Keep the IP datagrams (anything else cannot be ours), moved down over skipped ones.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(got); ++i) {
      Received received{headers[i].msg_len, {}, 0};
      if (!fromNative(from[i], received.from)) continue;
      if (coalesced_receives_) received.segment = SegmentSizeControl::read(headers[i].msg_hdr);
      if (kept != i) {
        const std::size_t size = std::min<std::size_t>(received.size, buffers[i].size());
        std::copy_n(buffers[i].begin(), size, buffers[kept].begin());
      }
      out[kept++] = received;
    }
    if (kept > 0 || got == 0) return kept;
  }
  return 0;
#else
  std::size_t n = 0;
  while (n < capacity) {
    const auto received = tryReceive(buffers[n]);
    if (!received) break;
    out[n++] = *received;
  }
  return n;
#endif
}

bool UdpEndpoint::receiveCoalesced() {
#ifdef __linux__
  const int on = 1;
  coalesced_receives_ = ::setsockopt(impl_->handle(), SOL_UDP, UDP_GRO, &on, sizeof on) == 0;
#endif
  return coalesced_receives_;
}

bool UdpEndpoint::waitReadable(std::chrono::milliseconds timeout) {
  const auto ms = std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, INT_MAX);
  return pollReadable(impl_->handle(), static_cast<int>(ms));
}

int UdpEndpoint::nativeHandle() const {
  return static_cast<int>(impl_->handle());
}

}  // namespace steamsim::detail
