// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Configuration of a simulated network. Defaults are Steam's.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace steamsim {

/// Where time comes from.
enum class ClockMode {
  Virtual,   ///< default: single-threaded, `advance` jumps from event to event
  RealTime,  ///< the network runs on its own thread against the wall clock
};

struct NetworkConfig {
  /// Seed of every random draw; each directed link has its own stream derived from it.
  std::uint64_t seed = 1;
  ClockMode clock = ClockMode::Virtual;
  /// true: `advance`/`runUntil` deliver each peer's signals as they occur, on the calling
  /// thread. false: the game calls `runCallbacks()` itself, as with real Steam.
  bool embed_callbacks = true;

  /// TimeoutInitial: a connection still Connecting after this long fails (5003). Like every
  /// timeout here, 1..2147483647 ms (Steam's 32-bit range; `validate()` refuses more).
  std::chrono::milliseconds timeout_initial{10000};
  /// TimeoutConnected: nothing heard from the peer for this long fails the link (5003).
  std::chrono::milliseconds timeout_connected{10000};
  /// A session unused for this long is closed (1002).
  std::chrono::milliseconds idle_timeout{180000};
  /// NagleTime: how long a message waits to share a datagram.
  std::chrono::microseconds nagle{5000};
  /// Pacing rate, bytes per second (Steam's SendRateMin = SendRateMax).
  int send_rate = 262144;
  /// SendBufferSize: pending unsent bytes beyond this give LimitExceeded, bytes.
  int send_buffer = 524288;
  /// What `sendMessageToUser` returns while a failure is recorded: 35 (ConnectFailed, what
  /// Steam returns) or 3 (NoConnection, what the SDK header documents).
  int broken_session_result = 35;
  /// ConnectionInfo::info_flags reported for every connection (8 = Fast).
  int info_flags = 8;

  /// Cap on unread received bytes per peer; 0 = unbounded, like Steam's Messages session
  /// queue. When a cap is set, messages arriving beyond it are dropped and counted.
  std::size_t max_unread_bytes = 0;

  /// Address every peer's UDP socket binds to.
  std::string bind_address = "127.0.0.1";
  /// First port to bind; 0 (default) lets the kernel choose a free one for each peer.
  std::uint16_t bind_port = 0;

  /// Keep the trace's events in memory (the hash is always computed).
  bool record_trace = false;

  /// Every problem with these values, one line each naming the field; empty when valid.
  std::vector<std::string> validate() const;
};

}  // namespace steamsim
