// SPDX-License-Identifier: MIT
#include "godot_harness.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace steamsim::test {
namespace fs = std::filesystem;

namespace {

fs::path workDir() {
  return fs::path(STEAMSIM_GODOT_WORK_DIR);
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// "HOST:PORT" in the ready file once it is complete, else "".
std::string addressIn(const fs::path& ready_file) {
  static const std::regex address(R"((\d+\.\d+\.\d+\.\d+:\d+))");
  std::smatch match;
  auto text = readFile(ready_file);
  if (std::regex_search(text, match, address)) return match[1];
  return "";
}

std::string tail(const std::string& text, std::size_t bytes = 4000) {
  return text.size() <= bytes ? text : "..." + text.substr(text.size() - bytes);
}

std::pair<int, int> loopbackSocket(bool listening) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    throw std::runtime_error("bind failed");
  if (listening && ::listen(fd, 8) != 0) throw std::runtime_error("listen failed");
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  return {fd, ntohs(address.sin_port)};
}

}  // namespace

GodotProject stageProject(const std::string& name) {
  GodotProject project{workDir() / name / "project", workDir() / name / "home"};
  fs::remove_all(workDir() / name);
  fs::create_directories(project.home);
  // Copies the example with its addon (the addons/steamsim link is followed), then the checks.
  fs::copy(fs::path(STEAMSIM_GODOT_SOURCE_DIR) / "example", project.root,
           fs::copy_options::recursive);
  fs::copy(fs::path(STEAMSIM_GODOT_TEST_DIR) / "gdscript", project.root / "tests",
           fs::copy_options::recursive);
  return project;
}

Server::Server(const std::string& name, const fs::path& scenario, bool token) {
  // Its own folder per process: tests of one fixture run in parallel, each with its server
  // and token, and must not read each other's token file.
  auto dir = workDir() / name / ("server-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto ready_file = dir / "ready";
  std::vector<std::string> argv{STEAMSIM_CLI,  "serve",        "--listen",
                                "127.0.0.1:0", "--ready-file", ready_file.string()};
  if (!scenario.empty()) {
    argv.push_back("--scenario");
    argv.push_back(scenario.string());
  }
  if (token) {
    token_file_ = (dir / "token").string();
    argv.push_back("--token-file");
    argv.push_back(token_file_);
  } else {
    argv.push_back("--no-token");
  }
  process_ = std::make_unique<ChildProcess>(argv, std::map<std::string, std::string>{});
  auto deadline = Clock::now() + std::chrono::seconds(30);
  // The server writes the ready file when it accepts attaches; its output is read meanwhile
  // in slices, so a server that exits early is noticed at once.
  while (address_.empty()) {
    if (Clock::now() >= deadline)
      throw std::runtime_error("steamsim serve wrote no ready file within 30 s; stderr: " +
                               process_->err());
    bool open =
        process_->readSome(std::min(deadline, Clock::now() + std::chrono::milliseconds(20)));
    if (fs::exists(ready_file)) address_ = addressIn(ready_file);
    if (!open && address_.empty()) {
      int status = process_->waitForExit(Clock::now() + std::chrono::seconds(5));
      throw std::runtime_error("steamsim serve exited (status " + std::to_string(status) +
                               ") before it was ready; stderr: " + process_->err());
    }
  }
}

int Server::stop() {
  process_->signal(SIGTERM);
  return process_->waitForExit(Clock::now() + std::chrono::seconds(20));
}

std::unique_ptr<ChildProcess> startGodot(const GodotProject& project,
                                         const std::vector<std::string>& user_arguments,
                                         const std::map<std::string, std::string>& environment,
                                         const std::string& scene) {
  std::vector<std::string> argv{STEAMSIM_GODOT_BINARY, "--path", project.root.string()};
  if (!scene.empty()) argv.push_back(scene);
  argv.push_back("--");
  argv.insert(argv.end(), user_arguments.begin(), user_arguments.end());
  std::map<std::string, std::string> env{{"HOME", project.home.string()},
                                         {"XDG_DATA_HOME", (project.home / "data").string()},
                                         {"XDG_CONFIG_HOME", (project.home / "config").string()},
                                         {"XDG_CACHE_HOME", (project.home / "cache").string()},
                                         {"STEAMSIM_ID", ""},
                                         {"STEAMSIM_SERVER", ""},
                                         {"STEAMSIM_TOKEN", ""},
                                         {"STEAMSIM_TOKEN_FILE", ""},
                                         {"STEAMSIM_TIMEOUT_MS", ""}};
  for (const auto& [key, value] : environment) env[key] = value;
  return std::make_unique<ChildProcess>(argv, env);
}

GodotRun finishGodot(ChildProcess& process, const std::string& log_name) {
  GodotRun run;
  run.exit_status = process.waitForExit(Clock::now() + kProcessDeadline);
  run.out = process.out();
  run.err = process.err();
  if (!log_name.empty()) {
    fs::create_directories(workDir() / "logs");
    std::ofstream(workDir() / "logs" / (log_name + ".out"), std::ios::binary) << run.out;
    std::ofstream(workDir() / "logs" / (log_name + ".err"), std::ios::binary) << run.err;
  }
  auto reports = linesStartingWith(run.out, "STEAMSIM-REPORT ");
  if (!reports.empty()) {
    run.report = nlohmann::json::parse(reports.back(), nullptr, /*allow_exceptions=*/false);
    if (run.report.is_discarded()) run.report = nullptr;
  }
  return run;
}

bool hasScriptError(const GodotRun& run) {
  return run.err.find("SCRIPT ERROR") != std::string::npos ||
         run.out.find("SCRIPT ERROR") != std::string::npos;
}

std::string describe(const GodotRun& run) {
  return "exit status " + std::to_string(run.exit_status) + "\n--- stdout:\n" + tail(run.out) +
         "\n--- stderr:\n" + tail(run.err);
}

ClosedPort::ClosedPort() {
  std::tie(fd, port) = loopbackSocket(false);
}
ClosedPort::~ClosedPort() {
  ::close(fd);
}
SilentListener::SilentListener() {
  std::tie(fd, port) = loopbackSocket(true);
}
SilentListener::~SilentListener() {
  ::close(fd);
}

}  // namespace steamsim::test
