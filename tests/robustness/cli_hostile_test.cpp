// SPDX-License-Identifier: MIT
// The command line used carelessly or with hostile input: bad seeds, outputs that would
// overwrite inputs or each other, files that are not files, enormous sweeps, and running
// out of file descriptors. Each must end with exit status 2 (or 1) and a clear message,
// before anything runs, within bounded time and memory.

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "../support/shell.hpp"

namespace {

namespace fs = std::filesystem;

using steamsim::test::Output;
using steamsim::test::quote;

/// Runs the CLI through the shell; `prefix` may set limits first (e.g. "ulimit -n 64;").
Output run(const std::string& args, const std::string& prefix = {}) {
  const std::string command = prefix + " NO_COLOR=1 " + quote(STEAMSIM_CLI) + " " + args + " 2>&1";
  return steamsim::test::runCommand("/bin/sh -c " + quote(command));
}

std::string library(const std::string& file) {
  return quote(std::string(STEAMSIM_SCENARIO_LIBRARY_DIR) + "/" + file);
}

class CliHostile : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/steamsim-cli-hostile-XXXXXX";
    dir_ = ::mkdtemp(pattern);
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string copyOf(const std::string& library_file) const {
    const std::string to = path(library_file);
    fs::copy_file(std::string(STEAMSIM_SCENARIO_LIBRARY_DIR) + "/" + library_file, to);
    return to;
  }
  static std::string contents(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  fs::path dir_;
};

TEST_F(CliHostile, SeedsMustBeUnsignedDecimalIntegers) {
  for (const char* bad : {"-1", "18446744073709551616", "''", "1e3", "+5", "0x10", "' 7'"}) {
    const Output out = run("run " + library("nagle.json") + " --seed " + bad);
    EXPECT_EQ(out.status, 2) << bad << "\n" << out.text;
    EXPECT_NE(out.text.find("expected an unsigned 64-bit integer"), std::string::npos)
        << bad << "\n"
        << out.text;
    EXPECT_EQ(out.text.find("PASS"), std::string::npos) << bad;
  }
  const Output ok = run("run " + library("nagle.json") + " --seed 18446744073709551615 -q");
  EXPECT_EQ(ok.status, 0) << ok.text;
}

TEST_F(CliHostile, AReportMustNotOverwriteTheScenario) {
  const std::string scenario = copyOf("nagle.json");
  const std::string before = contents(scenario);
  for (const char* flag : {"--json", "--junit", "--trace"}) {
    const Output out = run("run " + quote(scenario) + " " + flag + " " + quote(scenario));
    EXPECT_EQ(out.status, 2) << flag << "\n" << out.text;
    EXPECT_NE(out.text.find("is a scenario file of this run"), std::string::npos) << out.text;
    EXPECT_EQ(contents(scenario), before) << flag;
  }
  // The same file spelled differently is the same file.
  const Output out =
      run("run " + quote(scenario) + " --json " + quote(dir_.string() + "/./sub/../nagle.json"));
  EXPECT_EQ(out.status, 2) << out.text;
  EXPECT_EQ(contents(scenario), before);
}

TEST_F(CliHostile, TwoOutputsMustNotShareAFile) {
  const Output out = run("run " + library("nagle.json") + " --junit " + quote(path("r")) +
                         " --json " + quote(path("r")));
  EXPECT_EQ(out.status, 2) << out.text;
  EXPECT_NE(out.text.find("--json: " + path("r") + " is also the --junit file"), std::string::npos)
      << out.text;
  EXPECT_FALSE(fs::exists(path("r")));  // refused before anything was written
}

TEST_F(CliHostile, EmptyOutputNamesAreRefused) {
  for (const char* flag : {"--junit", "--json", "--trace"}) {
    const Output out = run("run " + library("nagle.json") + " " + flag + " ''");
    EXPECT_EQ(out.status, 2) << flag << "\n" << out.text;
    EXPECT_NE(out.text.find("expected a file name"), std::string::npos) << out.text;
  }
}

TEST_F(CliHostile, ATraceThatCannotBeWrittenFailsBeforeRunning) {
  const Output folder = run("run " + library("nagle.json") + " --trace " + quote(dir_.string()));
  EXPECT_EQ(folder.status, 2) << folder.text;
  EXPECT_EQ(folder.text.find("PASS"), std::string::npos) << folder.text;

  // A writable trace file inside a folder nobody may write to: with two workers the runs'
  // parts must not be lost (they go to a private temporary folder).
  const std::string locked = path("locked");
  fs::create_directory(locked);
  { std::ofstream touch(locked + "/trace.jsonl"); }
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
  const Output out = run("run " + library("nagle.json") + " --seeds 1..3 -j 2 -q --trace " +
                         quote(locked + "/trace.jsonl"));
  EXPECT_EQ(out.status, 0) << out.text;
  const std::string trace = contents(locked + "/trace.jsonl");
  EXPECT_NE(trace.find("\"seed\":1"), std::string::npos);
  EXPECT_NE(trace.find("\"seed\":3"), std::string::npos);
}

TEST_F(CliHostile, FilesThatAreNotRegularAreRefused) {
  const std::string fifo = path("pipe.json");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& file : {std::string("/dev/zero"), std::string("/dev/urandom"), fifo}) {
    const Output out = run("validate " + quote(file));
    EXPECT_EQ(out.status, 2) << file << "\n" << out.text;
    EXPECT_NE(out.text.find("expected a regular file"), std::string::npos) << out.text;
  }
}

TEST_F(CliHostile, AnEndlessSweepStreamsInsteadOfBuildingItsJobList) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizers' shadow memory does not fit the address-space limit this test "
                  "sets";
#endif
  // 2^64 - 1 runs: the first ones start at once and run until `timeout` stops the sweep,
  // within 2 GB of address space; building the job list first took gigabytes in seconds.
  const Output out =
      run("run " + library("nagle.json") + " --seeds 0..18446744073709551614 --no-progress",
          "ulimit -v 2000000; exec timeout 2 env");
  EXPECT_EQ(out.text.find("bad_alloc"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("PASS  "), std::string::npos) << out.text;
  EXPECT_EQ(out.status, 124) << out.text;  // stopped by the timeout, still running

  const Output all = run("run " + library("nagle.json") + " " + library("nagle.json") +
                         " --seeds 0..18446744073709551615");
  EXPECT_EQ(all.status, 2) << all.text;
  EXPECT_NE(all.text.find("fewer than 2^64 runs"), std::string::npos) << all.text;
}

TEST_F(CliHostile, RunningOutOfFileDescriptorsIsAClearError) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "UBSan's vptr check rejects std::system_error thrown from the uninstrumented "
                  "standard library";
#endif
  std::string text = "{\"duration_ms\": 100, \"peers\": {";
  for (int i = 0; i < 200; ++i) {
    text += (i > 0 ? ", " : "") + std::string("\"p") + std::to_string(i) +
            "\": {\"steam_id\": " + std::to_string(1000 + i) + "}";
  }
  text += "}}";
  const std::string file = path("crowd.json");
  {
    std::ofstream out(file);
    out << text;
  }
  const Output out = run("run " + quote(file), "ulimit -n 64;");
  EXPECT_EQ(out.status, 1) << out.text;
  EXPECT_NE(out.text.find("Too many open files"), std::string::npos) << out.text;
  // With the soft limit low but the hard one high, the CLI raises its own soft limit.
  const Output raised = run("run -q " + quote(file), "ulimit -Sn 64;");
  EXPECT_EQ(raised.status, 0) << raised.text;
}

}  // namespace
