// SPDX-License-Identifier: MIT
// LinkImpairment: each stage's statistics and bounds with fixed seeds, the order of stages,
// counters, and determinism of the per-link random streams.

#include "impairment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace steamsim::detail {
namespace {

using Drop = ImpairmentVerdict::Drop;

constexpr std::uint64_t kSeed = 20240611;
constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;
constexpr SteamId kC = 76561198000000003ULL;
constexpr TimeUs kStart = kVirtualEpochUs;
constexpr std::size_t kBytes = 1000;

LinkImpairment makeLink(const LinkConditions& conditions, std::uint64_t seed = kSeed,
                        SteamId from = kA, SteamId to = kB) {
  LinkImpairment link(seed, from, to);
  link.setConditions(conditions);
  return link;
}

/// One datagram offered to a link, and what the link decided.
struct Sent {
  TimeUs sent_at = 0;
  std::size_t bytes = 0;
  ImpairmentVerdict verdict;
};

/// Offers `count` datagrams of `bytes` bytes, one every `spacing_us`.
std::vector<Sent> offer(LinkImpairment& link, int count, TimeUs spacing_us,
                        std::size_t bytes = kBytes, TimeUs start = kStart) {
  std::vector<Sent> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const TimeUs now = start + i * spacing_us;
    out.push_back({now, bytes, link.apply(now, bytes, false)});
  }
  return out;
}

/// Everything a verdict says, as text (readable in failure messages).
std::string describe(const ImpairmentVerdict& verdict) {
  std::string out = toString(verdict.drop);
  for (int i = 0; i < verdict.copies; ++i) {
    const auto& copy = verdict.copy[static_cast<std::size_t>(i)];
    out += " @" + std::to_string(copy.deliver_at) + (copy.reordered ? "r" : "") + " bit" +
           std::to_string(copy.corrupt_bit);
  }
  return out;
}

std::vector<std::string> describeAll(const std::vector<Sent>& sent) {
  std::vector<std::string> out;
  for (const auto& s : sent) out.push_back(describe(s.verdict));
  return out;
}

