// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// A child process with captured stdout and stderr, for tests that drive `steamsim serve`
/// and headless Godot. Every wait has a deadline; nothing sleeps.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace steamsim::test {

using Clock = std::chrono::steady_clock;

/// Starts `argv` with extra environment variables and captures both output streams. The
/// destructor kills a child that is still running.
class ChildProcess {
 public:
  /// \param argv program and arguments (argv[0] is a path)
  /// \param environment variables set on top of this process's environment
  ChildProcess(std::vector<std::string> argv,
               const std::map<std::string, std::string>& environment);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Reads output until `done(stdout so far)` holds or the deadline passes; false on
  /// timeout or when the child closed its output first.
  bool readUntil(const std::function<bool(const std::string&)>& done, Clock::time_point deadline);
  /// Reads whatever output arrives until the deadline (at most one batch); false once the
  /// child has closed both output streams.
  bool readSome(Clock::time_point deadline) { return pump(deadline); }
  /// Reads until a line of stdout starts with `prefix`; false on timeout or exit.
  bool waitForLine(const std::string& prefix, Clock::time_point deadline);
  /// Reads all output and reaps the child; kills it (SIGKILL) at the deadline. Returns the
  /// exit status, or -1 when it had to be killed or died from a signal.
  int waitForExit(Clock::time_point deadline);
  /// Sends `signal_number` (if it is still running).
  void signal(int signal_number);

  /// Everything the child wrote to stdout / stderr so far.
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }
  /// True once the child was reaped.
  bool exited() const { return exited_; }
  /// The signal that ended the child, 0 if it exited normally.
  int terminatingSignal() const { return terminating_signal_; }

 private:
  /// One poll of both pipes, waiting at most until `deadline`; false when both are closed.
  bool pump(Clock::time_point deadline);
  void reap(bool block);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  bool exited_ = false;
  int status_ = -1;
  int terminating_signal_ = 0;
};

/// `lines` of `text` that start with `prefix`, with the prefix removed.
std::vector<std::string> linesStartingWith(const std::string& text, const std::string& prefix);

}  // namespace steamsim::test
