// SPDX-License-Identifier: MIT
#pragma once
// Drives a World against the wall clock on a background thread: one asio steady_timer,
// armed for the next scheduled event. The only place in sim/ that reads the wall clock.

#include <chrono>
#include <memory>

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
  /// Re-arms the timer after something was scheduled (any thread).
  void wake();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace steamsim::detail
