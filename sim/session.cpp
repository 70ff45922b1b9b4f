// SPDX-License-Identifier: MIT
#include "session.hpp"

#include "peer_core.hpp"

namespace steamsim::detail {

Session::Session(PeerCore& peer, Scheduler& scheduler, SteamId remote_id)
    : remote(remote_id), peer_(peer), scheduler_(scheduler), id_(scheduler.add(this)) {}

Session::~Session() {
  scheduler_.remove(id_);
}

void Session::act(TimeUs now, std::uint64_t token) {
  if (!timer_.fire(token)) return;
  peer_.thinkSession(*this, now);  // may destroy this session; nothing may follow
}

void Session::rearm() {
  TimeUs wake = idle_deadline;
  if (connection) wake = std::min(wake, connection->nextWake());
  timer_.arm(scheduler_, id_, wake);
}

void Session::markUsed(TimeUs now, std::chrono::milliseconds idle_timeout) {
  idle_deadline = now + idle_timeout.count() * 1000;
}

}  // namespace steamsim::detail
