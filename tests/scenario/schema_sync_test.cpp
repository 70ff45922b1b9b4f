// SPDX-License-Identifier: MIT
// scenarios/schema/scenario.schema.json and the loader accept the same keys.

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>
#include <steamsim/scenario.hpp>

namespace steamsim::scenario {
namespace {

nlohmann::json schema() {
  std::ifstream in(STEAMSIM_SCENARIO_SCHEMA);
  EXPECT_TRUE(in.good()) << STEAMSIM_SCENARIO_SCHEMA;
  return nlohmann::json::parse(in);
}

std::set<std::string> keysOf(const nlohmann::json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

TEST(Schema, IsDraft2020_12WithTitleAndDescriptions) {
  const nlohmann::json s = schema();
  EXPECT_EQ(s.at("$schema"), "https://json-schema.org/draft/2020-12/schema");
  EXPECT_TRUE(s.contains("title"));
  EXPECT_FALSE(s.at("additionalProperties").get<bool>());
  // Every property of every object carries a description, for editor completion.
  const auto check = [](const std::string& where, const nlohmann::json& object) {
    for (const auto& [key, value] : object.at("properties").items()) {
      EXPECT_TRUE(value.contains("description")) << where << "/" << key << " has no description";
    }
  };
  check("(root)", s);
  for (const auto& [name, def] : s.at("$defs").items()) {
    EXPECT_TRUE(def.contains("description")) << "$defs/" << name << " has no description";
    if (def.contains("properties")) check("$defs/" + name, def);
  }
}

TEST(Schema, AcceptsExactlyTheLoadersKeys) {
  const nlohmann::json s = schema();
  std::set<std::string> kinds;
  for (const auto& [kind, keys] : acceptedKeys()) {
    SCOPED_TRACE(kind);
    kinds.insert(kind);
    const nlohmann::json& object = kind == "scenario" ? s : s.at("$defs").at(kind);
    ASSERT_TRUE(object.contains("properties")) << kind;
    EXPECT_EQ(keysOf(object.at("properties")), std::set<std::string>(keys.begin(), keys.end()));
    EXPECT_FALSE(object.at("additionalProperties").get<bool>())
        << kind << " must reject unknown keys, as the loader does";
  }
  // And the other way round: every object definition of the schema is a kind the loader reads.
  for (const auto& [name, def] : s.at("$defs").items()) {
    if (def.contains("properties")) {
      EXPECT_TRUE(kinds.count(name) == 1) << "$defs/" << name << " is unknown to the loader";
    }
  }
}

TEST(Schema, EnumsMatchTheLoadersNames) {
  const nlohmann::json s = schema();
  std::set<std::string> flags;
  for (const auto& f : sendFlagNames()) flags.insert(std::string(f.name));
  EXPECT_EQ(s.at("$defs").at("send_flag").at("enum").get<std::set<std::string>>(), flags);
  EXPECT_EQ(s.at("$defs")
                .at("peer")
                .at("properties")
                .at("accept")
                .at("enum")
                .get<std::set<std::string>>(),
            (std::set<std::string>{"auto", "manual", "ignore"}));
  EXPECT_EQ(s.at("properties").at("clock").at("enum").get<std::set<std::string>>(),
            (std::set<std::string>{"virtual", "real"}));
  EXPECT_EQ(s.at("$defs")
                .at("expectation")
                .at("properties")
                .at("signal")
                .at("enum")
                .get<std::set<std::string>>(),
            (std::set<std::string>{"session_request", "session_failed"}));
}

}  // namespace
}  // namespace steamsim::scenario
