// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Watching a scenario run from outside: its network, every trace event, its result. The
/// HTML report, trace writers and packet captures are observers.

#include <cstdint>

#include "steamsim/network.hpp"
#include "steamsim/scenario/model.hpp"
#include "steamsim/trace.hpp"

namespace steamsim::scenario {

struct RunResult;

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  /// The run's network exists and no peer has been added yet. `start_us` is the network's
  /// clock at run time 0 (trace times minus `start_us` are run times).
  virtual void started(Network& network, const Scenario& scenario, std::uint64_t seed,
                       std::int64_t start_us) {
    (void)network, (void)scenario, (void)seed, (void)start_us;
  }
  /// The run's game loop is about to call `from`'s sendMessageToUser(to, a message of
  /// `size` bytes, `flags`, `channel`); the call's api_call event follows.
  virtual void sending(SteamId from, SteamId to, int channel, int flags, std::size_t size) {
    (void)from, (void)to, (void)channel, (void)flags, (void)size;
  }
  /// Every trace event, in order, on the thread running the network and under its lock: it
  /// must not call the Network.
  virtual void event(const TraceEvent& event) { (void)event; }
  /// The run is over; the network still exists and runs no more.
  virtual void finished(Network& network, const RunResult& result) { (void)network, (void)result; }
};

}  // namespace steamsim::scenario
