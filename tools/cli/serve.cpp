// SPDX-License-Identifier: MIT
// steamsim serve: the network, the attach server, the token and ready files, the status
// line, signals, and the scenario mode with run's reports and exit codes.

#include "serve.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <steamsim/remote/scenario_host.hpp>
#include <steamsim/remote/server.hpp>
#include <steamsim/scenario.hpp>

#include "run_outputs.hpp"

namespace steamsim::cli {

namespace {

namespace sc = steamsim::scenario;

constexpr const char* kDefaultTokenFile = ".steamsim-token";

/// Splits "HOST:PORT" ("[v6]:PORT"); a bare host means port 0.
bool parseListen(const std::string& text, std::string& host, std::uint16_t& port,
                 std::string& error) {
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) {
      error = "expected [IPv6]:PORT, got \"" + text + "\"";
      return false;
    }
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') {
        error = "expected [IPv6]:PORT, got \"" + text + "\"";
        return false;
      }
      port_text = text.substr(close + 2);
    }
  } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  } else {
    host = text;
  }
  if (host.empty()) host = "127.0.0.1";
  port = 0;
  if (!port_text.empty()) {
    char* end = nullptr;
    errno = 0;
    const unsigned long value = std::strtoul(port_text.c_str(), &end, 10);
    if (errno != 0 || end == port_text.c_str() || *end != '\0' || value > 65535) {
      error = "expected a port 0..65535, got \"" + port_text + "\"";
      return false;
    }
    port = static_cast<std::uint16_t>(value);
  }
  return true;
}

/// Writes `text` to `path` with mode 0600 (no symlink followed). \return an error or "".
std::string writePrivateFile(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot write " + path + ": " + std::strerror(errno);
  std::string error;
  if (::fchmod(fd, 0600) != 0) error = "cannot make " + path + " private: " + std::strerror(errno);
  std::size_t done = 0;
  while (error.empty() && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = "cannot write " + path + ": " + std::strerror(errno);
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return error;
}

/// Writes the ready file atomically (a reader never sees it half-written).
std::string writeReadyFile(const std::string& path, const std::string& address) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << address << "\n";
    if (!out.flush()) return "cannot write --ready-file " + temp;
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    return "cannot write --ready-file " + path + ": " + std::strerror(errno);
  }
  return {};
}

bool colorFor(const std::string& choice, int fd) {
  if (choice == "always") return true;
  if (choice == "never") return false;
  return sc::colorWanted(fd);
}

/// The status line: peers attached, datagrams, drops.
std::string statusLine(Network& network, const remote::Server& server) {
  const remote::ServerStats stats = server.stats();
  const NetworkCounters counters = network.counters();
  std::uint64_t drops = 0;
  const auto ids = network.peerIds();
  if (ids.size() <= 64) {
    for (SteamId from : ids) {
      for (SteamId to : ids) {
        if (from == to) continue;
        const LinkCounters c = network.linkCounters(from, to);
        drops += c.dropped_down + c.dropped_rate_limit + c.dropped_loss + c.dropped_burst;
      }
    }
  }
  return "serving " + server.address() + ": " + std::to_string(stats.attached) +
         " peer(s) attached, " + std::to_string(counters.datagrams) + " datagrams, " +
         std::to_string(drops) + " dropped";
}

/// SIGINT/SIGTERM are blocked in every thread and taken synchronously by the main one.
sigset_t stopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

/// Waits up to `ms` for SIGINT/SIGTERM. \return the signal, or 0.
int waitForStopSignal(const sigset_t& set, int ms) {
  timespec timeout{ms / 1000, static_cast<long>(ms % 1000) * 1000000L};
  const int sig = ::sigtimedwait(&set, nullptr, &timeout);
  return sig > 0 ? sig : 0;
}

struct Setup {
  std::string host;
  std::uint16_t port = 0;
  std::string token;
};

