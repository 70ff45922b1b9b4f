// SPDX-License-Identifier: MIT
#pragma once
// Simulation time: signed 64-bit microseconds on the network's one clock.

#include <cstdint>
#include <limits>

namespace steamsim::detail {

using TimeUs = std::int64_t;

/// "Never": an unarmed timer.
inline constexpr TimeUs kNever = std::numeric_limits<TimeUs>::max();
/// The virtual clock starts here (like Steam's clock, well above zero, so 0 can mean unset).
inline constexpr TimeUs kVirtualEpochUs = 1'000'000'000'000;

constexpr TimeUs msToUs(double ms) {
  return static_cast<TimeUs>(ms * 1000.0);
}

}  // namespace steamsim::detail