double sharePct(std::size_t part, std::size_t whole) {
  return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::size_t countDrops(const std::vector<Sent>& sent, Drop drop) {
  return static_cast<std::size_t>(std::count_if(
      sent.begin(), sent.end(), [drop](const Sent& s) { return s.verdict.drop == drop; }));
}

TimeUs delayOf(const Sent& s) {
  return s.verdict.copy[0].deliver_at - s.sent_at;
}

/// Conditions that exercise every stage at once.
LinkConditions everything() {
  LinkConditions c;
  c.rate_limit_bytes_per_s = 150000;
  c.loss_pct = 5;
  c.burst_loss_pct = 3;
  c.burst_length_mean = 2;
  c.latency_ms = 40;
  c.jitter_ms = 10;
  c.reorder_pct = 5;
  c.duplicate_pct = 5;
  c.corrupt_pct = 5;
  return c;
}

TEST(Impairment, DropNames) {
  EXPECT_STREQ(toString(Drop::None), "none");
  EXPECT_STREQ(toString(Drop::Down), "down");
  EXPECT_STREQ(toString(Drop::RateLimit), "rate_limit");
  EXPECT_STREQ(toString(Drop::Loss), "loss");
  EXPECT_STREQ(toString(Drop::BurstLoss), "burst_loss");
}

TEST(Impairment, CleanLinkDeliversEverythingAtOnceAndCountsOffers) {
  LinkImpairment link = makeLink({});
  const auto sent = offer(link, 1000, 100, 321);
  for (const auto& s : sent) {
    ASSERT_EQ(s.verdict.drop, Drop::None);
    ASSERT_EQ(s.verdict.copies, 1);
    EXPECT_EQ(s.verdict.copy[0].deliver_at, s.sent_at);
    EXPECT_FALSE(s.verdict.copy[0].reordered);
    EXPECT_EQ(s.verdict.copy[0].corrupt_bit, -1);
  }
  EXPECT_EQ(link.counters().offered, 1000U);
  EXPECT_EQ(link.counters().offered_bytes, 321000U);
  EXPECT_EQ(link.counters().delayed, 0U);
}

TEST(Impairment, BernoulliLossTenPercent) {
  LinkConditions c;
  c.loss_pct = 10;
  LinkImpairment link = makeLink(c);
  const auto sent = offer(link, 100000, 100);
  const std::size_t lost = countDrops(sent, Drop::Loss);
  EXPECT_NEAR(sharePct(lost, sent.size()), 10.0, 0.5);
  EXPECT_EQ(link.counters().dropped_loss, lost);
  EXPECT_EQ(link.counters().offered, 100000U);
  EXPECT_EQ(link.counters().offered_bytes, 100000U * kBytes);
  EXPECT_EQ(countDrops(sent, Drop::None) + lost, sent.size());
  for (const auto& s : sent) {
    EXPECT_EQ(s.verdict.copies, s.verdict.drop == Drop::None ? 1 : 0);
  }
}

/// Long-run loss share and mean run length of consecutive burst losses.
void expectBurstStatistics(double loss_pct, double mean_length) {
  LinkConditions c;
  c.burst_loss_pct = loss_pct;
  c.burst_length_mean = mean_length;
  LinkImpairment link = makeLink(c);
  const auto sent = offer(link, 200000, 100);

  std::size_t lost = 0;
  std::size_t bursts = 0;
  bool in_burst = false;
  for (const auto& s : sent) {
    const bool burst_lost = s.verdict.drop == Drop::BurstLoss;
    ASSERT_TRUE(burst_lost || s.verdict.drop == Drop::None);
    if (burst_lost) ++lost;
    if (burst_lost && !in_burst) ++bursts;
    in_burst = burst_lost;
  }
  ASSERT_GT(bursts, 0U);
  EXPECT_NEAR(sharePct(lost, sent.size()), loss_pct, 1.0) << "L=" << loss_pct;
  const double measured_length = static_cast<double>(lost) / static_cast<double>(bursts);
  EXPECT_NEAR(measured_length, mean_length, 0.1 * mean_length) << "L=" << loss_pct;
  EXPECT_EQ(link.counters().dropped_burst, lost);
  EXPECT_EQ(link.counters().dropped_loss, 0U);
}

TEST(Impairment, BurstLossShareAndMeanBurstLength) {
  expectBurstStatistics(5, 4);
  expectBurstStatistics(20, 10);
  expectBurstStatistics(2, 1);  // bursts of one: close to Bernoulli
  expectBurstStatistics(50, 3);
}

TEST(Impairment, BurstChainDoesNotDependOnBernoulliLoss) {
  LinkConditions burst_only;
  burst_only.burst_loss_pct = 10;
  burst_only.burst_length_mean = 5;
  LinkConditions both = burst_only;
  both.loss_pct = 30;
  LinkImpairment a = makeLink(burst_only);
  LinkImpairment b = makeLink(both);
  const auto sa = offer(a, 20000, 100);
  const auto sb = offer(b, 20000, 100);
  std::size_t bernoulli = 0;
  for (std::size_t i = 0; i < sa.size(); ++i) {
    if (sb[i].verdict.drop == Drop::Loss) {
      ++bernoulli;  // Bernoulli loss comes first and hides the burst decision
      continue;
    }
    ASSERT_EQ(sa[i].verdict.drop, sb[i].verdict.drop) << i;
  }
  EXPECT_NEAR(sharePct(bernoulli, sb.size()), 30.0, 1.5);
}

TEST(Impairment, JitterStaysInBoundsAndDoesNotReorder) {
  LinkConditions c;
  c.latency_ms = 50;
  c.jitter_ms = 20;
  LinkImpairment link = makeLink(c);
  const auto sent = offer(link, 20000, 1000);  // 1 ms apart: jitter alone would reorder
  TimeUs previous = 0;
  TimeUs min_delay = kNever;
  TimeUs max_delay = 0;
  std::size_t clumped = 0;
  for (const auto& s : sent) {
    ASSERT_EQ(s.verdict.copies, 1);
    const TimeUs delay = delayOf(s);
    ASSERT_GE(delay, 30000);
    ASSERT_LE(delay, 70000);
    ASSERT_GE(s.verdict.copy[0].deliver_at, previous);
    if (s.verdict.copy[0].deliver_at == previous) ++clumped;
    previous = s.verdict.copy[0].deliver_at;
    min_delay = std::min(min_delay, delay);
    max_delay = std::max(max_delay, delay);
  }
  // Datagrams clump behind the latest one instead of overtaking it, so dense traffic sees
  // delays skewed towards the top of the range.
  EXPECT_GT(clumped, 1000U);
  EXPECT_LT(min_delay, 50000);
  EXPECT_GT(max_delay, 69000);
  EXPECT_EQ(link.counters().delayed, sent.size());
}

TEST(Impairment, SparseTrafficSeesTheWholeJitterRange) {
  LinkConditions c;
  c.latency_ms = 50;
  c.jitter_ms = 20;
  LinkImpairment link = makeLink(c);
  const auto sent = offer(link, 5000, 100000);  // 100 ms apart: the floor never binds
  TimeUs min_delay = kNever;
  TimeUs max_delay = 0;
  double delay_sum = 0;
  for (const auto& s : sent) {
    ASSERT_GE(delayOf(s), 30000);
    ASSERT_LE(delayOf(s), 70000);
    min_delay = std::min(min_delay, delayOf(s));
    max_delay = std::max(max_delay, delayOf(s));
    delay_sum += static_cast<double>(delayOf(s));
  }
  EXPECT_LT(min_delay, 30100);
  EXPECT_GT(max_delay, 69900);
  EXPECT_NEAR(delay_sum / static_cast<double>(sent.size()), 50000.0, 600.0);
}

TEST(Impairment, JitterReordersWhenAsked) {
  LinkConditions c;
  c.latency_ms = 50;
  c.jitter_ms = 20;
  c.jitter_reorders = true;
  LinkImpairment link = makeLink(c);
  const auto sent = offer(link, 20000, 1000);
  std::size_t overtaken = 0;
  double delay_sum = 0;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const TimeUs delay = delayOf(sent[i]);
    ASSERT_GE(delay, 30000);
    ASSERT_LE(delay, 70000);
    delay_sum += static_cast<double>(delay);
    if (i > 0 && sent[i].verdict.copy[0].deliver_at < sent[i - 1].verdict.copy[0].deliver_at) {
      ++overtaken;
    }
    EXPECT_FALSE(sent[i].verdict.copy[0].reordered);  // the reorder stage is off
  }
  EXPECT_GT(overtaken, 2000U);
  EXPECT_NEAR(delay_sum / static_cast<double>(sent.size()), 50000.0, 500.0);
  EXPECT_EQ(link.counters().reordered, 0U);
}

