// SPDX-License-Identifier: MIT
// toDictionary: exactly GodotSteam's keys and value types (int, float, String; payloads as
// arrays of byte values) for messages, session connection info and session failures.
#include "steamsim/dictionary.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>

namespace steamsim {
namespace {

using ::testing::ElementsAre;
using Json = nlohmann::json;

const std::set<std::string> kMessageKeys = {
    "payload",       "size",           "connection", "identity", "receiver_user_data",
    "time_received", "message_number", "channel",    "flags",    "sender_user_data"};

// Keys getSessionConnectionInfo adds with get_connection (connection_state is always there).
const std::set<std::string> kConnectionKeys = {
    "identity",  "user_data",  "listen_socket", "remote_address",    "remote_pop",
    "pop_relay", "end_reason", "end_debug",     "debug_description", "info_flags"};
const std::set<std::string> kConnectionStringKeys = {"remote_address", "end_debug",
                                                     "debug_description"};

// Keys added with get_status.
const std::set<std::string> kStatusKeys = {"state",
                                           "ping",
                                           "local_quality",
                                           "remote_quality",
                                           "packets_out_per_second",
                                           "bytes_out_per_second",
                                           "packets_in_per_second",
                                           "bytes_in_per_second",
                                           "send_rate",
                                           "pending_unreliable",
                                           "pending_reliable",
                                           "sent_unacknowledged_reliable",
                                           "queue_time"};
const std::set<std::string> kStatusFloatKeys = {"local_quality",          "remote_quality",
                                                "packets_out_per_second", "bytes_out_per_second",
                                                "packets_in_per_second",  "bytes_in_per_second"};

std::set<std::string> keysOf(const Json& d) {
  std::set<std::string> keys;
  for (const auto& item : d.items()) keys.insert(item.key());
  return keys;
}

std::set<std::string> unite(std::set<std::string> a, const std::set<std::string>& b) {
  a.insert(b.begin(), b.end());
  return a;
}

// Every value has the Variant type GodotSteam gives it.
void expectTypes(const Json& d) {
  for (const auto& item : d.items()) {
    const std::string& key = item.key();
    const Json& value = item.value();
    if (key == "payload") {
      ASSERT_TRUE(value.is_array()) << key;
      for (const Json& b : value) {
        EXPECT_TRUE(b.is_number_integer()) << key;
        EXPECT_GE(b.get<int>(), 0);
        EXPECT_LE(b.get<int>(), 255);
      }
    } else if (kConnectionStringKeys.count(key) != 0 || key == "debug_message") {
      EXPECT_TRUE(value.is_string()) << key << " = " << value;
    } else if (kStatusFloatKeys.count(key) != 0) {
      EXPECT_TRUE(value.is_number_float()) << key << " = " << value;
    } else {
      EXPECT_TRUE(value.is_number_integer()) << key << " = " << value;
    }
  }
}

ConnectionInfo sampleConnection() {
  ConnectionInfo c;
  c.identity = 76561198000000002ULL;
  c.user_data = -1;
  c.listen_socket = 0;
  c.remote_address = "127.0.0.1";
  c.remote_pop = 0;
  c.pop_relay = 0;
  c.connection_state = ConnectionState::ClosedByPeer;
  c.end_reason = 1001;
  c.end_debug = "CloseSessionWithUser";
  c.debug_description = "#7 P2P steamid:76561198000000002 msg vport";
  c.info_flags = 8;
  return c;
}

RealTimeStatus sampleStatus() {
  RealTimeStatus s;
  s.state = ConnectionState::Connected;
  s.ping = 42;
  s.local_quality = 0.5F;
  s.remote_quality = -1.0F;
  s.packets_out_per_second = 10.0F;
  s.bytes_out_per_second = 1000.0F;
  s.packets_in_per_second = 12.0F;
  s.bytes_in_per_second = 1200.0F;
  s.send_rate = 262144;
  s.pending_unreliable = 3;
  s.pending_reliable = 4;
  s.sent_unacknowledged_reliable = 5;
  s.queue_time = std::numeric_limits<std::int64_t>::max();
  return s;
}

TEST(DictionaryTest, MessageHasExactlyGodotSteamKeys) {
  Message m;
  m.payload = {0x00, 0x7f, 0xff};
  m.size = 3;
  m.identity = 76561198000000002ULL;
  m.time_received = 123456789;
  m.message_number = 17;
  m.channel = 2;
  m.flags = 8;
  const Json d = toDictionary(m);
  EXPECT_EQ(keysOf(d), kMessageKeys);
  expectTypes(d);
  EXPECT_THAT(d["payload"].get<std::vector<int>>(), ElementsAre(0, 127, 255));
  EXPECT_EQ(d["size"], 3);
  EXPECT_EQ(d["connection"], 0);
  EXPECT_EQ(d["identity"].get<std::uint64_t>(), 76561198000000002ULL);
  EXPECT_EQ(d["receiver_user_data"], 0);
  EXPECT_EQ(d["time_received"], 123456789);
  EXPECT_EQ(d["message_number"], 17);
  EXPECT_EQ(d["channel"], 2);
  EXPECT_EQ(d["flags"], 8);
  EXPECT_EQ(d["sender_user_data"], 0);
}

TEST(DictionaryTest, MessageWithEmptyPayloadKeepsAnEmptyArray) {
  const Json d = toDictionary(Message{});
  EXPECT_EQ(keysOf(d), kMessageKeys);
  ASSERT_TRUE(d["payload"].is_array());
  EXPECT_TRUE(d["payload"].empty());
  expectTypes(d);
}

TEST(DictionaryTest, MessageKeepsNegativeChannel) {
  Message m;
  m.channel = -5;
  EXPECT_EQ(toDictionary(m)["channel"], -5);
}

TEST(DictionaryTest, SessionInfoWithNothingRequestedHasOnlyConnectionState) {
  SessionConnectionInfo info;
  info.connection_state = ConnectionState::Connecting;
  const Json d = toDictionary(info);
  EXPECT_EQ(keysOf(d), std::set<std::string>{"connection_state"});
  EXPECT_EQ(d["connection_state"], 1);
  expectTypes(d);
}

TEST(DictionaryTest, SessionInfoWithConnectionOnly) {
  SessionConnectionInfo info;
  info.connection_state = ConnectionState::Connected;
  info.connection = sampleConnection();
  const Json d = toDictionary(info);
  EXPECT_EQ(keysOf(d), unite(kConnectionKeys, {"connection_state"}));
  expectTypes(d);
  EXPECT_EQ(d["identity"].get<std::uint64_t>(), 76561198000000002ULL);
  EXPECT_EQ(d["user_data"], -1);
  EXPECT_EQ(d["listen_socket"], 0);
  EXPECT_EQ(d["remote_address"], "127.0.0.1");
  EXPECT_EQ(d["remote_pop"], 0);
  EXPECT_EQ(d["pop_relay"], 0);
  EXPECT_EQ(d["end_reason"], 1001);
  EXPECT_EQ(d["end_debug"], "CloseSessionWithUser");
  EXPECT_EQ(d["debug_description"], "#7 P2P steamid:76561198000000002 msg vport");
  EXPECT_EQ(d["info_flags"], 8);
}

TEST(DictionaryTest, ConnectionStateIsOverwrittenByTheConnectionsState) {
  SessionConnectionInfo info;
  info.connection_state = ConnectionState::Connected;  // what the call returned
  info.connection = sampleConnection();                // m_eState = ClosedByPeer
  EXPECT_EQ(toDictionary(info)["connection_state"], 4);

  info.connection.reset();  // without get_connection the returned state stays
  EXPECT_EQ(toDictionary(info)["connection_state"], 3);
}

TEST(DictionaryTest, SessionInfoWithStatusOnly) {
  SessionConnectionInfo info;
  info.connection_state = ConnectionState::Connected;
  info.status = sampleStatus();
  const Json d = toDictionary(info);
  EXPECT_EQ(keysOf(d), unite(kStatusKeys, {"connection_state"}));
  expectTypes(d);
  EXPECT_EQ(d["connection_state"], 3);
  EXPECT_EQ(d["state"], 3);
  EXPECT_EQ(d["ping"], 42);
  EXPECT_FLOAT_EQ(d["local_quality"].get<float>(), 0.5F);
  EXPECT_FLOAT_EQ(d["remote_quality"].get<float>(), -1.0F);
  EXPECT_FLOAT_EQ(d["packets_out_per_second"].get<float>(), 10.0F);
  EXPECT_FLOAT_EQ(d["bytes_out_per_second"].get<float>(), 1000.0F);
  EXPECT_FLOAT_EQ(d["packets_in_per_second"].get<float>(), 12.0F);
  EXPECT_FLOAT_EQ(d["bytes_in_per_second"].get<float>(), 1200.0F);
  EXPECT_EQ(d["send_rate"], 262144);
  EXPECT_EQ(d["pending_unreliable"], 3);
  EXPECT_EQ(d["pending_reliable"], 4);
  EXPECT_EQ(d["sent_unacknowledged_reliable"], 5);
  EXPECT_EQ(d["queue_time"].get<std::int64_t>(), std::numeric_limits<std::int64_t>::max());
  // GodotSteam's docs misspell these; the code (and steamsim) does not use them.
  EXPECT_FALSE(d.contains("send_unacknowledged_reliable"));
}

TEST(DictionaryTest, SessionInfoWithBoth) {
  SessionConnectionInfo info;
  info.connection_state = ConnectionState::ClosedByPeer;
  info.connection = sampleConnection();
  info.status = sampleStatus();
  const Json d = toDictionary(info);
  EXPECT_EQ(keysOf(d), unite(unite(kConnectionKeys, kStatusKeys), {"connection_state"}));
  EXPECT_EQ(d.size(), 24u);
  expectTypes(d);
  // state (status) and connection_state (connection) are separate keys.
  EXPECT_EQ(d["connection_state"], 4);
  EXPECT_EQ(d["state"], 3);
}

TEST(DictionaryTest, NoSessionWithBothRequestedHasEveryKeyZeroed) {
  SessionConnectionInfo info;  // state None, as getSessionConnectionInfo fills it
  info.connection = ConnectionInfo{};
  info.status = RealTimeStatus{};
  const Json d = toDictionary(info);
  EXPECT_EQ(keysOf(d), unite(unite(kConnectionKeys, kStatusKeys), {"connection_state"}));
  expectTypes(d);
  for (const auto& item : d.items()) {
    if (item.value().is_string()) {
      EXPECT_EQ(item.value(), "") << item.key();
    } else {
      EXPECT_EQ(item.value(), 0) << item.key();
    }
  }
}

TEST(DictionaryTest, SessionFailedHasTheSignalsFourArguments) {
  SessionFailed f;
  f.reason = 5003;
  f.remote_steam_id = 76561198000000003ULL;
  f.connection_state = ConnectionState::ProblemDetectedLocally;
  f.debug_message = "Timed out attempting to connect";
  const Json d = toDictionary(f);
  EXPECT_EQ(keysOf(d), (std::set<std::string>{"reason", "remote_steam_id", "connection_state",
                                              "debug_message"}));
  expectTypes(d);
  EXPECT_EQ(d["reason"], 5003);
  EXPECT_EQ(d["remote_steam_id"].get<std::uint64_t>(), 76561198000000003ULL);
  EXPECT_EQ(d["connection_state"], 5);
  EXPECT_EQ(d["debug_message"], "Timed out attempting to connect");
}

}  // namespace
}  // namespace steamsim
