// SPDX-License-Identifier: MIT
// The steamsim Godot addon on its own, in headless Godot: its constants and signals, the
// start-up calls with no server, a silent server and bad configuration, and argument
// validation while attached to a real `steamsim serve`.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "godot_harness.hpp"

namespace steamsim::test {
namespace {

using nlohmann::json;

constexpr const char* kChecksScene = "res://tests/addon_checks.tscn";
constexpr std::int64_t kCheckerId = 76561198000000201;

/// GodotSteam's bound constants (their names, misspellings included, and Valve's values).
const std::map<std::string, std::int64_t>& expectedConstants() {
  static const std::map<std::string, std::int64_t> constants{
      {"NETWORKING_SEND_UNRELIABLE", 0},
      {"NETWORKING_SEND_NO_NAGLE", 1},
      {"NETWORKING_SEND_URELIABLE_NO_NAGLE", 1},
      {"NETWORKING_SEND_NO_DELAY", 4},
      {"NETWORKING_SEND_UNRELIABLE_NO_DELAY", 5},
      {"NETWORKING_SEND_RELIABLE", 8},
      {"NETWORKING_SEND_RELIABLE_NO_NAGLE", 9},
      {"NETWORKING_SEND_USE_CURRENT_THREAD", 16},
      {"NETWORKING_SEND_AUTORESTART_BROKEN_SESSION", 32},
      {"MAX_STEAM_PACKET_SIZE", 524288},
      {"CONNECTION_END_INVALID", 0},
      {"CONNECTION_END_APP_MIN", 1000},
      {"CONNECTION_END_APP_GENERIC", 1000},
      {"CONNECTION_END_APP_MAX", 1999},
      {"CONNECTION_END_APP_EXCEPTION_MIN", 2000},
      {"CONNECTION_END_APP_EXCEPTION_GENERIC", 2000},
      {"CONNECTION_END_APP_EXCEPTION_MAX", 2999},
      {"CONNECTION_END_LOCAL_MIN", 3000},
      {"CONNECTION_END_LOCAL_OFFLINE_MODE", 3001},
      {"CONNECTION_END_LOCAL_MANY_RELAY_CONNECTIVITY", 3002},
      {"CONNECTION_END_LOCAL_HOSTED_SERVER_PRIMARY_RELAY", 3003},
      {"CONNECTION_END_LOCAL_NETWORK_CONFIG", 3004},
      {"CONNECTION_END_LOCAL_RIGHTS", 3005},
      {"CONNECTION_END_NO_PUBLIC_ADDRESS", 3006},
      {"CONNECTION_END_LOCAL_MAX", 3999},
      {"CONNECTION_END_REMOVE_MIN", 4000},
      {"CONNECTION_END_REMOTE_TIMEOUT", 4001},
      {"CONNECTION_END_REMOTE_BAD_CRYPT", 4002},
      {"CONNECTION_END_REMOTE_BAD_CERT", 4003},
      {"CONNECTION_END_BAD_PROTOCOL_VERSION", 4006},
      {"CONNECTION_END_REMOTE_P2P_ICE_NO_PUBLIC_ADDRESSES", 4007},
      {"CONNECTION_END_REMOTE_MAX", 4999},
      {"CONNECTION_END_MISC_MIN", 5000},
      {"CONNECTION_END_MISC_GENERIC", 5001},
      {"CONNECTION_END_MISC_INTERNAL_ERROR", 5002},
      {"CONNECTION_END_MISC_TIMEOUT", 5003},
      {"CONNECTION_END_MISC_STEAM_CONNECTIVITY", 5005},
      {"CONNECTION_END_MISC_NO_RELAY_SESSIONS_TO_CLIENT", 5006},
      {"CONNECTION_END_MISC_P2P_RENDEZVOUS", 5008},
      {"CONNECTION_END_MISC_P2P_NAT_FIREWALL", 5009},
      {"CONNECTION_END_MISC_PEER_SENT_NO_CONNECTION", 5010},
      {"CONNECTION_END_MISC_MAX", 5999},
      {"CONNECTION_END_FORCE32BIT", 0x7fffffff},
      {"CONNECTION_STATE_NONE", 0},
      {"CONNECTION_STATE_CONNECTING", 1},
      {"CONNECTION_STATE_FINDING_ROUTE", 2},
      {"CONNECTION_STATE_CONNECTED", 3},
      {"CONNECTION_STATE_CLOSED_BY_PEER", 4},
      {"CONNECTION_STATE_PROBLEM_DETECTED_LOCALLY", 5},
      {"CONNECTION_STATE_FIN_WAIT", -1},
      {"CONNECTION_STATE_LINGER", -2},
      {"CONNECTION_STATE_DEAD", -3},
      {"CONNECTION_STATE_FORCE_32BIT", 0x7fffffff},
      {"RESULT_NONE", 0},
      {"RESULT_OK", 1},
      {"RESULT_FAIL", 2},
      {"RESULT_NO_CONNECTION", 3},
      {"RESULT_INVALID_PARAM", 8},
      {"RESULT_INVALID_STATE", 11},
      {"RESULT_ACCESS_DENIED", 15},
      {"RESULT_TIMEOUT", 16},
      {"RESULT_SERVICE_UNAVAILABLE", 20},
      {"RESULT_LIMIT_EXCEEDED", 25},
      {"RESULT_CONNECT_FAILED", 35},
      {"RESULT_IGNORED", 41},
      {"STEAM_API_INIT_RESULT_OK", 0},
      {"STEAM_API_INIT_RESULT_FAILED_GENERIC", 1},
      {"STEAM_API_INIT_RESULT_NO_STEAM_CLIENT", 2},
      {"STEAM_API_INIT_RESULT_VERSION_MISMATCH", 3},
  };
  return constants;
}

GodotRun runCheck(const std::string& name, const std::vector<std::string>& arguments,
                  const std::map<std::string, std::string>& environment = {}) {
  auto project = stageProject("addon_" + name);
  auto arguments_with_check = arguments;
  arguments_with_check.push_back("--check=" + name);
  auto process = startGodot(project, arguments_with_check, environment, kChecksScene);
  return finishGodot(*process);
}

void expectRan(const GodotRun& run) {
  ASSERT_EQ(run.exit_status, 0) << describe(run);
  ASSERT_FALSE(hasScriptError(run)) << describe(run);
  ASSERT_TRUE(run.report.is_object()) << describe(run);
  ASSERT_FALSE(run.report.contains("error")) << describe(run);
}

/// The values every call returns while not attached (GodotSteam's guard values).
void expectGuardValues(const json& results, const std::string& context) {
  SCOPED_TRACE(context);
  EXPECT_EQ(results["send"], 0);
  EXPECT_EQ(results["receive"], json::array());
  EXPECT_EQ(results["accept"], false);
  EXPECT_EQ(results["close_session"], false);
  EXPECT_EQ(results["close_channel"], false);
  EXPECT_EQ(results["info"], json::object());
  EXPECT_EQ(results["steam_id"], 0);
  EXPECT_EQ(results["running"], false);
  EXPECT_EQ(results["logged_on"], false);
}

TEST(GodotAddon, ConstantsAreGodotSteamsNamesAndValves) {
  auto run = runCheck("constants", {});
  expectRan(run);
  const auto& constants = run.report["constants"];
  for (const auto& [name, value] : expectedConstants()) {
    ASSERT_TRUE(constants.contains(name)) << name << " is missing";
    EXPECT_EQ(constants[name], value) << name;
  }
  // Nothing beyond GodotSteam's names in the families it binds (no invented spellings).
  for (const auto& [name, value] : constants.items()) {
    EXPECT_TRUE(expectedConstants().contains(name)) << "unexpected constant " << name;
  }
}

TEST(GodotAddon, SignalsAndCallsHaveGodotSteamsNames) {
  auto run = runCheck("constants", {});
  expectRan(run);
  std::map<std::string, json> signals;
  for (const auto& description : run.report["signals"])
    signals[description["name"].get<std::string>()] = description["args"];
  std::map<std::string, json> expected_signals{
      {"network_messages_session_request", json::array({"remote_steam_id"})},
      {"network_messages_session_failed",
       json::array({"reason", "remote_steam_id", "connection_state", "debug_message"})}};
  EXPECT_EQ(signals, expected_signals);
  std::set<std::string> methods;
  for (const auto& name : run.report["methods"]) methods.insert(name.get<std::string>());
  for (const char* name :
       {"sendMessageToUser", "receiveMessagesOnChannel", "acceptSessionWithUser",
        "closeSessionWithUser", "closeChannelWithUser", "getSessionConnectionInfo", "run_callbacks",
        "steamInit", "steamInitEx", "isSteamRunning", "getSteamID", "loggedOn", "steamShutdown",
        "get_steam_init_result"}) {
    EXPECT_TRUE(methods.contains(name)) << name;
  }
}

TEST(GodotAddon, NoServerMeansAFailureStatusAnErrorAndNoHang) {
  ClosedPort closed;
  auto start = Clock::now();
  auto run = runCheck("absent", {"--steamsim-id=76561198000000201",
                                 "--steamsim-server=127.0.0.1:" + std::to_string(closed.port)});
  auto elapsed = Clock::now() - start;
  expectRan(run);
  expectGuardValues(run.report["before_init"], "before steamInit");
  expectGuardValues(run.report["after_init"], "after a failed steamInit");
  EXPECT_EQ(run.report["init_ex"]["status"], 2) << "STEAM_API_INIT_RESULT_NO_STEAM_CLIENT";
  EXPECT_NE(run.report["init_ex"]["verbal"].get<std::string>().find("127.0.0.1"),
            std::string::npos);
  EXPECT_EQ(run.report["init_ex_modern"]["status"], 2);
  EXPECT_EQ(run.report["init_legacy"]["status"], 20) << "GodotSteam's 'Steam not running'";
  EXPECT_EQ(run.report["init_modern"], false);
  EXPECT_EQ(run.report["init_result"]["status"], 2);
  EXPECT_LT(run.report["init_ex_ms"].get<int>(), 5000);
  EXPECT_LT(elapsed, std::chrono::seconds(60));
  EXPECT_NE(run.err.find("steamsim: Steam initialisation failed"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("called before a successful steamInit"), std::string::npos) << run.err;
}

TEST(GodotAddon, ASilentServerTimesOutWithinTheConfiguredBound) {
  SilentListener silent;
  auto run = runCheck("absent", {"--steamsim-id=76561198000000201",
                                 "--steamsim-server=127.0.0.1:" + std::to_string(silent.port),
                                 "--steamsim-timeout-ms=300"});
  expectRan(run);
  EXPECT_EQ(run.report["init_ex"]["status"], 2);
  EXPECT_NE(run.report["init_ex"]["verbal"].get<std::string>().find("no answer"), std::string::npos)
      << run.report["init_ex"];
  EXPECT_GE(run.report["init_ex_ms"].get<int>(), 250);
  EXPECT_LT(run.report["init_ex_ms"].get<int>(), 3000);
  expectGuardValues(run.report["after_init"], "after timing out");
}

TEST(GodotAddon, BadConfigurationIsReportedNotGuessed) {
  struct Case {
    const char* name;
    std::map<std::string, std::string> environment;
    int status;
    const char* explanation;
  };
  const std::string id = "76561198000000201";
  const std::vector<Case> cases{
      {"no_id", {{"STEAMSIM_SERVER", "127.0.0.1:9"}}, 1, "STEAMSIM_ID"},
      {"id_not_a_number",
       {{"STEAMSIM_ID", "7656x"}, {"STEAMSIM_SERVER", "127.0.0.1:9"}},
       1,
       "'7656x'"},
      {"id_zero", {{"STEAMSIM_ID", "0"}, {"STEAMSIM_SERVER", "127.0.0.1:9"}}, 1, "non-zero"},
      {"no_server", {{"STEAMSIM_ID", id}}, 2, "STEAMSIM_SERVER"},
      {"server_without_port",
       {{"STEAMSIM_ID", id}, {"STEAMSIM_SERVER", "localhost"}},
       1,
       "HOST:PORT"},
      {"port_out_of_range",
       {{"STEAMSIM_ID", id}, {"STEAMSIM_SERVER", "127.0.0.1:70000"}},
       1,
       "HOST:PORT"},
      {"timeout_not_a_number",
       {{"STEAMSIM_ID", id}, {"STEAMSIM_SERVER", "127.0.0.1:9"}, {"STEAMSIM_TIMEOUT_MS", "soon"}},
       1,
       "STEAMSIM_TIMEOUT_MS"},
      {"unreadable_token_file",
       {{"STEAMSIM_ID", id},
        {"STEAMSIM_SERVER", "127.0.0.1:9"},
        {"STEAMSIM_TOKEN_FILE", "/nonexistent/steamsim-token"}},
       1,
       "token file"},
  };
  auto project = stageProject("addon_configuration");
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto run = finishGodot(*startGodot(project, {"--check=absent"}, c.environment, kChecksScene));
    expectRan(run);
    EXPECT_EQ(run.report["init_ex"]["status"], c.status) << run.report["init_ex"];
    EXPECT_NE(run.report["init_ex"]["verbal"].get<std::string>().find(c.explanation),
              std::string::npos)
        << run.report["init_ex"];
    EXPECT_NE(run.err.find(c.explanation), std::string::npos) << run.err;
  }
}

class GodotAddonAttached : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Server>(
        "addon_attached", std::string(STEAMSIM_GODOT_TEST_DIR) + "/scenarios/addon_checks.json");
  }
  void TearDown() override { server_->stop(); }
  std::map<std::string, std::string> environment() const {
    return {{"STEAMSIM_SERVER", server_->address()},
            {"STEAMSIM_TOKEN_FILE", server_->tokenFile()},
            {"STEAMSIM_ID", std::to_string(kCheckerId)}};
  }
  std::unique_ptr<Server> server_;
};

