#pragma once
/// \file
/// GoogleTest helpers: a scenario file (or a seed sweep of it) run against the game's own
/// objects inside a `TEST`/`TEST_P`, failing with the report `steamsim run` prints.
/// Target `steamsim::scenario_gtest` (header-only; steamsim::scenario + GoogleTest).
///
/// \code
///   #include <steamsim/scenario/gtest.hpp>
///
///   TEST(LobbyScenarios, ChatSurvivesAPartition) {
///     auto lobby = [](steamsim::scenario::GamePeerContext& peer) {
///       return steamsim::scenario::gamePeer(
///           std::make_unique<Lobby>(peer.api, peer.spec.steam_id, kHost));
///     };
///     EXPECT_TRUE(steamsim::scenario::testing::scenarioPasses("lobby_partition.json", lobby));
///     EXPECT_TRUE(steamsim::scenario::testing::scenarioPasses("lobby_partition.json", lobby,
///                                                            "1..20"));  // a seed sweep
///   }
/// \endcode

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "steamsim/scenario/batch.hpp"
#include "steamsim/scenario/game.hpp"
#include "steamsim/scenario/loader.hpp"
#include "steamsim/scenario/report.hpp"

namespace steamsim::scenario::testing {

/// Runs `scenario` once per seed on a fresh `Network(scenario.networkConfig(seed))` with
/// `games` on its peers. \return success, or a failure whose message is the command line's
/// report of every failed run (expected, got, trace) followed by its summary line.
inline ::testing::AssertionResult scenarioPasses(const Scenario& scenario, const GameFactory& games,
                                                 const std::vector<std::uint64_t>& seeds) {
  std::vector<RunResult> results;
  std::ostringstream report;
  const TerminalStyle style;
  for (std::uint64_t seed : seeds) {
    Network network(scenario.networkConfig(seed));
    RunOptions options;
    options.seed = seed;
    results.push_back(runScenarioWith(network, scenario, games, options));
    if (!results.back().passed()) writeRun(report, results.back(), style);
  }
  writeSummary(report, results, style);
  for (const RunResult& r : results) {
    if (!r.passed()) return ::testing::AssertionFailure() << "\n" << report.str();
  }
  return ::testing::AssertionSuccess() << report.str();
}

/// Runs `scenario` with its own seed, or with every seed of `seeds` ("A..B" or "N").
inline ::testing::AssertionResult scenarioPasses(const Scenario& scenario, const GameFactory& games,
                                                 std::string_view seeds = {}) {
  std::vector<std::uint64_t> list;
  if (seeds.empty()) {
    list.push_back(scenario.seed);
  } else {
    const auto range = parseSeedRange(seeds);
    if (!range) {
      return ::testing::AssertionFailure()
             << "seeds: expected A..B with unsigned integers A <= B, got \"" << seeds << "\"";
    }
    for (std::uint64_t seed = range->first;; ++seed) {
      list.push_back(seed);
      if (seed == range->second) break;
    }
  }
  return scenarioPasses(scenario, games, list);
}

/// Loads the scenario file at `path` and runs it as above. An invalid file fails with every
/// diagnostic (file:line:column: /json/pointer: message), as `steamsim validate` prints them.
inline ::testing::AssertionResult scenarioPasses(const std::filesystem::path& path,
                                                 const GameFactory& games,
                                                 std::string_view seeds = {}) {
  LoadResult loaded = loadScenarioFile(path);
  if (!loaded.ok()) {
    std::ostringstream out;
    writeDiagnostics(out, loaded.errors, TerminalStyle{});
    return ::testing::AssertionFailure() << "invalid scenario file:\n" << out.str();
  }
  return scenarioPasses(*loaded.scenario, games, seeds);
}

/// Same, for a path given as text (a string literal, say).
inline ::testing::AssertionResult scenarioPasses(const char* path, const GameFactory& games,
                                                 std::string_view seeds = {}) {
  return scenarioPasses(std::filesystem::path(path), games, seeds);
}

}  // namespace steamsim::scenario::testing