/// Validates the options and prepares the token. \return the exit status on failure.
std::optional<int> prepare(const ServeCommandOptions& options, Setup& setup) {
  std::string error;
  if (!parseListen(options.listen, setup.host, setup.port, error)) {
    std::cerr << "steamsim serve: --listen: " << error << "\n";
    return kExitInvalid;
  }
  if (!options.no_token) {
    setup.token = remote::generateToken();
    const std::string path = options.token_file.empty() ? kDefaultTokenFile : options.token_file;
    if (std::string e = writePrivateFile(path, setup.token + "\n"); !e.empty()) {
      std::cerr << "steamsim serve: --token-file: " << e << "\n";
      return kExitInvalid;
    }
    std::cerr << "steamsim serve: token written to " << path << " (mode 0600)\n";
  }
  return std::nullopt;
}

void announce(const std::string& address, const ServeCommandOptions& options) {
  std::cout << "steamsim serve: listening on " << address << std::endl;
  if (address.rfind("127.", 0) != 0 && address.rfind("[::1]", 0) != 0) {
    std::cerr << "steamsim serve: warning: " << address
              << " is not a loopback address; any host that reaches it"
              << (options.no_token ? "" : " with the token") << " can attach\n";
  }
  if (!options.ready_file.empty()) {
    if (std::string e = writeReadyFile(options.ready_file, address); !e.empty()) {
      std::cerr << "steamsim serve: " << e << "\n";
    }
  }
}

int serveNetwork(const ServeCommandOptions& options, const Setup& setup, const sigset_t& set) {
  NetworkConfig config;
  config.clock = ClockMode::RealTime;
  config.embed_callbacks = false;
  if (options.seed) config.seed = *options.seed;
  const auto ms = [](std::uint64_t v) { return std::chrono::milliseconds(v); };
  if (options.timeout_initial_ms) config.timeout_initial = ms(*options.timeout_initial_ms);
  if (options.timeout_connected_ms) config.timeout_connected = ms(*options.timeout_connected_ms);
  if (options.idle_timeout_ms) config.idle_timeout = ms(*options.idle_timeout_ms);
  std::unique_ptr<Network> network;
  std::unique_ptr<remote::Server> server;
  try {
    network = std::make_unique<Network>(config);
    remote::ServerOptions server_options;
    server_options.listen_address = setup.host;
    server_options.port = setup.port;
    server_options.token = setup.token;
    server = std::make_unique<remote::Server>(*network, server_options);
  } catch (const std::exception& e) {
    std::cerr << "steamsim serve: cannot start on " << options.listen << ": " << e.what() << "\n";
    return kExitInvalid;
  }
  server->start();
  announce(server->address(), options);
  const bool status = !options.no_status && sc::isTerminal(STDERR_FILENO);
  int sig = 0;
  while (sig == 0) {
    sig = waitForStopSignal(set, 1000);
    if (status) std::cerr << "\r\033[K" << statusLine(*network, *server) << std::flush;
  }
  if (status) std::cerr << "\n";
  std::cerr << "steamsim serve: " << (sig == SIGINT ? "interrupted" : "terminated")
            << ", stopping\n";
  server->stop();
  const std::string summary = statusLine(*network, *server);
  server.reset();
  network.reset();
  std::cerr << "steamsim serve: stopped (" << summary.substr(summary.find(": ") + 2) << ")\n";
  return kExitPassed;
}