TEST(Impairment, JitterDelayIsClampedAtZero) {
  LinkConditions c;
  c.latency_ms = 5;
  c.jitter_ms = 20;  // [-15, 25] ms: 37.5 % of draws clamp to 0
  c.jitter_reorders = true;
  LinkImpairment link = makeLink(c);
  const auto sent = offer(link, 20000, 1000);
  std::size_t immediate = 0;
  for (const auto& s : sent) {
    ASSERT_GE(delayOf(s), 0);
    ASSERT_LE(delayOf(s), 25000);
    if (delayOf(s) == 0) ++immediate;
  }
  EXPECT_NEAR(sharePct(immediate, sent.size()), 37.5, 1.5);
  EXPECT_EQ(link.counters().delayed, sent.size() - immediate);
}

TEST(Impairment, ReorderHoldsBackTheRightShare) {
  LinkConditions c;
  c.latency_ms = 10;
  c.reorder_pct = 10;
  c.reorder_ms = 15;
  LinkImpairment link = makeLink(c);
  const auto sent = offer(link, 50000, 1000);

  std::size_t flagged = 0;
  for (const auto& s : sent) {
    ASSERT_EQ(s.verdict.copies, 1);
    if (s.verdict.copy[0].reordered) {
      ++flagged;
      EXPECT_EQ(delayOf(s), 25000);
    } else {
      EXPECT_EQ(delayOf(s), 10000);  // reordered datagrams do not raise the floor
    }
  }
  // Datagrams that arrive after some datagram sent later: scan from the end.
  std::size_t overtaken = 0;
  TimeUs earliest_later = kNever;
  for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
    if (it->verdict.copy[0].deliver_at > earliest_later) ++overtaken;
    earliest_later = std::min(earliest_later, it->verdict.copy[0].deliver_at);
  }
  EXPECT_NEAR(sharePct(flagged, sent.size()), 10.0, 1.0);
  EXPECT_NEAR(sharePct(overtaken, sent.size()), 10.0, 1.0);
  EXPECT_EQ(link.counters().reordered, flagged);
}

