// SPDX-License-Identifier: MIT
// LinkConditions::validate, NetworkConfig::validate and the trace kind names.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "steamsim/link_conditions.hpp"
#include "steamsim/network_config.hpp"
#include "steamsim/trace.hpp"

namespace steamsim {
namespace {

using ::testing::HasSubstr;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

/// One bad value of one field, and the text its message must carry.
struct BadLink {
  const char* field;
  std::function<void(LinkConditions&)> set;
  const char* value_text;
};

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

TEST(LinkConditionsValidate, DefaultsAndTypicalValuesAreValid) {
  EXPECT_TRUE(LinkConditions{}.validate().empty());

  LinkConditions typical;
  typical.rate_limit_bytes_per_s = 100000;
  typical.loss_pct = 100;
  typical.burst_loss_pct = 5;
  typical.burst_length_mean = 3;
  typical.latency_ms = 60000;
  typical.jitter_ms = 20;
  typical.reorder_pct = 10;
  typical.reorder_ms = 0;
  typical.duplicate_pct = 1;
  typical.duplicate_ms = 0;
  typical.corrupt_pct = 0.5;
  EXPECT_TRUE(typical.validate().empty()) << joined(typical.validate());

  LinkConditions no_rate;  // a zero burst is fine while no rate is set
  no_rate.rate_limit_burst_bytes = 0;
  EXPECT_TRUE(no_rate.validate().empty());
}

TEST(LinkConditionsValidate, MessageNamesFieldAndValue) {
  LinkConditions conditions;
  conditions.loss_pct = 140;
  const auto problems = conditions.validate();
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0], "loss_pct must be within 0..100, got 140");
}

TEST(LinkConditionsValidate, RejectsEachOutOfRangeField) {
  const std::vector<BadLink> cases = {
      {"rate_limit_bytes_per_s", [](auto& c) { c.rate_limit_bytes_per_s = -1; }, "-1"},
      {"rate_limit_burst_bytes", [](auto& c) { c.rate_limit_burst_bytes = -5; }, "-5"},
      {"rate_limit_burst_bytes",
       [](auto& c) {
         c.rate_limit_bytes_per_s = 1000;
         c.rate_limit_burst_bytes = 0;
       },
       "got 0"},
      {"loss_pct", [](auto& c) { c.loss_pct = -0.5; }, "-0.5"},
      {"loss_pct", [](auto& c) { c.loss_pct = 100.5; }, "100.5"},
      {"burst_loss_pct", [](auto& c) { c.burst_loss_pct = 100; }, "100"},
      {"burst_loss_pct", [](auto& c) { c.burst_loss_pct = -1; }, "-1"},
      {"burst_length_mean", [](auto& c) { c.burst_length_mean = 0.5; }, "0.5"},
      {"burst_length_mean",
       [](auto& c) {
         c.burst_loss_pct = 60;  // needs bursts of at least 1.5 datagrams on average
         c.burst_length_mean = 1;
       },
       "got 1"},
      {"latency_ms", [](auto& c) { c.latency_ms = -1; }, "-1"},
      {"latency_ms", [](auto& c) { c.latency_ms = 60001; }, "60001"},
      {"jitter_ms", [](auto& c) { c.jitter_ms = -3; }, "-3"},
      {"jitter_ms", [](auto& c) { c.jitter_ms = 70000; }, "70000"},
      {"reorder_pct", [](auto& c) { c.reorder_pct = 101; }, "101"},
      {"reorder_ms", [](auto& c) { c.reorder_ms = -2; }, "-2"},
      {"reorder_ms", [](auto& c) { c.reorder_ms = 60000.5; }, "60000.5"},
      {"duplicate_pct", [](auto& c) { c.duplicate_pct = -7; }, "-7"},
      {"duplicate_ms", [](auto& c) { c.duplicate_ms = 1e6; }, "1000000"},
      {"corrupt_pct", [](auto& c) { c.corrupt_pct = 250; }, "250"},
  };
  for (const auto& bad : cases) {
    LinkConditions conditions;
    bad.set(conditions);
    const auto problems = conditions.validate();
    ASSERT_EQ(problems.size(), 1U) << bad.field << ": " << joined(problems);
    EXPECT_EQ(problems[0].rfind(std::string(bad.field) + " ", 0), 0U) << problems[0];
    EXPECT_THAT(problems[0], HasSubstr(bad.value_text)) << bad.field;
  }
}

