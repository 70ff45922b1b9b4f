// SPDX-License-Identifier: MIT
// The sample lobby game (godot/example) as three headless Godot processes attached to one
// `steamsim serve` with 10% loss on every link: a host and two players. Player 2 leaves
// cleanly; player 1 is partitioned from the host. Each process reports what it observed.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <steamsim/remote.hpp>

#include <set>
#include <string>

#include "godot_harness.hpp"

namespace steamsim::test {
namespace {

using nlohmann::json;

constexpr std::int64_t kHost = 76561198000000101;
constexpr std::int64_t kPlayer1 = 76561198000000102;
constexpr std::int64_t kPlayer2 = 76561198000000103;
constexpr int kChatLines = 40;
constexpr int kMoves = 90;

const std::map<std::string, std::string> kMessageTypes{{"payload", "bytes"},
                                                       {"size", "int"},
                                                       {"connection", "int"},
                                                       {"identity", "int"},
                                                       {"receiver_user_data", "int"},
                                                       {"time_received", "int"},
                                                       {"message_number", "int"},
                                                       {"channel", "int"},
                                                       {"flags", "int"},
                                                       {"sender_user_data", "int"}};
const std::map<std::string, std::string> kConnectionTypes{
    {"identity", "int"},          {"user_data", "int"},    {"listen_socket", "int"},
    {"remote_address", "String"}, {"remote_pop", "int"},   {"pop_relay", "int"},
    {"end_reason", "int"},        {"end_debug", "String"}, {"debug_description", "String"},
    {"info_flags", "int"}};
const std::map<std::string, std::string> kStatusTypes{{"state", "int"},
                                                      {"ping", "int"},
                                                      {"local_quality", "float"},
                                                      {"remote_quality", "float"},
                                                      {"packets_out_per_second", "float"},
                                                      {"bytes_out_per_second", "float"},
                                                      {"packets_in_per_second", "float"},
                                                      {"bytes_in_per_second", "float"},
                                                      {"send_rate", "int"},
                                                      {"pending_unreliable", "int"},
                                                      {"pending_reliable", "int"},
                                                      {"sent_unacknowledged_reliable", "int"},
                                                      {"queue_time", "int"}};

json typesOf(bool connection, bool status) {
  json types = {{"connection_state", "int"}};
  if (connection)
    for (const auto& [key, type] : kConnectionTypes) types[key] = type;
  if (status)
    for (const auto& [key, type] : kStatusTypes) types[key] = type;
  return types;
}

/// getSessionConnectionInfo with each combination of get_connection / get_status has exactly
/// GodotSteam's keys with GodotSteam's value types.
void expectInfoCombinations(const json& info, const std::string& who) {
  SCOPED_TRACE(who);
  EXPECT_EQ(info["connection+status"], typesOf(true, true));
  EXPECT_EQ(info["connection+no_status"], typesOf(true, false));
  EXPECT_EQ(info["no_connection+status"], typesOf(false, true));
  EXPECT_EQ(info["no_connection+no_status"], typesOf(false, false));
}

/// `sequence` counts up by one from its first element (reliable: in order, none missing
/// from the moment the receiver was a member, none twice).
void expectConsecutive(const json& sequence, const std::string& what) {
  ASSERT_TRUE(sequence.is_array()) << what;
  ASSERT_FALSE(sequence.empty()) << what;
  for (std::size_t i = 1; i < sequence.size(); ++i)
    ASSERT_EQ(sequence[i].get<int>(), sequence[i - 1].get<int>() + 1)
        << what << " out of order at " << i << ": " << sequence;
}

class GodotLobby : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Server>(
        "lobby", std::string(STEAMSIM_GODOT_TEST_DIR) + "/scenarios/lobby.json");
    project_ = stageProject("lobby_game");
  }
  void TearDown() override { server_->stop(); }

  std::unique_ptr<ChildProcess> start(std::int64_t steam_id, std::vector<std::string> args) {
    args.push_back("--steamsim-id=" + std::to_string(steam_id));
    args.push_back("--steamsim-server=" + server_->address());
    args.push_back("--bot-deadline-ms=60000");
    return startGodot(project_, args, {{"STEAMSIM_TOKEN_FILE", server_->tokenFile()}});
  }

  std::unique_ptr<Server> server_;
  GodotProject project_;
};