TEST(Impairment, DuplicateShareAndCopyDelayBounds) {
  LinkConditions c;
  c.latency_ms = 5;
  c.duplicate_pct = 20;
  c.duplicate_ms = 10;
  LinkImpairment link = makeLink(c);
  const auto sent = offer(link, 50000, 1000);
  std::size_t duplicated = 0;
  TimeUs min_gap = kNever;
  TimeUs max_gap = 0;
  for (const auto& s : sent) {
    EXPECT_EQ(delayOf(s), 5000);  // the original is not moved by duplication
    if (s.verdict.copies != 2) continue;
    ++duplicated;
    const TimeUs gap = s.verdict.copy[1].deliver_at - s.verdict.copy[0].deliver_at;
    ASSERT_GE(gap, 1);
    ASSERT_LE(gap, 10001);
    min_gap = std::min(min_gap, gap);
    max_gap = std::max(max_gap, gap);
  }
  EXPECT_NEAR(sharePct(duplicated, sent.size()), 20.0, 1.0);
  EXPECT_LT(min_gap, 200);
  EXPECT_GT(max_gap, 9800);
  EXPECT_EQ(link.counters().duplicated, duplicated);
}

TEST(Impairment, DuplicateWithZeroSpreadFollowsByOneMicrosecond) {
  LinkConditions c;
  c.duplicate_pct = 100;
  c.duplicate_ms = 0;
  c.reorder_pct = 50;
  LinkImpairment link = makeLink(c);
  for (const auto& s : offer(link, 1000, 1000)) {
    ASSERT_EQ(s.verdict.copies, 2);
    EXPECT_EQ(s.verdict.copy[1].deliver_at, s.verdict.copy[0].deliver_at + 1);
    EXPECT_EQ(s.verdict.copy[1].reordered, s.verdict.copy[0].reordered);
  }
}

TEST(Impairment, CorruptShareAndBitIndexInRange) {
  LinkConditions c;
  c.duplicate_pct = 50;
  c.corrupt_pct = 5;
  LinkImpairment link = makeLink(c);
  std::size_t copies = 0;
  std::size_t corrupted = 0;
  double position_sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::size_t bytes = static_cast<std::size_t>(i % 1300) + 1;
    const auto verdict = link.apply(kStart + i * 100, bytes, false);
    for (int k = 0; k < verdict.copies; ++k) {
      ++copies;
      const std::int32_t bit = verdict.copy[static_cast<std::size_t>(k)].corrupt_bit;
      if (bit == -1) continue;
      ++corrupted;
      ASSERT_GE(bit, 0);
      ASSERT_LT(static_cast<std::size_t>(bit), bytes * 8);
      position_sum += static_cast<double>(bit) / static_cast<double>(bytes * 8);
    }
  }
  EXPECT_NEAR(sharePct(corrupted, copies), 5.0, 0.5);
  EXPECT_NEAR(position_sum / static_cast<double>(corrupted), 0.5, 0.03);  // spread over all
  EXPECT_EQ(link.counters().corrupted, corrupted);
}

TEST(Impairment, CorruptDecidesEachCopyIndependently) {
  LinkConditions c;
  c.duplicate_pct = 100;
  c.corrupt_pct = 50;
  LinkImpairment link = makeLink(c);
  std::size_t exactly_one = 0;
  const auto sent = offer(link, 20000, 100);
  for (const auto& s : sent) {
    const bool first = s.verdict.copy[0].corrupt_bit >= 0;
    const bool second = s.verdict.copy[1].corrupt_bit >= 0;
    if (first != second) ++exactly_one;
  }
  EXPECT_NEAR(sharePct(exactly_one, sent.size()), 50.0, 2.0);
}

