// P1/P2/P6 (throughput with pacing lifted) and P5 (one-way latency), two RealTime peers.

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bench.hpp"

namespace steamsim::bench {
namespace {

using namespace std::chrono_literals;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;
constexpr int kPacingLifted = 268435456;  // NetworkConfig's maximum send_rate

/// Both peers greet each other (no session request, B5) and wait until Connected.
void connect(Network& net, Peer& a, Peer& b) {
  (void)a.sendMessageToUser(kB, std::string_view("hello"), NETWORKING_SEND_RELIABLE, 0);
  (void)b.sendMessageToUser(kA, std::string_view("hello"), NETWORKING_SEND_RELIABLE, 0);
  const bool ok = net.runUntil(
      [&] {
        return a.getSessionConnectionInfo(kB, false, false).connection_state ==
                   ConnectionState::Connected &&
               b.getSessionConnectionInfo(kA, false, false).connection_state ==
                   ConnectionState::Connected;
      },
      5s);
  if (!ok) throw std::runtime_error("peers did not connect");
  net.advance(20ms);
  (void)a.receiveMessagesOnChannel(0, 16);
  (void)b.receiveMessagesOnChannel(0, 16);
}

NetworkConfig realTimeConfig() {
  NetworkConfig config;
  config.clock = ClockMode::RealTime;
  config.send_rate = kPacingLifted;
  config.send_buffer = 1 << 20;  // 1 MiB: ~16k 64-byte messages in flight
  return config;
}

}  // namespace

Throughput realTimeThroughput(int flags, std::chrono::duration<double> duration,
                              std::uint64_t messages) {
  Network net(realTimeConfig());
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  connect(net, a, b);
  const std::vector<std::uint8_t> message(64, 0x5A);
  const std::span<const std::uint8_t> data(message);
  Throughput t;
  auto pump = [&] {
    // Keep the queue full: send until the send buffer refuses, then collect what arrived.
    for (int i = 0; i < 4096; ++i) {
      if (a.sendMessageToUser(kB, data, flags, 0) != Result::OK) break;
      ++t.sent;
    }
    std::size_t got = 0;
    for (;;) {
      const std::size_t n = b.receiveMessagesOnChannel(0, 1024).size();
      got += n;
      if (n < 1024) break;
    }
    if (got == 0) std::this_thread::yield();
    return got;
  };
  const double warm_end = wallSeconds() + std::min(0.2, duration.count() / 4);
  while (wallSeconds() < warm_end) (void)pump();
  const double start = wallSeconds();
  const double cpu0 = processCpuSeconds();
  const std::uint64_t datagrams0 = net.counters().datagrams;
  double now = start;
  while (messages != 0 ? t.received < messages : now - start < duration.count()) {
    t.received += pump();
    now = wallSeconds();
  }
  t.messages_per_s = static_cast<double>(t.received) / (now - start);
  const double cpu = processCpuSeconds() - cpu0;
  t.cpu_cores = cpu / (now - start);
  t.cpu_us_per_msg = t.received != 0 ? cpu * 1e6 / static_cast<double>(t.received) : 0.0;
  t.datagrams_per_s = static_cast<double>(net.counters().datagrams - datagrams0) / (now - start);
  return t;
}

Latency realTimeLatency(int samples) {
  NetworkConfig config = realTimeConfig();
  Network net(config);
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  connect(net, a, b);
  const std::vector<std::uint8_t> message(64, 0x33);
  const std::span<const std::uint8_t> data(message);
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(samples));
  for (int i = 0; i < samples + 20; ++i) {  // the first 20 warm up
    const double t0 = wallSeconds();
    if (a.sendMessageToUser(kB, data, NETWORKING_SEND_UNRELIABLE_NO_NAGLE, 0) != Result::OK) {
      throw std::runtime_error("send failed");
    }
    double t1 = t0;
    for (;;) {
      const std::size_t got = b.receiveMessagesOnChannel(0, 4).size();
      t1 = wallSeconds();
      if (got > 0) break;
      if (t1 - t0 > 1.0) break;   // lost (should not happen on loopback): count as 1 s
      std::this_thread::yield();  // a spinning poller would starve the network thread
    }
    if (i >= 20) us.push_back((t1 - t0) * 1e6);
  }
  std::sort(us.begin(), us.end());
  Latency l;
  l.p50_us = us[us.size() / 2];
  l.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  l.max_us = us.back();
  const auto slow = std::count_if(us.begin(), us.end(), [](double v) { return v > 1000.0; });
  l.over_1ms_pct = 100.0 * static_cast<double>(slow) / static_cast<double>(us.size());
  return l;
}

}  // namespace steamsim::bench