TEST(LinkConditionsValidate, RejectsNanAndInfinityInEveryNumber) {
  const std::vector<std::pair<const char*, double LinkConditions::*>> fields = {
      {"rate_limit_bytes_per_s", &LinkConditions::rate_limit_bytes_per_s},
      {"rate_limit_burst_bytes", &LinkConditions::rate_limit_burst_bytes},
      {"loss_pct", &LinkConditions::loss_pct},
      {"burst_loss_pct", &LinkConditions::burst_loss_pct},
      {"burst_length_mean", &LinkConditions::burst_length_mean},
      {"latency_ms", &LinkConditions::latency_ms},
      {"jitter_ms", &LinkConditions::jitter_ms},
      {"reorder_pct", &LinkConditions::reorder_pct},
      {"reorder_ms", &LinkConditions::reorder_ms},
      {"duplicate_pct", &LinkConditions::duplicate_pct},
      {"duplicate_ms", &LinkConditions::duplicate_ms},
      {"corrupt_pct", &LinkConditions::corrupt_pct},
  };
  for (const auto& [name, member] : fields) {
    for (double value : {kNan, kInf, -kInf}) {
      LinkConditions conditions;
      conditions.*member = value;
      const auto problems = conditions.validate();
      ASSERT_EQ(problems.size(), 1U) << name << " = " << value << ": " << joined(problems);
      EXPECT_THAT(problems[0], HasSubstr(std::string(name) + " must be a finite number"));
    }
  }
}

TEST(LinkConditionsValidate, ReportsEveryProblemOnItsOwnLine) {
  LinkConditions conditions;
  conditions.loss_pct = 140;
  conditions.latency_ms = -1;
  conditions.corrupt_pct = kNan;
  const auto problems = conditions.validate();
  ASSERT_EQ(problems.size(), 3U) << joined(problems);
  EXPECT_THAT(joined(problems), HasSubstr("loss_pct"));
  EXPECT_THAT(joined(problems), HasSubstr("latency_ms"));
  EXPECT_THAT(joined(problems), HasSubstr("corrupt_pct"));
}

/// One bad value of one NetworkConfig field.
struct BadConfig {
  const char* field;
  std::function<void(NetworkConfig&)> set;
  const char* value_text;
};

TEST(NetworkConfigValidate, DefaultsAndRangeEndsAreValid) {
  EXPECT_TRUE(NetworkConfig{}.validate().empty());

  NetworkConfig low;
  low.nagle = std::chrono::microseconds{0};
  low.send_rate = 1024;
  low.send_buffer = 4096;
  low.broken_session_result = 3;
  EXPECT_TRUE(low.validate().empty()) << joined(low.validate());

  NetworkConfig high;
  high.nagle = std::chrono::microseconds{20000};
  high.send_rate = 268435456;
  high.send_buffer = 268435456;
  EXPECT_TRUE(high.validate().empty()) << joined(high.validate());
}

TEST(NetworkConfigValidate, RejectsEachOutOfRangeField) {
  using std::chrono::microseconds;
  using std::chrono::milliseconds;
  const std::vector<BadConfig> cases = {
      {"timeout_initial", [](auto& c) { c.timeout_initial = milliseconds{0}; }, "got 0"},
      {"timeout_connected", [](auto& c) { c.timeout_connected = milliseconds{-5}; }, "-5"},
      {"idle_timeout", [](auto& c) { c.idle_timeout = milliseconds{0}; }, "got 0"},
      {"nagle", [](auto& c) { c.nagle = microseconds{20001}; }, "20001"},
      {"nagle", [](auto& c) { c.nagle = microseconds{-1}; }, "-1"},
      {"send_rate", [](auto& c) { c.send_rate = 1023; }, "1023"},
      {"send_rate", [](auto& c) { c.send_rate = 268435457; }, "268435457"},
      {"send_buffer", [](auto& c) { c.send_buffer = 4095; }, "4095"},
      {"send_buffer", [](auto& c) { c.send_buffer = 268435457; }, "268435457"},
      {"broken_session_result", [](auto& c) { c.broken_session_result = 1; }, "got 1"},
      {"bind_address", [](auto& c) { c.bind_address.clear(); }, "empty"},
  };
  for (const auto& bad : cases) {
    NetworkConfig config;
    bad.set(config);
    const auto problems = config.validate();
    ASSERT_EQ(problems.size(), 1U) << bad.field << ": " << joined(problems);
    EXPECT_EQ(problems[0].rfind(std::string(bad.field) + " ", 0), 0U) << problems[0];
    EXPECT_THAT(problems[0], HasSubstr(bad.value_text)) << bad.field;
  }
}

TEST(TraceKindNames, AreSnakeCase) {
  EXPECT_EQ(toString(TraceKind::DatagramSent), "datagram_sent");
  EXPECT_EQ(toString(TraceKind::DatagramDropped), "datagram_dropped");
  EXPECT_EQ(toString(TraceKind::DatagramDelayed), "datagram_delayed");
  EXPECT_EQ(toString(TraceKind::DatagramDuplicated), "datagram_duplicated");
  EXPECT_EQ(toString(TraceKind::DatagramCorrupted), "datagram_corrupted");
  EXPECT_EQ(toString(TraceKind::DatagramDelivered), "datagram_delivered");
  EXPECT_EQ(toString(TraceKind::DatagramRejected), "datagram_rejected");
  EXPECT_EQ(toString(TraceKind::ApiCall), "api_call");
  EXPECT_EQ(toString(TraceKind::Signal), "signal");
  EXPECT_EQ(toString(TraceKind::StateChange), "state_change");
  EXPECT_EQ(toString(TraceKind::PeerEvent), "peer_event");
}

}  // namespace
}  // namespace steamsim
