// SPDX-License-Identifier: MIT
// SPEC §7 row R: remote peers through `steamsim serve`'s server. The server and the sender
// run in this process; the receiver is a child process attached over TCP, as a game's other
// process would be. The child is forked before any thread starts.

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <steamsim/remote.hpp>
#include <steamsim/remote/server.hpp>

#include "bench.hpp"

namespace steamsim::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr SteamId kSender = 76561198000000101ULL;
constexpr SteamId kReceiver = 76561198000000102ULL;

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

bool writeAll(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool readAll(int fd, void* data, std::size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

/// The receiving process: reads the server address from `in`, attaches, accepts, drains
/// channel 0 in batches until `in` closes, then reports how many messages it read and when
/// the first and last arrived (µs since the epoch of steady_clock; same machine).
[[noreturn]] void receiverProcess(int in, int out) {
  std::uint32_t length = 0;
  std::string address;
  if (readAll(in, &length, sizeof length)) {
    address.resize(length);
    readAll(in, address.data(), length);
  }
  std::uint64_t count = 0;
  try {
    RemoteOptions options;
    options.address = address;
    RemotePeer peer(options, kReceiver);
    peer.onSessionRequest([&peer](SteamId id) { peer.acceptSessionWithUser(id); });
    const char ready = 'r';
    writeAll(out, &ready, 1);
    for (;;) {
      peer.runCallbacks();
      const auto batch = peer.receiveMessagesOnChannel(0, 100000);
      count += batch.size();
      if (batch.empty()) {
        pollfd p{in, POLLIN, 0};
        if (::poll(&p, 1, 0) > 0) break;  // the parent closed the pipe: measurement over
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench receiver: %s\n", e.what());
  }
  writeAll(out, &count, sizeof count);
  ::_exit(0);
}

}  // namespace

RemoteFigures remoteFigures(int round_trips, std::chrono::duration<double> duration) {
  RemoteFigures f;
  int to_child[2];
  int from_child[2];
  if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) return f;
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    receiverProcess(to_child[0], from_child[1]);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);

  {
    NetworkConfig config;
    config.clock = ClockMode::RealTime;
    config.embed_callbacks = false;
    config.send_rate = 268435456;  // pacing lifted (the largest rate allowed)
    config.send_buffer = 64 << 20;
    Network network(config);
    remote::Server server(network, remote::ServerOptions{});
    server.start();
    const std::string address = server.address();
    const auto length = static_cast<std::uint32_t>(address.size());
    writeAll(to_child[1], &length, sizeof length);
    writeAll(to_child[1], address.data(), address.size());
    char ready = 0;
    readAll(from_child[0], &ready, 1);

    RemoteOptions options;
    options.address = address;
    RemotePeer sender(options, kSender);

    // Round trips: one API call (a session-info query) at a time.
    std::vector<double> samples;
    samples.reserve(static_cast<std::size_t>(round_trips));
    for (int i = 0; i < round_trips; ++i) {
      const auto t0 = Clock::now();
      (void)sender.getSessionConnectionInfo(kReceiver, false, false);
      samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    std::sort(samples.begin(), samples.end());
    if (!samples.empty()) {
      f.round_trip_p50_us = samples[samples.size() / 2];
      f.round_trip_p99_us = samples[samples.size() * 99 / 100];
    }

    // Throughput: batches of 64-byte unreliable messages, the receiver draining in batches.
    const std::vector<std::uint8_t> payload(64, 0x5A);
    std::vector<remote::OutgoingMessage> batch(
        512, remote::OutgoingMessage{kReceiver, payload, NETWORKING_SEND_UNRELIABLE, 0});
    // The session is opened by a reliable message, counted like the others.
    if (sender.sendMessageToUser(kReceiver, payload, NETWORKING_SEND_RELIABLE, 0) == Result::OK) {
      ++f.sent;
    }
    const auto start = Clock::now();
    const auto end = start + std::chrono::duration_cast<Clock::duration>(duration);
    while (Clock::now() < end) {
      for (Result r : sender.sendMessagesToUser(batch)) {
        if (r == Result::OK) ++f.sent;
      }
    }
    f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    ::close(to_child[1]);  // tells the receiver to stop
    readAll(from_child[0], &f.received, sizeof f.received);
    ::close(from_child[0]);
    server.stop();
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  f.messages_per_s = f.seconds > 0 ? static_cast<double>(f.received) / f.seconds : 0.0;
  return f;
}

std::vector<Row> remoteRows(const Options& options) {
  using namespace std::chrono_literals;
  const RemoteFigures f = remoteFigures(options.quick ? 200 : 20000, options.quick ? 0.3s : 3s);
  std::vector<Row> rows;
  rows.push_back({"R-rtt50", "API round trip through steamsim serve (TCP loopback)",
                  f.round_trip_p50_us, "us", 0.0, "", "<= 25 us", true, f.round_trip_p50_us <= 25.0,
                  "p99 " + fixed(f.round_trip_p99_us, 1) + " us"});
  rows.push_back({"R-msgs", "64 B between two attached processes, pacing lifted, batches",
                  f.messages_per_s, "msg/s", 0.0, "", ">= 200000 msg/s", true,
                  f.messages_per_s >= 200000.0,
                  std::to_string(f.sent) + " sent OK, " + std::to_string(f.received) +
                      " read by the other process (unreliable: the rest dropped under overload)"});
  return rows;
}

}  // namespace steamsim::bench
