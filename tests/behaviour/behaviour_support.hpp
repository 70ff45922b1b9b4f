// SPDX-License-Identifier: MIT
#pragma once
// Helpers shared by the behaviour tests: a small simulated world with two peers, payloads
// carrying sequence numbers, a recorder of signals, and polling helpers. Public API only.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <steamsim/steamsim.hpp>

namespace steamsim::behaviour {

using namespace std::chrono_literals;

inline constexpr SteamId kA = 76561198000000001ULL;
inline constexpr SteamId kB = 76561198000000002ULL;
inline constexpr SteamId kC = 76561198000000003ULL;
/// A Steam ID no peer of the network owns.
inline constexpr SteamId kNobody = 76561198000000099ULL;

inline constexpr std::int64_t kUsPerMs = 1000;
inline constexpr std::int64_t kUsPerS = 1000000;

/// Bytes of a text.
inline std::vector<std::uint8_t> bytesOf(std::string_view text) {
  return {text.begin(), text.end()};
}

/// A payload of `size` bytes (at least 4): `seq` little-endian in the first four bytes, then a
/// pattern derived from `seq`, so a corrupted or mixed-up payload is detected.
inline std::vector<std::uint8_t> seqPayload(std::uint32_t seq, std::size_t size) {
  std::vector<std::uint8_t> payload(std::max<std::size_t>(size, 4));
  for (std::size_t i = 0; i < 4; ++i) {
    payload[i] = static_cast<std::uint8_t>((seq >> (8U * i)) & 0xFFU);
  }
  for (std::size_t i = 4; i < payload.size(); ++i) {
    payload[i] = static_cast<std::uint8_t>((seq * 131U + static_cast<std::uint32_t>(i)) & 0xFFU);
  }
  return payload;
}

/// The sequence number `seqPayload` put in `message` (0 if it is too short).
inline std::uint32_t seqOf(const Message& message) {
  if (message.payload.size() < 4) return 0;
  std::uint32_t seq = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    seq |= static_cast<std::uint32_t>(message.payload[i]) << (8U * i);
  }
  return seq;
}

/// true if `message` is exactly `seqPayload(seqOf(message), expected_size)`.
inline bool intact(const Message& message, std::size_t expected_size) {
  return message.payload == seqPayload(seqOf(message), expected_size) &&
         message.size == static_cast<int>(expected_size);
}

/// Link conditions built field by field.
struct Link {
  LinkConditions c;
  Link& loss(double pct) {
    c.loss_pct = pct;
    return *this;
  }
  Link& latency(double ms) {
    c.latency_ms = ms;
    return *this;
  }
  Link& jitter(double ms) {
    c.jitter_ms = ms;
    return *this;
  }
  Link& reorder(double pct, double ms) {
    c.reorder_pct = pct;
    c.reorder_ms = ms;
    return *this;
  }
  Link& duplicate(double pct, double ms) {
    c.duplicate_pct = pct;
    c.duplicate_ms = ms;
    return *this;
  }
  Link& down() {
    c.down = true;
    return *this;
  }
  operator LinkConditions() const { return c; }  // NOLINT(google-explicit-constructor)
};

/// Records one peer's signals with the virtual time they were delivered.
struct SignalLog {
  struct Request {
    SteamId remote = 0;
    std::int64_t at_us = 0;
  };
  struct Failure {
    int reason = 0;
    SteamId remote = 0;
    ConnectionState state = ConnectionState::None;
    std::string debug;
    std::int64_t at_us = 0;
  };

  std::vector<Request> requests;
  std::vector<Failure> failures;
  /// Every signal in delivery order: "request <id>" or "failed <id> <reason> <state>".
  std::vector<std::string> sequence;
  /// Accept every session request from inside the handler.
  bool auto_accept = false;
  /// Results of those accepts.
  std::vector<bool> accept_results;

  void attach(Network& net, Peer& peer) {
    peer.onSessionRequest([this, &net, &peer](SteamId remote) {
      requests.push_back({remote, net.now().count()});
      sequence.push_back("request " + std::to_string(remote));
      if (auto_accept) accept_results.push_back(peer.acceptSessionWithUser(remote));
    });
    peer.onSessionFailed([this, &net](const SessionFailed& failed) {
      failures.push_back({failed.reason, failed.remote_steam_id, failed.connection_state,
                          failed.debug_message, net.now().count()});
      sequence.push_back("failed " + std::to_string(failed.remote_steam_id) + " " +
                         std::to_string(failed.reason) + " " +
                         std::to_string(static_cast<int>(failed.connection_state)));
    });
  }
};

/// Session state `peer` reports for `remote`.
inline ConnectionState stateOf(Peer& peer, SteamId remote) {
  return peer.getSessionConnectionInfo(remote, false, false).connection_state;
}

/// Connection info `peer` reports for `remote` (always present when requested).
inline ConnectionInfo infoOf(Peer& peer, SteamId remote) {
  return peer.getSessionConnectionInfo(remote, true, false).connection.value_or(ConnectionInfo{});
}

/// Real-time status `peer` reports for `remote` (always present when requested).
inline RealTimeStatus statusOf(Peer& peer, SteamId remote) {
  return peer.getSessionConnectionInfo(remote, false, true).status.value_or(RealTimeStatus{});
}

