// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Impairment of one directed link (`from -> to`), applied at the sender in this order:
/// down/partition -> rate limit -> loss (Bernoulli or burst) -> latency + jitter -> reorder
/// -> duplicate -> corrupt. Units are in the field names.

#include <cstdint>
#include <string>
#include <vector>

namespace steamsim {

struct LinkConditions {
  /// Link is cut: every datagram is dropped (a partition does the same for a group pair).
  bool down = false;

  /// Token-bucket policer, bytes per second; 0 = unlimited. A datagram arriving when the
  /// bucket is empty is dropped; otherwise its size is taken (the balance may go negative).
  double rate_limit_bytes_per_s = 0.0;
  /// Bucket capacity in bytes (GameNetworkingSockets' default burst, 16 KiB).
  double rate_limit_burst_bytes = 16384.0;

  /// Independent (Bernoulli) loss, percent 0..100.
  double loss_pct = 0.0;
  /// Burst loss (Gilbert-Elliott): long-run share of datagrams lost, percent 0..100.
  /// 0 = off. Applied in addition to `loss_pct`.
  double burst_loss_pct = 0.0;
  /// Burst loss: mean number of consecutive datagrams lost per burst (>= 1).
  double burst_length_mean = 1.0;

  /// Fixed one-way delay, milliseconds 0..60000.
  double latency_ms = 0.0;
  /// Delay varies uniformly in [latency - jitter, latency + jitter] (clamped at 0), ms.
  double jitter_ms = 0.0;
  /// false (default): jitter never reorders; a datagram leaves no earlier than the one
  /// before it on this link (packets clump, as in Steam's fake lag). true: it may.
  bool jitter_reorders = false;

  /// Share of datagrams held back by `reorder_ms` extra, percent 0..100.
  double reorder_pct = 0.0;
  /// Extra delay of a reordered datagram, milliseconds (Steam's default, 15).
  double reorder_ms = 15.0;

  /// Share of datagrams delivered twice, percent 0..100.
  double duplicate_pct = 0.0;
  /// The copy arrives up to this many milliseconds after the original (Steam's default, 10).
  double duplicate_ms = 10.0;

  /// Share of datagrams with one bit flipped, percent 0..100. The receiver detects and drops
  /// them by checksum.
  double corrupt_pct = 0.0;

  /// Every problem with these values, one readable line each naming the field
  /// ("loss_pct must be within 0..100, got 140"). Empty when valid.
  std::vector<std::string> validate() const;

  friend bool operator==(const LinkConditions&, const LinkConditions&) = default;
};

/// Counters of one directed link, one per impairment stage plus deliveries.
struct LinkCounters {
  std::uint64_t offered = 0;  ///< datagrams the sender emitted on this link
  std::uint64_t offered_bytes = 0;
  std::uint64_t dropped_down = 0;        ///< link down or partitioned
  std::uint64_t dropped_rate_limit = 0;  ///< token bucket empty
  std::uint64_t dropped_loss = 0;        ///< Bernoulli loss
  std::uint64_t dropped_burst = 0;       ///< Gilbert-Elliott burst loss
  std::uint64_t delayed = 0;             ///< given a non-zero delay
  std::uint64_t reordered = 0;           ///< held back by reorder_ms
  std::uint64_t duplicated = 0;          ///< extra copies made
  std::uint64_t corrupted = 0;           ///< copies with a bit flipped
  std::uint64_t delivered = 0;           ///< datagrams written to the receiver's socket
  std::uint64_t delivered_bytes = 0;
  std::uint64_t undeliverable = 0;  ///< receiver crashed or gone at delivery time
};

}  // namespace steamsim
