#pragma once
/// \file
/// Plays a scenario's external peers through the attach protocol: `steamsim serve
/// --scenario` gives one to the scenario runner (RunOptions::external).

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "steamsim/remote/server.hpp"
#include "steamsim/scenario/model.hpp"
#include "steamsim/scenario/runner.hpp"

namespace steamsim::remote {

struct ScenarioHostOptions {
  /// Listening address, token, limits. `attach_policy` and `on_messages_read` are set by the
  /// host.
  ServerOptions server;
  /// How long `attach` waits for every external peer's process.
  std::chrono::milliseconds attach_timeout{60000};
  /// Called once the server accepts attaches, with its address (print it, write the ready
  /// file).
  std::function<void(const std::string& address)> on_listening;
};

class ScenarioHost final : public scenario::ExternalPeers {
 public:
  /// `scenario` must outlive the host.
  ScenarioHost(const scenario::Scenario& scenario, ScenarioHostOptions options);
  ~ScenarioHost() override;

  /// Starts the server on `network` and waits for every external peer. Steam IDs of peers
  /// the runner plays are refused; other Steam IDs may attach. Throws std::runtime_error
  /// naming each missing peer ("guest" (76561198000000002)) after `attach_timeout`.
  void attach(Network& network, const std::vector<SteamId>& steam_ids,
              scenario::ExternalReads reads) override;
  /// Stops the server: every client is told ShuttingDown.
  void detach() override;

  /// The server while attached (for a status line), else nullptr.
  const Server* server() const { return server_.get(); }

 private:
  const scenario::Scenario& scenario_;
  ScenarioHostOptions options_;
  std::unique_ptr<Server> server_;
};

}  // namespace steamsim::remote
