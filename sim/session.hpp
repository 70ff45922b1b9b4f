// SPDX-License-Identifier: MIT
#pragma once
// A peer's session with one remote Steam ID: at most one active connection, the failure
// recorded when it ended (until restarted or closed), the channels opened by receiving, and
// the idle timer. Sessions are actors: the scheduler wakes them for their timers.

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "connection.hpp"
#include "scheduler.hpp"

namespace steamsim::detail {

class PeerCore;

class Session final : public Actor {
 public:
  Session(PeerCore& peer, Scheduler& scheduler, SteamId remote);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void act(TimeUs now, std::uint64_t token) override;
  /// Re-arms the wake-up for the earliest of the connection's and the idle timers.
  void rearm();
  /// After a send that left the connection's nextWake() as it was: re-arms only if the idle
  /// deadline, which was `idle_before`, may have been the earliest timer.
  void rearmAfterSend(TimeUs idle_before) {
    if (timer_.armedAt() < idle_before && idle_deadline >= idle_before) {
      return;
    }
    rearm();
  }
  /// Resets the idle timer (send, accept, new connection, entering Connecting/Connected).
  void markUsed(TimeUs now, std::chrono::milliseconds idle_timeout);
  /// A message arrived on `channel`: the channel is open (B10).
  void openChannel(int channel) {
    if (channel == last_opened_ && last_opened_valid_) return;
    open_channels.insert(channel);
    last_opened_ = channel;
    last_opened_valid_ = true;
  }
  /// Closes `channel`. \return false if it was not open.
  bool closeChannel(int channel) {
    last_opened_valid_ = false;
    return open_channels.erase(channel) != 0;
  }

  SteamId remote;
  std::unique_ptr<Connection> connection;  ///< active connection, or none
  Connection::Phase last_phase = Connection::Phase::ClosedLocally;

  /// Failure recorded when the last connection ended (B7, B8).
  bool failed = false;
  ConnectionState failed_state = ConnectionState::None;
  int failed_reason = 0;
  std::string failed_debug;
  std::uint32_t failed_local_id = 0;

  std::set<int> open_channels;  ///< channels a message was received on (B10); see openChannel
  TimeUs idle_deadline = kNever;

 private:
  PeerCore& peer_;
  Scheduler& scheduler_;
  ActorId id_;
  Timer timer_;
  int last_opened_ = 0;  // the channel openChannel last saw, known to be in open_channels
  bool last_opened_valid_ = false;
};

}  // namespace steamsim::detail
