// SPDX-License-Identifier: MIT
// Raw-UDP baselines with plain POSIX sockets: one thread, 127.0.0.1, 64-byte datagrams.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <poll.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench.hpp"

namespace steamsim::bench {
namespace {

constexpr std::size_t kDatagram = 64;

/// A blocking UDP socket bound to 127.0.0.1:0.
class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("bind() failed");
    }
    socklen_t len = sizeof addr_;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr_), &len);
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void sendTo(const Socket& to, const std::array<std::uint8_t, kDatagram>& data) const {
    (void)::sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<const sockaddr*>(&to.addr_),
                   sizeof to.addr_);
  }
  int fd() const { return fd_; }
  void receive(std::array<std::uint8_t, 2048>& buffer) const {
    (void)::recv(fd_, buffer.data(), buffer.size(), 0);
  }

 private:
  int fd_;
  sockaddr_in addr_{};
};

}  // namespace

double rawUdpThroughput(std::chrono::duration<double> duration) {
  Socket a;
  Socket b;
  std::array<std::uint8_t, kDatagram> out{};
  std::array<std::uint8_t, 2048> in{};
  std::uint64_t count = 0;
  const double start = wallSeconds();
  double now = start;
  while (now - start < duration.count()) {
    for (int i = 0; i < 256; ++i) {
      out[0] = static_cast<std::uint8_t>(count);
      a.sendTo(b, out);
      b.receive(in);
      ++count;
    }
    now = wallSeconds();
  }
  return static_cast<double>(count) / (now - start);
}

void rawUdpLatency(int samples, RawUdp& out) {
  Socket a;
  Socket b;
  std::array<std::uint8_t, kDatagram> data{};
  std::array<std::uint8_t, 2048> in{};
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(samples));
  for (int i = 0; i < samples; ++i) {
    const double t0 = wallSeconds();
    a.sendTo(b, data);
    b.receive(in);
    us.push_back((wallSeconds() - t0) * 1e6);
  }
  std::sort(us.begin(), us.end());
  out.p50_us = us[us.size() / 2];
  out.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
}

void rawUdpThreadedLatency(int samples, RawUdp& out) {
  Socket a;
  Socket b;
  std::atomic<int> received{0};
  std::thread receiver([&] {
    std::array<std::uint8_t, 2048> in{};
    for (;;) {
      pollfd p{b.fd(), POLLIN, 0};
      (void)::poll(&p, 1, -1);
      b.receive(in);
      if (in[0] == 1) return;
      received.fetch_add(1, std::memory_order_release);
    }
  });
  std::array<std::uint8_t, kDatagram> data{};
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(samples));
  for (int i = 0; i < samples; ++i) {
    const int before = received.load(std::memory_order_acquire);
    const double t0 = wallSeconds();
    a.sendTo(b, data);
    while (received.load(std::memory_order_acquire) == before) std::this_thread::yield();
    us.push_back((wallSeconds() - t0) * 1e6);
  }
  data[0] = 1;
  a.sendTo(b, data);
  receiver.join();
  std::sort(us.begin(), us.end());
  out.threaded_p50_us = us[us.size() / 2];
  out.threaded_p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
}

}  // namespace steamsim::bench