int serveScenario(const ServeCommandOptions& options, const Setup& setup, const sigset_t& set) {
  sc::TerminalStyle out_style;
  out_style.color = colorFor(options.color, STDOUT_FILENO);
  out_style.quiet = options.quiet;
  out_style.verbose = options.verbose;
  sc::TerminalStyle err_style;
  err_style.color = colorFor(options.color, STDERR_FILENO);

  sc::LoadResult loaded = sc::loadScenarioFile(options.scenario);
  if (!loaded.ok()) {
    sc::writeDiagnostics(std::cerr, loaded.errors, err_style);
    std::cerr << "steamsim serve: nothing was run: invalid scenario file\n";
    return kExitInvalid;
  }
  const sc::Scenario& scenario = *loaded.scenario;
  std::ofstream junit;
  std::ofstream json;
  std::ofstream trace;
  const auto open = [](const std::string& path, const char* flag, std::ofstream& out) {
    if (path.empty()) return true;
    out.open(path, std::ios::binary | std::ios::trunc);
    if (out) return true;
    std::cerr << "steamsim serve: " << flag << ": cannot write " << path << "\n";
    return false;
  };
  if (!open(options.junit, "--junit", junit) || !open(options.json, "--json", json) ||
      !open(options.trace, "--trace", trace)) {
    return kExitInvalid;
  }

  // --report and --pcap, written as `steamsim run` writes them.
  OutputOptions output_options;
  output_options.report = options.report;
  output_options.pcap = options.pcap;
  const std::vector<sc::Job> jobs{{&scenario, options.seed}};
  sc::BatchOptions batch;
  RunOutputs outputs;
  if (const std::string error = outputs.prepare(output_options, jobs, batch); !error.empty()) {
    std::cerr << "steamsim serve: " << error << "\n";
    return kExitInvalid;
  }

  remote::ScenarioHostOptions host_options;
  host_options.server.listen_address = setup.host;
  host_options.server.port = setup.port;
  host_options.server.token = setup.token;
  host_options.attach_timeout = std::chrono::milliseconds(options.attach_timeout_ms);
  host_options.on_listening = [&options, &scenario](const std::string& address) {
    announce(address, options);
    std::string waiting;
    for (const sc::PeerSpec& p : scenario.peers) {
      if (p.external) waiting += " \"" + p.name + "\" (" + std::to_string(p.steam_id) + ")";
    }
    if (!waiting.empty()) std::cerr << "steamsim serve: waiting for" << waiting << "\n";
  };
  remote::ScenarioHost host(scenario, host_options);

  sc::RunOptions run_options;
  run_options.seed = options.seed;
  run_options.external = &host;
  if (trace.is_open()) run_options.trace_out = &trace;
  if (batch.observers) run_options.observers = batch.observers(0, jobs.front());

  std::atomic<bool> done{false};
  sc::RunResult result;
  std::thread runner([&] {
    result = sc::runScenario(scenario, run_options);
    done = true;
  });
  while (!done) {
    if (const int sig = waitForStopSignal(set, 100); sig != 0) {
      // The run cannot be cut short cleanly: tell the clients and leave without reports.
      std::cerr << "\nsteamsim serve: " << (sig == SIGINT ? "interrupted" : "terminated")
                << " before the scenario ended; no report written\n";
      std::cout << std::flush;
      std::_Exit(128 + sig);
    }
  }
  runner.join();

  sc::writeRun(std::cout, result, out_style);
  sc::writeSummary(std::cout, {result}, out_style);
  if (trace.is_open()) trace.flush();
  if (const std::string error = outputs.finish(); !error.empty()) {
    std::cerr << "steamsim serve: " << error << "\n";
    return kExitInvalid;
  }
  if (junit.is_open()) {
    sc::writeJUnit(junit, {result});
    if (!junit.flush()) {
      std::cerr << "steamsim serve: --junit: cannot write " << options.junit << "\n";
      return kExitInvalid;
    }
  }
  if (json.is_open()) {
    sc::writeJsonReport(json, {result});
    if (!json.flush()) {
      std::cerr << "steamsim serve: --json: cannot write " << options.json << "\n";
      return kExitInvalid;
    }
  }
  return result.passed() ? kExitPassed : kExitFailed;
}

}  // namespace