TEST_F(GodotAddonAttached, ArgumentsAreValidatedAndResultsAreGodotSteams) {
  auto project = stageProject("addon_attached_checks");
  auto process = startGodot(project, {"--check=attached"}, environment(), kChecksScene);
  auto run = finishGodot(*process);
  expectRan(run);
  const auto& r = run.report;
  EXPECT_EQ(r["init_ex"], (json{{"status", 0}, {"verbal", "Steamworks active."}}));
  EXPECT_EQ(r["init_again"]["status"], 0);
  EXPECT_EQ(r["init_embedded"]["status"], 0);
  EXPECT_EQ(r["processing_without_embed"], false);
  EXPECT_EQ(r["processing_with_embed"], true) << "embed_callbacks runs run_callbacks each frame";
  EXPECT_EQ(r["processing_after_unembed"], false);
  EXPECT_EQ(r["init_legacy"]["status"], 1);
  EXPECT_EQ(r["init_modern"], true);
  EXPECT_EQ(r["steam_id"], kCheckerId);
  EXPECT_EQ(r["running"], true);
  EXPECT_EQ(r["logged_on"], true);
  EXPECT_EQ(r["running_after_shutdown"], false);
  EXPECT_EQ(r["steam_id_after_shutdown"], 0);
  const auto& x = r["results"];
  EXPECT_EQ(x["send_bytes"], 1);
  EXPECT_EQ(x["send_int_array"], 1);
  EXPECT_EQ(x["send_float_channel"], 1);
  EXPECT_EQ(x["send_largest"], 1) << "MAX_STEAM_PACKET_SIZE bytes are accepted";
  EXPECT_EQ(x["send_over_buffer"], 25) << "LimitExceeded: unsent bytes over the send buffer";
  EXPECT_EQ(x["send_oversize"], 8);
  EXPECT_EQ(x["send_to_zero"], 8);
  EXPECT_EQ(x["send_string_data"], 8);
  EXPECT_EQ(x["send_bad_array"], 8);
  EXPECT_EQ(x["send_string_id"], 8);
  EXPECT_EQ(x["send_string_channel"], 8);
  EXPECT_EQ(x["receive_zero"], json({{"array_size", 0}}));
  EXPECT_EQ(x["receive_negative"], json({{"array_size", 0}}));
  EXPECT_EQ(x["receive_nothing"], json({{"array_size", 0}}));
  EXPECT_EQ(x["receive_string_channel"], json({{"array_size", 0}}));
  EXPECT_EQ(x["accept_unknown"], false);
  EXPECT_EQ(x["accept_string_id"], false);
  EXPECT_EQ(x["accept_self_initiated"], true);
  EXPECT_EQ(x["close_channel_not_received"], false);
  EXPECT_EQ(x["close_channel_string"], false);
  EXPECT_EQ(x["close_session_unknown"], false);
  EXPECT_EQ(x["info_bad_flags"], json::object());
  EXPECT_EQ(x["close_session_other"], true);
  EXPECT_EQ(x["close_session_other_again"], false);
  // No session: state 0 and every requested key present and zero (B8).
  const auto& unknown = x["info_unknown"];
  EXPECT_EQ(unknown.size(), 24u) << unknown;
  for (const auto& [key, value] : unknown.items()) {
    if (value.is_string())
      EXPECT_EQ(value, "") << key;
    else
      EXPECT_EQ(value.get<double>(), 0.0) << key;
  }
  EXPECT_EQ(x["info_other"]["identity"], 76561198000000999);
  EXPECT_GE(x["info_other"]["connection_state"].get<int>(), 1);
  EXPECT_LE(x["info_other"]["connection_state"].get<int>(), 3);
  for (const char* complaint :
       {"data must be a byte array", "remote_steam_id, flags and channel must be integers",
        "channel and max_messages must be integers", "remote_steam_id must be an integer",
        "channel must be an integer", "get_connection and get_status must be booleans"}) {
    EXPECT_NE(run.err.find(complaint), std::string::npos) << complaint << "\n" << run.err;
  }
}

