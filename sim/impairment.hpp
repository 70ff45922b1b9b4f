// SPDX-License-Identifier: MIT
#pragma once
// The impairment pipeline of one directed link, applied at the sender in SPEC order:
// down/partition -> rate limit -> loss / burst loss -> latency + jitter -> reorder ->
// duplicate -> corrupt. Pure computation: no sockets, no clock reads (`now` is passed in).

#include <array>
#include <cstddef>
#include <cstdint>

#include "rng.hpp"
#include "steamsim/link_conditions.hpp"
#include "time.hpp"

namespace steamsim::detail {

/// What happens to one datagram.
struct ImpairmentVerdict {
  enum class Drop : std::uint8_t { None, Down, RateLimit, Loss, BurstLoss };
  struct Copy {
    TimeUs deliver_at = 0;          ///< when it reaches the receiver's socket
    bool reordered = false;         ///< held back by reorder_ms
    std::int32_t corrupt_bit = -1;  ///< bit index to flip, -1 = intact
  };
  Drop drop = Drop::None;
  int copies = 0;  ///< 0 when dropped, 1, or 2 when duplicated (copy[1] is the duplicate)
  std::array<Copy, 2> copy{};
};

const char* toString(ImpairmentVerdict::Drop drop);

class LinkImpairment {
 public:
  LinkImpairment(std::uint64_t network_seed, SteamId from, SteamId to);

  /// Changes the conditions; the rate bucket and burst-loss state carry over.
  void setConditions(const LinkConditions& conditions);
  const LinkConditions& conditions() const { return conditions_; }

  /// Decides the fate of one datagram of `bytes` bytes sent at `now`. `partitioned` is
  /// true when the network's partition separates the two ends. Updates the counters
  /// (all but delivered/undeliverable, which the delivery step counts).
  ImpairmentVerdict apply(TimeUs now, std::size_t bytes, bool partitioned);

  const LinkCounters& counters() const { return counters_; }
  LinkCounters& counters() { return counters_; }

 private:
  LinkConditions conditions_{};
  LinkCounters counters_{};
  Rng rng_;
  // Token bucket.
  double bucket_bytes_ = 0.0;
  TimeUs bucket_updated_ = 0;
  bool bucket_started_ = false;
  // Gilbert-Elliott: true while in the bad (losing) state.
  bool in_burst_ = false;
  // Latest non-reordered delivery time, so jitter does not reorder.
  TimeUs jitter_floor_ = 0;
};

}  // namespace steamsim::detail
