// SPDX-License-Identifier: MIT
// Every bundled scenario (scenarios/library) is valid and passes with its own seed.

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include <steamsim/scenario.hpp>

namespace steamsim::scenario {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> libraryFiles() {
  std::vector<Diagnostic> errors;
  std::vector<std::string> names;
  for (const fs::path& p : collectScenarioFiles({STEAMSIM_SCENARIO_LIBRARY_DIR}, errors)) {
    names.push_back(p.filename().string());
  }
  return names;
}

class Library : public ::testing::TestWithParam<std::string> {};

TEST_P(Library, Passes) {
  const std::string path = std::string(STEAMSIM_SCENARIO_LIBRARY_DIR) + "/" + GetParam();
  const LoadResult loaded = loadScenarioFile(path);
  std::string problems;
  for (const Diagnostic& d : loaded.errors) problems += d.toString() + "\n";
  ASSERT_TRUE(loaded.ok()) << problems;
  const Scenario& s = *loaded.scenario;
  EXPECT_FALSE(s.description.empty()) << "every bundled scenario explains itself";
  EXPECT_NE(s.name, fs::path(path).stem().string()) << "every bundled scenario has a name";
  EXPECT_FALSE(s.expectations.empty());

  const RunResult run = runScenario(s);
  std::ostringstream report;
  writeRun(report, run, TerminalStyle{});
  EXPECT_TRUE(run.passed()) << report.str();
}

std::string testName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Library, ::testing::ValuesIn(libraryFiles()), testName);

TEST(LibraryContents, HasAtLeastTwentyScenarios) {
  EXPECT_GE(libraryFiles().size(), 20U);
}

}  // namespace
}  // namespace steamsim::scenario
