// Malformed scenario files are rejected before anything runs, each with the exact
// `file:line:column: /json/pointer: expected ..., got ...` message.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <steamsim/scenario.hpp>

namespace steamsim::scenario {
namespace {

struct Case {
  const char* file;
  std::vector<const char*> messages;  // every diagnostic, in order
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"syntax_trailing_comma.json",
       {"syntax_trailing_comma.json:4:38: invalid JSON: syntax error while parsing object key - "
        "unexpected '}'; expected string literal"}},
      {"syntax_unterminated_string.json",
       {"syntax_unterminated_string.json:2:32: invalid JSON: syntax error while parsing value - "
        "invalid string: control character U+000A (LF) must be escaped to \\u000A or \\n; last "
        "read: '\"unterminated string,<U+000A>'"}},
      {"syntax_empty_file.json",
       {"syntax_empty_file.json:1:1: invalid JSON: syntax error while parsing value - unexpected "
        "end of input; expected '[', '{', or a literal"}},
      {"not_an_object.json", {"not_an_object.json:1:1: expected a scenario object, got an array"}},
      {"missing_duration.json",
       {"missing_duration.json:1:1: /duration_ms: expected the length of the run in "
        "milliseconds, got nothing (\"duration_ms\" is required)"}},
      {"unknown_top_level_key.json",
       {"unknown_top_level_key.json:3:3: /descripton: expected one of the keys $schema, name, "
        "description, seed, duration_ms, clock, config, peers, links, timeline, expect, got "
        "unknown key \"descripton\" (did you mean \"description\"?)"}},
      {"unknown_peer_key.json",
       {"unknown_peer_key.json:5:30: /peers/host/acept: expected one of the keys steam_id, "
        "accept, poll_ms, reading, external, got unknown key \"acept\" (did you mean "
        "\"accept\"?)"}},
      {"wrong_type_seed.json",
       {"wrong_type_seed.json:3:11: /seed: expected an unsigned 64-bit integer, got \"seven\""}},
      {"bad_accept_policy.json",
       {"bad_accept_policy.json:5:40: /peers/host/accept: expected \"auto\", \"manual\" or "
        "\"ignore\", got \"always\""}},
      {"duplicate_steam_id.json",
       {"duplicate_steam_id.json:6:28: /peers/guest/steam_id: expected a Steam ID no other peer "
        "has, got 76561198000000001 (already the Steam ID of \"host\")"}},
      {"duplicate_peer_name.json",
       {"duplicate_peer_name.json:6:5: /peers/host: expected each key once in an object, got "
        "\"host\" again (first at line 5, column 5)"}},
      {"unknown_peer_reference.json",
       {"unknown_peer_reference.json:9:27: /timeline/0/peer: expected a peer name (\"host\" or "
        "\"guest\"), got \"gust\" (did you mean \"guest\"?)"}},
      {"link_value_out_of_range.json",
       {"link_value_out_of_range.json:7:43: /links/1/loss_pct: loss_pct must be within 0..100, "
        "got 140"}},
      {"config_value_out_of_range.json",
       {"config_value_out_of_range.json:4:27: /config/nagle_us: nagle_us must be within "
        "0..20000 us, got 30000"}},
      {"burst_length_too_short.json",
       {"burst_length_too_short.json:5:82: /links/0/burst_length_mean: burst_length_mean must "
        "be >= burst_loss_pct / (100 - burst_loss_pct) = 3 for burst_loss_pct 75, got 2"}},
      {"expectation_after_the_end.json",
       {"expectation_after_the_end.json:9:77: /expect/0/by_ms: expected a time within the run "
        "(0..30000 ms, duration_ms), got 40000; the expectation could never be checked"}},
      {"two_actions_in_one_entry.json",
       {"two_actions_in_one_entry.json:7:7: /timeline/0/accept: expected one action per "
        "timeline entry, got \"send\" and \"accept\" (use two entries at the same at_ms)"}},
      {"send_without_payload.json",
       {"send_without_payload.json:6:44: /timeline/0/send/payload: expected a text \"payload\" "
        "or a \"size\" in bytes, got nothing (\"payload\" is required)"}},
      {"bad_flag_name.json",
       {"bad_flag_name.json:7:58: /timeline/0/send/flags/0: expected a send flag name (a number "
        "or one of unreliable, no_nagle, no_delay, reliable, use_current_thread or "
        "auto_restart_broken_session), got \"realiable\" (did you mean \"reliable\"?)"}},
      {"number_overflow.json",
       {"number_overflow.json:3:11: expected a number a double can hold, got 1E999"}},
      {"time_range_reversed.json",
       {"time_range_reversed.json:6:85: /expect/0/between_ms: expected a time range [from_ms, "
        "to_ms] with from_ms <= to_ms, got [5000,1000]"}},
      {"restart_without_crash.json",
       {"restart_without_crash.json:6:49: /timeline/0/restart: expected a crashed peer, got "
        "\"host\", which is running at 2000 ms (crash it earlier in the timeline)"}},
      {"accept_by_ignoring_peer.json",
       {"accept_by_ignoring_peer.json:7:47: /timeline/1/accept: expected a peer whose accept "
        "policy is \"manual\" or \"auto\", got \"host\", which has \"accept\": \"ignore\""}},
      {"received_with_no_sender.json",
       {"received_with_no_sender.json:9:35: /expect/0/received: expected a timeline send to "
        "\"host\" from \"guest\" on channel 2 that could deliver these messages, got none; the "
        "expectation could never be met"}},
      {"unknown_signal.json",
       {"unknown_signal.json:6:33: /expect/0/signal: expected \"session_request\" or "
        "\"session_failed\", got \"session_fail\" (did you mean \"session_failed\"?)"}},
      {"count_and_min.json",
       {"count_and_min.json:6:59: /expect/0/received/min: expected either \"count\" or "
        "\"min\"/\"max\", got both"}},
      {"zero_steam_id_peer.json",
       {"zero_steam_id_peer.json:4:33: /peers/a/steam_id: expected a non-zero Steam ID, got 0"}},
      {"multiple_errors.json",
       {"multiple_errors.json:2:11: /name: expected a non-empty name, got \"\"",
        "multiple_errors.json:3:18: /duration_ms: expected a duration in milliseconds > 0 and "
        "<= 86400000 (one day), got -5",
        "multiple_errors.json:5:27: /peers/host/steam_id: expected a non-zero Steam ID, got 0",
        "multiple_errors.json:5:41: /peers/host/poll_ms: expected a period in milliseconds "
        "within 1..60000, got 0"}},
  };
  return all;
}