TEST(Impairment, EmptyDatagramHasNoBitToCorrupt) {
  LinkConditions c;
  c.corrupt_pct = 100;
  LinkImpairment link = makeLink(c);
  const auto verdict = link.apply(kStart, 0, false);
  ASSERT_EQ(verdict.copies, 1);
  EXPECT_EQ(verdict.copy[0].corrupt_bit, -1);
  EXPECT_EQ(link.counters().corrupted, 0U);
  EXPECT_EQ(link.apply(kStart, 1, false).copy[0].corrupt_bit / 8, 0);
}

TEST(Impairment, RateLimitDeliversRateTimesTimePlusBurst) {
  LinkConditions c;
  c.rate_limit_bytes_per_s = 100000;
  c.rate_limit_burst_bytes = 16384;
  LinkImpairment link = makeLink(c);
  // 1000 bytes every 5 ms = 200000 bytes/s, twice the rate, for 10 virtual seconds.
  const auto sent = offer(link, 2000, 5000);
  const std::size_t passed = countDrops(sent, Drop::None);
  const double delivered = static_cast<double>(passed * kBytes);
  const double expected = 100000.0 * 10.0 + 16384.0;
  EXPECT_NEAR(delivered, expected, 0.05 * expected);
  EXPECT_EQ(link.counters().dropped_rate_limit, sent.size() - passed);
}

TEST(Impairment, RateBucketStartsFullCapsAtBurstAndMayGoNegative) {
  LinkConditions c;
  c.rate_limit_bytes_per_s = 1000;
  c.rate_limit_burst_bytes = 5000;
  LinkImpairment link = makeLink(c);
  auto burstAt = [&link](TimeUs now) {
    int passed = 0;
    for (int i = 0; i < 10; ++i) {
      if (link.apply(now, 1000, false).drop == Drop::None) ++passed;
    }
    return passed;
  };
  EXPECT_EQ(burstAt(kStart), 5);  // full bucket: 5000 -> 0, then empty
  // 100 s idle would refill 100000 bytes; the bucket holds only the burst.
  EXPECT_EQ(burstAt(kStart + 100'000'000), 5);

  // A datagram larger than the balance still passes and takes the balance negative.
  const TimeUs t = kStart + 200'000'000;                                  // bucket full again
  EXPECT_EQ(link.apply(t, 8000, false).drop, Drop::None);                 // 5000 -> -3000
  EXPECT_EQ(link.apply(t + 2'000'000, 10, false).drop, Drop::RateLimit);  // -1000
  EXPECT_EQ(link.apply(t + 4'000'000, 10, false).drop, Drop::None);       // +1000
  EXPECT_EQ(link.counters().dropped_rate_limit, 11U);
}

