#pragma once
// Drives a World against the wall clock on a background thread that sleeps until the next
// scheduled event. The only place in sim/ that reads the wall clock. While an application
// thread runs due events itself through its API calls (World::runDueForCaller), the driver
// leaves the work to it and only wakes an idle network; see sim/README.md.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "time.hpp"

namespace steamsim::detail {

class World;

class RealTimeDriver {
 public:
  explicit RealTimeDriver(World& world);
  ~RealTimeDriver();
  RealTimeDriver(const RealTimeDriver&) = delete;
  RealTimeDriver& operator=(const RealTimeDriver&) = delete;

  /// Network time now: the virtual epoch plus wall time since the driver started (µs).
  TimeUs wallNowUs() const;
  /// The steady-clock instant of network time `at`.
  std::chrono::steady_clock::time_point wallTime(TimeUs at) const;
  /// Something was scheduled for `due` at network time `now` (world lock held): wakes the
  /// driver if it would otherwise sleep past it.
  void wake(TimeUs due, TimeUs now);

 private:
  void run();

  World& world_;
  const std::chrono::steady_clock::time_point start_;
  std::condition_variable cv_;  // waits on the world's mutex
  TimeUs sleeping_until_ = 0;   // guarded by the world's mutex
  bool stop_ = false;           // guarded by the world's mutex
  std::thread thread_;
};

}  // namespace steamsim::detail
