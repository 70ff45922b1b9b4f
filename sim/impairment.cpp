// SPDX-License-Identifier: MIT
// The impairment pipeline of one directed link (see impairment.hpp and SPEC §4).
//
// Random draws: every apply() call takes exactly kDrawCount uniform draws from the link's
// stream, in the fixed order of `Draw`, before any decision, whether a stage is enabled or
// not and whether the datagram was dropped earlier. A link's stream position therefore
// depends only on how many datagrams it has been offered, so changing one stage's knob (or
// taking the link down for a while) never shifts another stage's draws.

#include "impairment.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace steamsim::detail {
namespace {

/// The draws of one datagram, in stream order.
enum Draw : std::size_t {
  kLossDraw,            // Bernoulli loss
  kBurstDraw,           // Gilbert-Elliott state transition
  kJitterDraw,          // position within [latency - jitter, latency + jitter]
  kReorderDraw,         // reorder or not
  kDuplicateDraw,       // duplicate or not
  kDuplicateDelayDraw,  // extra delay of the copy
  kCorruptDraw0,        // corrupt the original or not
  kCorruptBitDraw0,     // which bit of the original
  kCorruptDraw1,        // corrupt the copy or not
  kCorruptBitDraw1,     // which bit of the copy
  kDrawCount,
};

/// Longest delay one stage may add (well above the 60 s that validate() allows); keeps the
/// conversion to integer defined whatever the conditions hold.
constexpr double kMaxStageDelayUs = 1e12;

/// `ms` as whole microseconds, rounded, clamped to [0, kMaxStageDelayUs]; NaN gives 0.
TimeUs msToUsClamped(double ms) {
  const double us = ms * 1000.0;
  if (!(us > 0.0)) return 0;
  return static_cast<TimeUs>(std::llround(std::min(us, kMaxStageDelayUs)));
}

/// true with probability pct / 100, given a uniform draw in [0, 1).
bool chance(double draw, double pct) {
  return draw * 100.0 < pct;
}

}  // namespace

const char* toString(ImpairmentVerdict::Drop drop) {
  switch (drop) {
    case ImpairmentVerdict::Drop::None:
      return "none";
    case ImpairmentVerdict::Drop::Down:
      return "down";
    case ImpairmentVerdict::Drop::RateLimit:
      return "rate_limit";
    case ImpairmentVerdict::Drop::Loss:
      return "loss";
    case ImpairmentVerdict::Drop::BurstLoss:
      return "burst_loss";
  }
  return "unknown";
}

LinkImpairment::LinkImpairment(std::uint64_t network_seed, SteamId from, SteamId to)
    : rng_(Rng::forLink(network_seed, from, to)) {}

void LinkImpairment::setConditions(const LinkConditions& conditions) {
  conditions_ = conditions;
}