/// Every message waiting on `channel`, in queue order.
inline std::vector<Message> drain(Peer& peer, int channel) {
  std::vector<Message> all;
  for (;;) {
    std::vector<Message> batch = peer.receiveMessagesOnChannel(channel, 256);
    if (batch.empty()) break;
    for (Message& m : batch) all.push_back(std::move(m));
  }
  return all;
}

/// Sends a byte vector.
inline Result send(Peer& peer, SteamId to, const std::vector<std::uint8_t>& data, int flags,
                   int channel = 0) {
  return peer.sendMessageToUser(to, std::span<const std::uint8_t>(data.data(), data.size()), flags,
                                channel);
}

/// Collects messages from some channels of one peer as the test polls.
struct Inbox {
  Peer* peer = nullptr;
  std::vector<int> channels;
  std::vector<Message> got;

  Inbox(Peer& p, std::vector<int> chans) : peer(&p), channels(std::move(chans)) {}
  void poll() {
    for (int channel : channels) {
      for (Message& m : drain(*peer, channel)) got.push_back(std::move(m));
    }
  }
  /// Runs `net` until at least `count` messages arrived or `timeout` passed.
  bool waitFor(Network& net, std::size_t count, std::chrono::microseconds timeout) {
    return net.runUntil(
        [&] {
          poll();
          return got.size() >= count;
        },
        timeout);
  }
};

/// Two peers, A and B, on a network with `config`, each with a signal log.
class Sim {
 public:
  explicit Sim(NetworkConfig config = {}) : net(config), a(net.addPeer(kA)), b(net.addPeer(kB)) {
    log_a.attach(net, a);
    log_b.attach(net, b);
  }
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  Network net;
  Peer& a;
  Peer& b;
  SignalLog log_a;
  SignalLog log_b;

  /// Virtual time, µs.
  std::int64_t nowUs() const { return net.now().count(); }

  /// Adds a peer with its own log (the log must outlive the network's use of it).
  Peer& addPeer(SteamId id, SignalLog& log) {
    Peer& peer = net.addPeer(id);
    log.attach(net, peer);
    return peer;
  }

  /// A sends "hello" (reliable, channel 0) to `to`, whose log accepts; runs until both sides
  /// are Connected and the hello has arrived (and is drained). \return false on timeout.
  bool connect(Peer& from, Peer& to, SignalLog& to_log) {
    to_log.auto_accept = true;
    if (from.sendMessageToUser(to.steamId(), std::string_view("hello"), NETWORKING_SEND_RELIABLE,
                               0) != Result::OK) {
      return false;
    }
    std::size_t got = 0;
    const bool ok = net.runUntil(
        [&] {
          got += drain(to, 0).size();
          return got > 0 && stateOf(from, to.steamId()) == ConnectionState::Connected &&
                 stateOf(to, from.steamId()) == ConnectionState::Connected;
        },
        5s);
    return ok;
  }
  bool connect() { return connect(a, b, log_b); }

  /// Runs until `peer`'s session with `remote` is no longer `state`. \return the virtual time
  /// it took, µs, or -1 if it did not happen within `timeout`.
  std::int64_t timeUntilLeaves(Peer& peer, SteamId remote, ConnectionState state,
                               std::chrono::microseconds timeout) {
    const std::int64_t start = nowUs();
    if (!net.runUntil([&] { return stateOf(peer, remote) != state; }, timeout)) return -1;
    return nowUs() - start;
  }

  /// Advances in `step`s for `duration`, polling `inbox` after each step.
  void runPolling(Inbox& inbox, std::chrono::microseconds duration,
                  std::chrono::microseconds step = 10ms) {
    const std::int64_t end = nowUs() + duration.count();
    while (nowUs() < end) {
      net.advance(
          std::min<std::chrono::microseconds>(step, std::chrono::microseconds(end - nowUs())));
      inbox.poll();
    }
  }

  /// Schedules `action` every `period` from now + `period` for `count` times.
  void every(std::chrono::microseconds period, int count, std::function<void()> action) {
    const std::int64_t start = nowUs();
    for (int i = 1; i <= count; ++i) {
      net.schedule(std::chrono::microseconds(start + period.count() * i), action);
    }
  }
};

/// Median of some values (copied).
inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  if (values.empty()) return 0.0;
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2.0;
}

/// `value` within `pct` percent of `target`.
inline ::testing::AssertionResult within(double value, double target, double pct) {
  const double lo = target * (1.0 - pct / 100.0);
  const double hi = target * (1.0 + pct / 100.0);
  if (value >= lo && value <= hi) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << value << " is not within " << pct << "% of " << target
                                       << " [" << lo << ", " << hi << "]";
}

/// `value` within [lo, hi].
inline ::testing::AssertionResult between(double value, double lo, double hi) {
  if (value >= lo && value <= hi) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << value << " is not within [" << lo << ", " << hi << "]";
}

inline double toSeconds(std::int64_t us) {
  return static_cast<double>(us) / 1e6;
}

}  // namespace steamsim::behaviour
