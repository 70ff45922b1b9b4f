// SPDX-License-Identifier: MIT
// steamsim_bench's verdict rules: only idle windows count, and a stability target is not
// judged on a machine whose own reference figure varied more than the target allows.

#include "../../tools/bench/series.hpp"

#include <gtest/gtest.h>

namespace steamsim::bench {
namespace {

Series stableWithin(double target, std::initializer_list<double> values) {
  Series s;
  s.id = "P6-rate";
  s.goal = Series::Goal::StableWithin;
  s.target = target;
  s.steadiness_reference = "RAW";
  for (const double v : values) s.add(v, 0.0);
  return s;
}

TEST(BenchSeries, SpreadIsRangeOverMedian) {
  EXPECT_DOUBLE_EQ(Series::spread({90.0, 100.0, 110.0}), 0.2);
  EXPECT_DOUBLE_EQ(Series::spread({100.0}), 0.0);
}

TEST(BenchSeries, StabilityIsJudgedOnASteadyMachine) {
  const Series steady = stableWithin(0.25, {100.0, 105.0, 110.0});
  EXPECT_EQ(steady.verdict(0.25, 3, 0.10), Series::Verdict::Met);
  const Series wobbly = stableWithin(0.25, {70.0, 100.0, 110.0});
  EXPECT_EQ(wobbly.verdict(0.25, 3, 0.10), Series::Verdict::Missed);
}

TEST(BenchSeries, StabilityIsNotJudgedWhenTheMachineItselfVariedMore) {
  const Series wobbly = stableWithin(0.25, {70.0, 100.0, 110.0});
  EXPECT_EQ(wobbly.verdict(0.25, 3, 0.40), Series::Verdict::Unsteady);
}

TEST(BenchSeries, BusyWindowsCountForNoVerdict) {
  Series s;
  s.goal = Series::Goal::AtLeast;
  s.target = 0.9;
  s.add(1.0, 0.0);
  s.add(0.5, 1.0);  // another process held a core
  s.add(1.1, 0.0);
  EXPECT_EQ(s.verdict(0.25, 3), Series::Verdict::NoVerdict);
  EXPECT_EQ(s.verdict(0.25, 2), Series::Verdict::Met);
  EXPECT_DOUBLE_EQ(s.figure(0.25), 1.05);
}

}  // namespace
}  // namespace steamsim::bench