TEST(Impairment, RateBucketCarriesOverAConditionsChange) {
  LinkConditions c;
  c.rate_limit_bytes_per_s = 1000;
  c.rate_limit_burst_bytes = 2000;
  LinkImpairment link = makeLink(c);
  EXPECT_EQ(link.apply(kStart, 3000, false).drop, Drop::None);  // 2000 -> -1000
  c.latency_ms = 30;
  link.setConditions(c);
  EXPECT_EQ(link.apply(kStart + 500'000, 10, false).drop, Drop::RateLimit);  // -500
  EXPECT_EQ(link.apply(kStart + 1'500'000, 10, false).drop, Drop::None);     // +500
}

TEST(Impairment, UnlimitedRatePassesAnySize) {
  LinkImpairment link = makeLink({});
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(link.apply(kStart, 1 << 20, false).drop, Drop::None);
  }
}

TEST(Impairment, DownDropsEverythingBeforeOtherStages) {
  LinkConditions c = everything();
  c.down = true;
  LinkImpairment link = makeLink(c);
  const auto sent = offer(link, 5000, 100);
  EXPECT_EQ(countDrops(sent, Drop::Down), sent.size());
  for (const auto& s : sent) EXPECT_EQ(s.verdict.copies, 0);
  EXPECT_EQ(link.counters().dropped_down, sent.size());
  EXPECT_EQ(link.counters().dropped_loss + link.counters().dropped_burst +
                link.counters().dropped_rate_limit + link.counters().delayed,
            0U);
  EXPECT_EQ(link.counters().offered, sent.size());

  c.down = false;
  link.setConditions(c);
  EXPECT_GT(countDrops(offer(link, 100, 10000, kBytes, kStart + 1'000'000), Drop::None), 50U);
}

TEST(Impairment, PartitionDropsEverything) {
  LinkImpairment link = makeLink(everything());
  for (int i = 0; i < 5000; ++i) {
    const auto verdict = link.apply(kStart + i * 100, kBytes, true);
    ASSERT_EQ(verdict.drop, Drop::Down);
    ASSERT_EQ(verdict.copies, 0);
  }
  EXPECT_EQ(link.counters().dropped_down, 5000U);
  EXPECT_GT(countDrops(offer(link, 100, 10000, kBytes, kStart + 1'000'000), Drop::None), 50U);
}

TEST(Impairment, SameSeedSameVerdictsDifferentSeedDifferent) {
  LinkImpairment first = makeLink(everything());
  LinkImpairment second = makeLink(everything());
  LinkImpairment other_seed = makeLink(everything(), kSeed + 1);
  const auto a = describeAll(offer(first, 5000, 2000));
  EXPECT_EQ(a, describeAll(offer(second, 5000, 2000)));
  EXPECT_NE(a, describeAll(offer(other_seed, 5000, 2000)));
}

TEST(Impairment, EachDirectedLinkHasItsOwnStream) {
  LinkImpairment alone = makeLink(everything());
  const auto expected = describeAll(offer(alone, 3000, 2000));

  // The same link, interleaved with heavy use of A -> C.
  LinkImpairment ab = makeLink(everything(), kSeed, kA, kB);
  LinkImpairment ac = makeLink(everything(), kSeed, kA, kC);
  std::vector<std::string> interleaved;
  for (int i = 0; i < 3000; ++i) {
    const TimeUs now = kStart + i * 2000;
    for (int k = 0; k < 3; ++k) ac.apply(now, kBytes, false);
    interleaved.push_back(describe(ab.apply(now, kBytes, false)));
  }
  EXPECT_EQ(interleaved, expected);

  LinkImpairment ba = makeLink(everything(), kSeed, kB, kA);
  EXPECT_NE(describeAll(offer(ba, 3000, 2000)), expected);
}

TEST(Impairment, ChangingOneStageDoesNotShiftAnotherStagesDraws) {
  LinkConditions base;
  base.latency_ms = 20;
  base.jitter_ms = 10;
  base.jitter_reorders = true;  // no floor: each delay depends on its own draw only
  base.reorder_pct = 10;
  base.duplicate_pct = 10;
  base.corrupt_pct = 10;
  LinkConditions lossy = base;
  lossy.loss_pct = 40;

  LinkImpairment a = makeLink(base);
  LinkImpairment b = makeLink(lossy);
  const auto sa = offer(a, 5000, 1000);
  const auto sb = offer(b, 5000, 1000);
  std::size_t compared = 0;
  for (std::size_t i = 0; i < sa.size(); ++i) {
    if (sb[i].verdict.drop != Drop::None) continue;
    ASSERT_EQ(describe(sa[i].verdict), describe(sb[i].verdict)) << i;
    ++compared;
  }
  EXPECT_GT(compared, 2500U);

  // A link that was down for a while continues with the same draws per datagram.
  LinkConditions down = base;
  down.down = true;
  LinkImpairment c = makeLink(down);
  offer(c, 1000, 1000);
  c.setConditions(base);
  const auto sc = offer(c, 4000, 1000, kBytes, kStart + 1000 * 1000);
  for (std::size_t i = 0; i < sc.size(); ++i) {
    ASSERT_EQ(describe(sc[i].verdict), describe(sa[i + 1000].verdict)) << i;
  }
}

}  // namespace
}  // namespace steamsim::detail