TEST_F(GodotAddonAttached, AWrongTokenOrATakenSteamIdFailsInit) {
  auto project = stageProject("addon_refused");
  auto env = environment();
  env["STEAMSIM_TOKEN_FILE"] = "";
  env["STEAMSIM_TOKEN"] = "not-the-token";
  auto wrong = finishGodot(*startGodot(project, {"--check=absent"}, env, kChecksScene));
  expectRan(wrong);
  EXPECT_EQ(wrong.report["init_ex"]["status"], 1) << wrong.report["init_ex"];
  EXPECT_NE(wrong.err.find("refused"), std::string::npos) << wrong.err;

  // The first process holds the Steam ID; a second one with the same ID is refused.
  auto holder = startGodot(project, {"--check=server_lost"}, environment(), kChecksScene);
  ASSERT_TRUE(holder->waitForLine("STEAMSIM-CHECK attached", Clock::now() + kProcessDeadline))
      << holder->out() << holder->err();
  auto second = finishGodot(*startGodot(project, {"--check=absent"}, environment(), kChecksScene));
  expectRan(second);
  EXPECT_EQ(second.report["init_ex"]["status"], 1) << second.report["init_ex"];
  server_->stop();
  finishGodot(*holder);
}

TEST_F(GodotAddonAttached, LosingTheServerFailsCallsFastInsteadOfHanging) {
  auto project = stageProject("addon_server_lost");
  auto process = startGodot(project, {"--check=server_lost"}, environment(), kChecksScene);
  ASSERT_TRUE(process->waitForLine("STEAMSIM-CHECK attached", Clock::now() + kProcessDeadline))
      << process->out() << process->err();
  server_->stop();
  auto run = finishGodot(*process);
  expectRan(run);
  EXPECT_EQ(run.report["init_ex"]["status"], 0);
  EXPECT_EQ(run.report["send_after_loss"], 0);
  EXPECT_EQ(run.report["running"], false);
  EXPECT_EQ(run.report["receive_after_loss"], json::array());
  EXPECT_EQ(run.report["info_after_loss"], json::object());
  EXPECT_LT(run.report["wait_ms"].get<int>(), 15000);
  EXPECT_NE(run.err.find("steamsim: sendMessageToUser"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace steamsim::test
