// SPDX-License-Identifier: MIT
#pragma once
// Simulation time: signed 64-bit microseconds on the network's one clock.

#include <algorithm>
#include <cstdint>
#include <limits>

namespace steamsim::detail {

using TimeUs = std::int64_t;

/// "Never": an unarmed timer.
inline constexpr TimeUs kNever = std::numeric_limits<TimeUs>::max();
/// The virtual clock starts here (like Steam's clock, well above zero, so 0 can mean unset).
inline constexpr TimeUs kVirtualEpochUs = 1'000'000'000'000;

/// The latest time the clock ever reaches: far beyond any run (about 73,000 years past the
/// epoch) yet far enough below kNever that adding any configured timeout cannot overflow.
inline constexpr TimeUs kEndOfTime = kNever / 4;

/// `now + duration`, saturated at kEndOfTime (negative durations count as 0).
constexpr TimeUs timeAfter(TimeUs now, TimeUs duration) {
  if (duration <= 0) return now;
  return duration >= kEndOfTime - now ? std::max(now, kEndOfTime) : now + duration;
}

constexpr TimeUs msToUs(double ms) {
  return static_cast<TimeUs>(ms * 1000.0);
}

}  // namespace steamsim::detail