TEST_F(GodotLobby, ThreeGodotProcessesPlayTheLobbyUnderLossLeaveAndLoseAPartition) {
  auto deadline = Clock::now() + kProcessDeadline;
  auto host = start(kHost, {"--bot=host", "--bot-players=2", "--name=host"});
  ASSERT_TRUE(host->waitForLine("STEAMSIM-BOT ready", deadline)) << host->out() << host->err();
  const std::string chat = "--bot-chat=" + std::to_string(kChatLines);
  const std::string moves = "--bot-moves=" + std::to_string(kMoves);
  const std::string join = "--join=" + std::to_string(kHost);
  auto player1 = start(
      kPlayer1, {"--bot=player", "--bot-players=2", join, chat, moves, "--bot-finish=partition"});
  auto player2 =
      start(kPlayer2, {"--bot=player", "--bot-players=2", join, chat, moves, "--bot-finish=leave"});

  // Player 1 says when it has finished its checks; then the host (and player 2) are cut
  // off from it while both sides still send reliable data.
  ASSERT_TRUE(player1->waitForLine("STEAMSIM-BOT partition-ready", deadline))
      << player1->out() << player1->err();
  RemoteControl control(RemoteOptions{server_->address(), readTokenFile(server_->tokenFile())});
  control.partition({{static_cast<SteamId>(kHost), static_cast<SteamId>(kPlayer2)},
                     {static_cast<SteamId>(kPlayer1)}});

  auto p1 = finishGodot(*player1, "lobby_player1");
  auto p2 = finishGodot(*player2, "lobby_player2");
  auto h = finishGodot(*host, "lobby_host");
  for (const auto* run : {&h, &p1, &p2}) {
    ASSERT_EQ(run->exit_status, 0) << describe(*run);
    ASSERT_FALSE(hasScriptError(*run)) << describe(*run);
    ASSERT_TRUE(run->report.is_object()) << describe(*run);
    ASSERT_EQ(run->report["timed_out"], false) << describe(*run);
  }
  const auto& host_report = h.report;
  const auto& p1_report = p1.report;
  const auto& p2_report = p2.report;
  const auto key1 = std::to_string(kPlayer1);
  const auto key2 = std::to_string(kPlayer2);
  const auto host_key = std::to_string(kHost);

  // Start-up calls.
  EXPECT_EQ(host_report["steam_id"], kHost);
  EXPECT_EQ(p1_report["steam_id"], kPlayer1);
  EXPECT_EQ(p2_report["steam_id"], kPlayer2);
  for (const auto* report : {&host_report, &p1_report, &p2_report}) {
    EXPECT_EQ((*report)["is_steam_running"], true);
    EXPECT_EQ((*report)["logged_on"], true);
  }

  // network_messages_session_request: once per player on the host, accepted; none on the
  // players, who opened the sessions (B2, B3).
  std::multiset<std::int64_t> requests;
  for (const auto& request : host_report["session_requests"]) {
    EXPECT_EQ(request["accepted"], true) << request;
    requests.insert(request["remote"].get<std::int64_t>());
  }
  EXPECT_EQ(requests, (std::multiset<std::int64_t>{kPlayer1, kPlayer2}));
  EXPECT_EQ(p1_report["session_requests"], json::array());
  EXPECT_EQ(p2_report["session_requests"], json::array());

  // Reliable chat on channel 0 under 10% loss: every line once, in order (B15).
  json all_lines = json::array();
  for (int i = 1; i <= kChatLines; ++i) all_lines.push_back(i);
  EXPECT_EQ(host_report["chat"][key1], all_lines);
  EXPECT_EQ(host_report["chat"][key2], all_lines);
  expectConsecutive(p1_report["chat"][key2], "player 1 hearing player 2");
  expectConsecutive(p2_report["chat"][key1], "player 2 hearing player 1");
  EXPECT_EQ(p1_report["send_results"]["chat_1"], kChatLines + 1);
  EXPECT_EQ(p2_report["send_results"]["chat_1"], kChatLines + 1);

  // Unreliable positions on channel 1: some arrive, none twice, none invented (B16).
  for (const auto& key : {key1, key2}) {
    const auto& seen = host_report["positions"][key];
    ASSERT_TRUE(seen.is_array()) << key;
    EXPECT_GT(seen.size(), 0u) << key;
    EXPECT_LE(seen.size(), static_cast<std::size_t>(kMoves)) << key;
    std::set<int> unique;
    for (const auto& s : seen) {
      EXPECT_GE(s.get<int>(), 1);
      EXPECT_LE(s.get<int>(), kMoves);
      unique.insert(s.get<int>());
    }
    EXPECT_EQ(unique.size(), seen.size()) << "duplicates from " << key;
  }
  EXPECT_EQ(p1_report["send_results"]["position_1"], kMoves);

  // Received message dictionaries: GodotSteam's keys and types; flags 8 reliable, 0 not.
  for (const auto* report : {&host_report, &p1_report}) {
    for (const char* channel : {"0", "1"}) {
      EXPECT_EQ((*report)["message_types"][channel], json(kMessageTypes)) << channel;
    }
    EXPECT_EQ((*report)["flags"]["0"], json::array({8}));
    EXPECT_EQ((*report)["flags"]["1"], json::array({0}));
    EXPECT_FALSE((*report)["probes"].contains("size_mismatch"));
  }

  // getSessionConnectionInfo: keys and value types for every get_connection/get_status.
  expectInfoCombinations(host_report["info"], "host about player 1");
  expectInfoCombinations(p1_report["info"], "player 1 about the host");
  expectInfoCombinations(p2_report["info"], "player 2 about the host");
  const auto& connected = host_report["info"]["guest_connected"];
  EXPECT_EQ(connected["connection_state"], 3);
  EXPECT_EQ(connected["state"], 3);
  EXPECT_EQ(connected["identity"], kPlayer1);
  EXPECT_EQ(connected["end_reason"], 0);
  EXPECT_NE(connected["debug_description"].get<std::string>().find("steamid:" + key1),
            std::string::npos)
      << connected;
  EXPECT_FALSE(connected["remote_address"].get<std::string>().empty());
  EXPECT_EQ(p1_report["info"]["host_connected"]["identity"], kHost);
  const auto& unknown = host_report["info"]["unknown"];
  EXPECT_EQ(unknown["connection_state"], 0);
  EXPECT_EQ(unknown["identity"], 0);
  EXPECT_EQ(unknown["end_debug"], "");

  // Host-side probes: accept, close channel/session results, send limits.
  const auto& probes = host_report["probes"];
  EXPECT_EQ(probes["accept_active"], true);
  EXPECT_EQ(probes["accept_unknown"], false);
  EXPECT_EQ(probes["close_channel_received"], true);
  EXPECT_EQ(probes["close_channel_again"], false);
  EXPECT_EQ(probes["close_channel_never_received"], false);
  EXPECT_EQ(probes["close_session_unknown"], false);
  EXPECT_EQ(probes["close_channel_unknown"], false);
  EXPECT_EQ(probes["receive_max_zero"], 0);
  EXPECT_EQ(probes["receive_empty_channel"], 0);
  EXPECT_EQ(probes["send_to_zero"], 8);
  EXPECT_EQ(probes["send_oversize"], 8);

  // Player 2 leaves: its "leave" is acknowledged, then it closes the session (B9, B10).
  const auto& leave = p2_report["probes"];
  EXPECT_EQ(p2_report["send_results"]["leave_1"], 1);
  EXPECT_EQ(leave["close_channel_never_received"], false);
  EXPECT_EQ(leave["close_session"], true);
  EXPECT_EQ(leave["close_session_again"], false);
  EXPECT_EQ(leave["close_channel_after_close"], false);
  EXPECT_EQ(p2_report["info"]["after_close"]["connection_state"], 0);

  // The partition: player 1 had reliable data in flight, so it reports 5003 (B12), and so
  // does the host, which was sending game state every frame.
  ASSERT_EQ(p1_report["connection_lost"].size(), 1u) << p1_report["connection_lost"];
  const auto& failed = p1_report["connection_lost"][0];
  EXPECT_EQ(failed["remote"], kHost);
  EXPECT_EQ(failed["reason"], 5003);
  EXPECT_EQ(failed["connection_state"], 5);
  EXPECT_FALSE(failed["debug_message"].get<std::string>().empty());
  const auto& after = p1_report["info"]["after_failure"];
  EXPECT_EQ(after["connection_state"], 5);
  EXPECT_EQ(after["end_reason"], 5003);
  EXPECT_EQ(p1_report["probes"]["send_after_failure"], 35) << "ConnectFailed (B7)";
  EXPECT_EQ(p1_report["probes"]["send_auto_restart"], 1) << "AutoRestartBrokenSession (B7)";
  EXPECT_NE(p1_report["info"]["after_restart"]["connection_state"], 5);
  bool host_saw_drop = false;
  for (const auto& lost : host_report["connection_lost"]) {
    if (lost["remote"] == kPlayer1) {
      EXPECT_EQ(lost["reason"], 5003) << lost;
      EXPECT_TRUE(lost["connection_state"] == 5 || lost["connection_state"] == 4) << lost;
      host_saw_drop = true;
    }
  }
  EXPECT_TRUE(host_saw_drop) << host_report["connection_lost"];
  std::set<std::int64_t> left;
  for (const auto& id : host_report["members_left"]) left.insert(id.get<std::int64_t>());
  EXPECT_EQ(left, (std::set<std::int64_t>{kPlayer1, kPlayer2}));
}

}  // namespace
}  // namespace steamsim::test