ImpairmentVerdict LinkImpairment::apply(TimeUs now, std::size_t bytes, bool partitioned) {
  const LinkConditions& c = conditions_;
  ImpairmentVerdict verdict;
  ++counters_.offered;
  counters_.offered_bytes += bytes;

  std::array<double, kDrawCount> draw;
  for (double& d : draw) d = rng_.uniform01();

  // 1. Down / partition.
  if (c.down || partitioned) {
    ++counters_.dropped_down;
    verdict.drop = ImpairmentVerdict::Drop::Down;
    return verdict;
  }

  // 2. Rate limit: token bucket, starts full, refilled at the rate and capped at the burst.
  if (c.rate_limit_bytes_per_s > 0.0) {
    if (!bucket_started_) {
      bucket_started_ = true;
      bucket_bytes_ = c.rate_limit_burst_bytes;
      bucket_updated_ = now;
    } else if (now > bucket_updated_) {
      const double elapsed_s = static_cast<double>(now - bucket_updated_) * 1e-6;
      bucket_bytes_ += c.rate_limit_bytes_per_s * elapsed_s;
      bucket_updated_ = now;
    }
    bucket_bytes_ = std::min(bucket_bytes_, c.rate_limit_burst_bytes);
    if (!(bucket_bytes_ > 0.0)) {
      ++counters_.dropped_rate_limit;
      verdict.drop = ImpairmentVerdict::Drop::RateLimit;
      return verdict;
    }
    bucket_bytes_ -= static_cast<double>(bytes);
  } else {
    bucket_started_ = false;  // unlimited; a later limit starts with a full bucket
  }

  // 3. Loss. The burst chain advances for every datagram reaching this stage, so its
  // statistics do not depend on loss_pct. Simple Gilbert: the bad state loses everything,
  // the good state nothing; r = 1 / mean burst length, p = r * L / (100 - L) makes the
  // long-run share of bad datagrams L %.
  if (c.burst_loss_pct > 0.0) {
    const double leave_bad = 1.0 / std::max(1.0, c.burst_length_mean);
    const double enter_bad =
        std::min(1.0, leave_bad * c.burst_loss_pct / std::max(0.0, 100.0 - c.burst_loss_pct));
    in_burst_ = in_burst_ ? !(draw[kBurstDraw] < leave_bad) : draw[kBurstDraw] < enter_bad;
  } else {
    in_burst_ = false;
  }
  if (chance(draw[kLossDraw], c.loss_pct)) {
    ++counters_.dropped_loss;
    verdict.drop = ImpairmentVerdict::Drop::Loss;
    return verdict;
  }
  if (in_burst_) {
    ++counters_.dropped_burst;
    verdict.drop = ImpairmentVerdict::Drop::BurstLoss;
    return verdict;
  }

  // 4. Latency + jitter, uniform in [latency - jitter, latency + jitter], at least 0. Unless
  // jitter may reorder, no earlier than the previous non-reordered datagram of this link.
  const double delay_ms = c.latency_ms + (2.0 * draw[kJitterDraw] - 1.0) * c.jitter_ms;
  TimeUs deliver_at = now + msToUsClamped(delay_ms);
  if (!c.jitter_reorders) deliver_at = std::max(deliver_at, jitter_floor_);
  jitter_floor_ = std::max(jitter_floor_, deliver_at);
  if (deliver_at > now) ++counters_.delayed;

  // 5. Reorder: held back by reorder_ms; does not raise the floor above.
  ImpairmentVerdict::Copy& original = verdict.copy[0];
  if (chance(draw[kReorderDraw], c.reorder_pct)) {
    deliver_at += msToUsClamped(c.reorder_ms);
    original.reordered = true;
    ++counters_.reordered;
  }
  original.deliver_at = deliver_at;
  verdict.copies = 1;

  // 6. Duplicate: the copy follows the original by 1 µs + uniform(0, duplicate_ms).
  if (chance(draw[kDuplicateDraw], c.duplicate_pct)) {
    ImpairmentVerdict::Copy& duplicate = verdict.copy[1];
    duplicate.deliver_at =
        deliver_at + 1 + msToUsClamped(draw[kDuplicateDelayDraw] * c.duplicate_ms);
    duplicate.reordered = original.reordered;
    verdict.copies = 2;
    ++counters_.duplicated;
  }

  // 7. Corrupt: each copy independently gets one bit flipped.
  const std::uint64_t bits =
      std::min<std::uint64_t>(static_cast<std::uint64_t>(bytes) * 8U,
                              static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()));
  if (bits > 0) {
    constexpr Draw kCorruptDraws[2][2] = {{kCorruptDraw0, kCorruptBitDraw0},
                                          {kCorruptDraw1, kCorruptBitDraw1}};
    for (int i = 0; i < verdict.copies; ++i) {
      const auto index = static_cast<std::size_t>(i);
      if (!chance(draw[kCorruptDraws[index][0]], c.corrupt_pct)) continue;
      const auto bit =
          static_cast<std::uint64_t>(draw[kCorruptDraws[index][1]] * static_cast<double>(bits));
      verdict.copy[index].corrupt_bit = static_cast<std::int32_t>(std::min(bit, bits - 1));
      ++counters_.corrupted;
    }
  }
  return verdict;
}

}  // namespace steamsim::detail
