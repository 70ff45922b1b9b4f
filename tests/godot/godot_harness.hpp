// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Runs `steamsim serve` and headless Godot processes of the sample game for the `godot`
/// tests. Each Godot process prints one "STEAMSIM-REPORT {json}" line before it quits.

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.hpp"

namespace steamsim::test {

/// How long any one process of a test may take before it is killed.
inline constexpr std::chrono::seconds kProcessDeadline{90};

/// A fresh copy of godot/example (addon included) plus the GDScript checks, under the
/// build tree, with its own HOME so Godot writes nothing elsewhere.
struct GodotProject {
  std::filesystem::path root;  ///< the project folder (for --path)
  std::filesystem::path home;  ///< HOME / XDG folders for the Godot processes
};
GodotProject stageProject(const std::string& name);

/// `steamsim serve` on port 0 with a ready file (and a token file unless `token` is false).
class Server {
 public:
  /// Starts the server and waits (bounded) until its ready file names its address.
  /// \param scenario a scenario file, or empty for a bare network
  Server(const std::string& name, const std::filesystem::path& scenario, bool token = true);
  /// "127.0.0.1:PORT".
  const std::string& address() const { return address_; }
  /// The token file ("" with no token).
  const std::string& tokenFile() const { return token_file_; }
  /// Stops the server (SIGTERM) and returns its exit status.
  int stop();
  ChildProcess& process() { return *process_; }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string address_;
  std::string token_file_;
};

/// What one Godot process did.
struct GodotRun {
  int exit_status = -1;
  std::string out;
  std::string err;
  nlohmann::json report;  ///< the STEAMSIM-REPORT object, null if none was printed
};

/// Starts headless Godot on `project` (its main scene, or `scene`), with `user_arguments`
/// after `--` and `environment` on top of the test's own.
std::unique_ptr<ChildProcess> startGodot(const GodotProject& project,
                                         const std::vector<std::string>& user_arguments,
                                         const std::map<std::string, std::string>& environment = {},
                                         const std::string& scene = "");

/// Waits (bounded) for the process to exit and collects its report. With a `log_name`, its
/// stdout and stderr are also kept in <build>/tests/godot/work/logs/<log_name>.{out,err}.
GodotRun finishGodot(ChildProcess& process, const std::string& log_name = "");

/// Godot's stderr has no "SCRIPT ERROR" (a parse or run-time error in a script).
bool hasScriptError(const GodotRun& run);

/// A description of a run for failure messages: status, stdout and stderr tails.
std::string describe(const GodotRun& run);

/// A TCP port on 127.0.0.1 that refuses connections while the returned socket lives, and
/// a listening socket that accepts connections but never answers.
struct ClosedPort {
  int fd = -1;
  int port = 0;
  ClosedPort();
  ~ClosedPort();
};
struct SilentListener {
  int fd = -1;
  int port = 0;
  SilentListener();
  ~SilentListener();
};

}  // namespace steamsim::test