class Malformed : public ::testing::TestWithParam<Case> {};

TEST_P(Malformed, IsRejectedWithTheExactMessage) {
  const Case& c = GetParam();
  const std::string path = std::string(STEAMSIM_SCENARIO_TEST_DIR) + "/malformed/" + c.file;
  const LoadResult result = loadScenarioFile(path, c.file);
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.scenario.has_value());
  std::vector<std::string> got;
  for (const Diagnostic& d : result.errors) got.push_back(d.toString());
  std::vector<std::string> want(c.messages.begin(), c.messages.end());
  EXPECT_EQ(got, want);
}

std::string caseName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.file;
  name = name.substr(0, name.find('.'));
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, Malformed, ::testing::ValuesIn(cases()), caseName);

TEST(Malformed, EveryFileInTheFolderHasACase) {
  std::vector<Diagnostic> errors;
  const auto files =
      collectScenarioFiles({std::string(STEAMSIM_SCENARIO_TEST_DIR) + "/malformed"}, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_GE(files.size(), 15U);
  for (const auto& file : files) {
    bool found = false;
    for (const Case& c : cases()) found = found || file.filename() == c.file;
    EXPECT_TRUE(found) << file << " has no expected message in malformed_test.cpp";
  }
  EXPECT_EQ(files.size(), cases().size());
}

TEST(Malformed, AnUnreadableFileIsReportedWithoutAPosition) {
  const LoadResult result = loadScenarioFile("/nonexistent/steamsim/none.json", "none.json");
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors[0].toString(), "none.json: cannot read the file");
}

TEST(Malformed, PositionsCountCharactersNotBytes) {
  // "é" is two bytes in UTF-8 but one column.
  const std::string text =
      "{\n  \"name\": \"caf\xC3\xA9\", \"seed\": -1,\n  \"duration_ms\": 1000,\n"
      "  \"peers\": { \"a\": { \"steam_id\": 1 } }\n}\n";
  const LoadResult result = loadScenarioText(text, "t.json");
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors[0].toString(),
            "t.json:2:27: /seed: expected an unsigned 64-bit integer, got -1");
}

TEST(Malformed, CommentsAreAllowedAndSkipped) {
  const std::string text =
      "// a scenario with comments\n{\n  /* block */ \"duration_ms\": 1000, // trailing\n"
      "  \"peers\": { \"a\": { \"steam_id\": 1, \"poll_ms\": \"x\" } }\n}\n";
  const LoadResult result = loadScenarioText(text, "c.json");
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors[0].toString(),
            "c.json:4:47: /peers/a/poll_ms: expected a period in milliseconds, got \"x\"");
}

}  // namespace
}  // namespace steamsim::scenario