CLI::App* addServeCommand(CLI::App& app, ServeCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "serve", "Run one simulated network in real time that other processes attach to");
  cmd->footer(
      "\nEvery process that attaches (RemotePeer in C++, the Godot stand-in, any client of\n"
      "remote/protocol/PROTOCOL.md) acts as one Steam ID with the full Networking Messages\n"
      "API; its packets cross real UDP sockets after the impairment stage. A client that\n"
      "disconnects or dies becomes a crashed peer. Ctrl-C or SIGTERM stops the server.\n"
      "\nExamples:\n"
      "  steamsim serve --ready-file /tmp/steamsim.addr\n"
      "  steamsim serve --listen 127.0.0.1:27100 --token-file /tmp/steamsim.token\n"
      "  steamsim serve --scenario lobby.json --junit report.xml\n"
      "\nExit status: 0 stopped cleanly (with --scenario: every check passed), 1 an\n"
      "expectation failed or an external peer never attached, 2 invalid input.\n");
  cmd->add_option("--listen", options.listen,
                  "Address to listen on, IP:PORT; port 0 lets the system choose (printed)")
      ->type_name("IP:PORT")
      ->default_str("127.0.0.1:0");
  cmd->add_option("--scenario", options.scenario,
                  "Run this scenario in real time: wait for its external peers to attach, "
                  "play the timeline, check the expectations, exit at duration_ms")
      ->type_name("FILE");
  cmd->add_option("--seed", options.seed, "Network seed (with --scenario: instead of the file's)")
      ->type_name("N");
  cmd->add_option("--ready-file", options.ready_file,
                  "Write the listening address here once attaches are accepted")
      ->type_name("FILE");
  CLI::Option* token_file =
      cmd->add_option("--token-file", options.token_file,
                      "Write the random token clients must present here (mode 0600; default "
                      ".steamsim-token)")
          ->type_name("FILE");
  CLI::Option* no_token =
      cmd->add_flag("--no-token", options.no_token, "Let clients attach without a token");
  token_file->excludes(no_token);
  cmd->add_option("--attach-timeout-ms", options.attach_timeout_ms,
                  "With --scenario: how long to wait for the external peers")
      ->type_name("MS")
      ->default_val(60000)
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{86400000}));
  const auto timeout = [cmd](const char* name, std::optional<std::uint64_t>& value,
                             const char* what) {
    cmd->add_option(name, value, what)
        ->type_name("MS")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{86400000}));
  };
  timeout("--timeout-initial-ms", options.timeout_initial_ms,
          "A connection still connecting after this long fails, 5003 (Steam: 10000)");
  timeout("--timeout-connected-ms", options.timeout_connected_ms,
          "Nothing heard for this long on a connection fails it, 5003 (Steam: 10000)");
  timeout("--idle-timeout-ms", options.idle_timeout_ms,
          "An unused session closes after this long, 1002 (Steam: 180000)");
  cmd->add_option("--junit", options.junit, "With --scenario: write a JUnit XML report")
      ->type_name("FILE");
  cmd->add_option("--json", options.json, "With --scenario: write a JSON report")
      ->type_name("FILE");
  cmd->add_option("--trace", options.trace, "With --scenario: write every trace event (JSON Lines)")
      ->type_name("FILE");
  cmd->add_option("--report", options.report,
                  "With --scenario: write the run's self-contained HTML report (as `run`)")
      ->type_name("FILE.html");
  cmd->add_option("--pcap", options.pcap,
                  "With --scenario: write every datagram that crossed a socket to a pcap file")
      ->type_name("FILE");
  cmd->add_option("--color", options.color, "Colour: auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN")
      ->default_str("auto");
  cmd->add_flag("-q,--quiet", options.quiet, "Print only problems and the summary");
  cmd->add_flag("-v,--verbose", options.verbose, "List every check, passed ones too");
  cmd->add_flag("--no-status", options.no_status,
                "No status line (shown on a terminal: peers attached, datagrams, drops)");
  return cmd;
}

int serveCommand(const ServeCommandOptions& options) {
  const sigset_t set = stopSignals();
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts
  if (options.scenario.empty() &&
      (!options.junit.empty() || !options.json.empty() || !options.trace.empty() ||
       !options.report.empty() || !options.pcap.empty())) {
    std::cerr << "steamsim serve: --junit, --json, --trace, --report and --pcap need --scenario\n";
    return kExitInvalid;
  }
  if (!options.scenario.empty() &&
      (options.timeout_initial_ms || options.timeout_connected_ms || options.idle_timeout_ms)) {
    std::cerr << "steamsim serve: with --scenario, timeouts come from the scenario's config\n";
    return kExitInvalid;
  }
  Setup setup;
  if (auto failed = prepare(options, setup)) return *failed;
  if (options.scenario.empty()) return serveNetwork(options, setup, set);
  return serveScenario(options, setup, set);
}

}  // namespace steamsim::cli
