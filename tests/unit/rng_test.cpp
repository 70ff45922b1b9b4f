// SPDX-License-Identifier: MIT
// Rng: range and mean of the uniform draws, reproducibility, independent per-link streams.

#include "rng.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace steamsim::detail {
namespace {

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;

std::vector<std::uint64_t> firstDraws(Rng rng, int count) {
  std::vector<std::uint64_t> out;
  for (int i = 0; i < count; ++i) out.push_back(rng.next());
  return out;
}

TEST(Rng, Uniform01StaysInHalfOpenUnitInterval) {
  Rng rng(42);
  double sum = 0.0;
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i) {
    const double u = rng.uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / kDraws, 0.5, 0.005);
}

TEST(Rng, Uniform01FillsEveryTenthOfTheInterval) {
  Rng rng(7);
  int buckets[10] = {};
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i) ++buckets[static_cast<int>(rng.uniform01() * 10.0)];
  for (int count : buckets) EXPECT_NEAR(count, kDraws / 10, 500);
}

TEST(Rng, UniformBelowAndChanceStayInRange) {
  Rng rng(3);
  int hits = 0;
  for (int i = 0; i < 10000; ++i) {
    const double x = rng.uniform(-2.5, 4.0);
    ASSERT_GE(x, -2.5);
    ASSERT_LT(x, 4.0);
    ASSERT_LT(rng.below(17), 17U);
    ASSERT_FALSE(rng.chancePct(0.0));
    ASSERT_TRUE(rng.chancePct(100.0));
    if (rng.chancePct(25.0)) ++hits;
  }
  EXPECT_NEAR(hits, 2500, 200);
}

TEST(Rng, SameSeedSameStreamDifferentSeedDifferentStream) {
  EXPECT_EQ(firstDraws(Rng(99), 16), firstDraws(Rng(99), 16));
  EXPECT_NE(firstDraws(Rng(99), 16), firstDraws(Rng(100), 16));
}

TEST(Rng, ForLinkIsReproducibleAndDiffersPerDirectionAndSeed) {
  const auto ab = firstDraws(Rng::forLink(5, kA, kB), 16);
  EXPECT_EQ(ab, firstDraws(Rng::forLink(5, kA, kB), 16));
  EXPECT_NE(ab, firstDraws(Rng::forLink(5, kB, kA), 16));
  EXPECT_NE(ab, firstDraws(Rng::forLink(6, kA, kB), 16));
  EXPECT_NE(ab, firstDraws(Rng::forLink(5, kA, kB + 1), 16));
  EXPECT_NE(ab, firstDraws(Rng(5), 16));
}

TEST(Rng, ForLinkStreamsAreUncorrelated) {
  // Streams of the two directions of one link: their draws agree in the top bit about half
  // of the time, as independent streams would.
  Rng ab = Rng::forLink(1, kA, kB);
  Rng ba = Rng::forLink(1, kB, kA);
  int same = 0;
  constexpr int kDraws = 20000;
  for (int i = 0; i < kDraws; ++i) {
    if ((ab.next() >> 63U) == (ba.next() >> 63U)) ++same;
  }
  EXPECT_NEAR(same, kDraws / 2, 400);
}

}  // namespace
}  // namespace steamsim::detail
