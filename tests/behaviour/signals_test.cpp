// SPDX-License-Identifier: MIT
// B25: signals are queued and delivered by runCallbacks() (or by the clock when
// embed_callbacks is on), in the order they occurred.

#include <gtest/gtest.h>

#include "behaviour_support.hpp"

namespace steamsim::behaviour {
namespace {

/// The kind and remote of each recorded signal, without reason/state ("request <id>",
/// "failed <id>").
std::vector<std::string> kindsAndRemotes(const SignalLog& log) {
  std::vector<std::string> out;
  for (const std::string& entry : log.sequence) {
    const std::size_t second_space = entry.find(' ', entry.find(' ') + 1);
    out.push_back(entry.substr(0, second_space));
  }
  return out;
}

TEST(Signals, B25_SignalsWaitForRunCallbacksAndComeInTheOrderTheyOccurred) {
  NetworkConfig config;
  config.embed_callbacks = false;
  Sim s(config);
  SignalLog log_c;
  Peer& c = s.addPeer(kC, log_c);

  ASSERT_EQ(s.a.sendMessageToUser(kB, "from a", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(3s);
  ASSERT_EQ(c.sendMessageToUser(kB, "from c", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(15s);  // both attempts are ignored and fail: A's at ~10 s, C's at ~13 s

  EXPECT_TRUE(s.log_b.sequence.empty()) << "delivered without runCallbacks";
  EXPECT_TRUE(s.log_a.sequence.empty());
  EXPECT_EQ(s.b.pendingCallbacks(), 4U);
  EXPECT_EQ(s.a.pendingCallbacks(), 1U);

  s.b.runCallbacks();
  EXPECT_EQ(s.b.pendingCallbacks(), 0U);
  const std::vector<std::string> expected = {
      "request " + std::to_string(kA), "request " + std::to_string(kC),
      "failed " + std::to_string(kA), "failed " + std::to_string(kC)};
  EXPECT_EQ(kindsAndRemotes(s.log_b), expected);
  for (const SignalLog::Failure& f : s.log_b.failures) {
    EXPECT_EQ(f.reason, static_cast<int>(ConnectionEnd::Misc_Timeout));
  }
  EXPECT_TRUE(s.log_a.sequence.empty()) << "one peer's runCallbacks delivered another's";

  s.b.runCallbacks();
  EXPECT_EQ(s.log_b.sequence.size(), 4U) << "delivered twice";

  s.a.runCallbacks();
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  EXPECT_EQ(s.log_a.failures[0].remote, kB);
  EXPECT_EQ(s.log_a.failures[0].reason, static_cast<int>(ConnectionEnd::Misc_Timeout));
}

TEST(Signals, B25_EmbeddedCallbacksAreDeliveredByTheClockAsTheyOccur) {
  Sim s;  // embed_callbacks defaults to true
  const std::int64_t t0 = s.nowUs();
  ASSERT_EQ(s.a.sendMessageToUser(kB, "x", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(100ms);
  ASSERT_EQ(s.log_b.requests.size(), 1U);
  EXPECT_LT(s.log_b.requests[0].at_us - t0, 10 * kUsPerMs);
  EXPECT_EQ(s.b.pendingCallbacks(), 0U);
  s.net.advance(12s);
  ASSERT_EQ(s.log_a.failures.size(), 1U);
  EXPECT_TRUE(between(toSeconds(s.log_a.failures[0].at_us - t0), 9.99, 10.5))
      << "delivered late, not as it occurred";
  EXPECT_EQ(s.a.pendingCallbacks(), 0U);
}

TEST(Signals, B25_HandlersMayCallTheApi) {
  NetworkConfig config;
  config.embed_callbacks = false;
  Sim s(config);
  s.log_b.auto_accept = true;  // accepts from inside the handler
  ASSERT_EQ(s.a.sendMessageToUser(kB, "knock", NETWORKING_SEND_RELIABLE, 0), Result::OK);
  s.net.advance(100ms);
  EXPECT_TRUE(s.log_b.accept_results.empty());
  s.b.runCallbacks();
  ASSERT_EQ(s.log_b.accept_results.size(), 1U);
  EXPECT_TRUE(s.log_b.accept_results[0]);
  Inbox inbox(s.b, {0});
  ASSERT_TRUE(inbox.waitFor(s.net, 1, 2s));
  EXPECT_EQ(inbox.got[0].payload, bytesOf("knock"));
}

}  // namespace
}  // namespace steamsim::behaviour
