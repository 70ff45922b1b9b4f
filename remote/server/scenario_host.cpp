// Connects a scenario run's external peers to the processes that play them.

#include "steamsim/remote/scenario_host.hpp"

#include <stdexcept>

namespace steamsim::remote {

ScenarioHost::ScenarioHost(const scenario::Scenario& scenario, ScenarioHostOptions options)
    : scenario_(scenario), options_(std::move(options)) {}

ScenarioHost::~ScenarioHost() {
  detach();
}

void ScenarioHost::attach(Network& network, const std::vector<SteamId>& steam_ids,
                          scenario::ExternalReads reads) {
  ServerOptions server_options = options_.server;
  const scenario::Scenario& s = scenario_;
  server_options.attach_policy = [&s](SteamId id) -> std::string {
    for (const scenario::PeerSpec& peer : s.peers) {
      if (peer.steam_id == id && !peer.external) {
        return "Steam ID " + std::to_string(id) + " is \"" + peer.name +
               "\", played by the scenario runner; only its external peers can be attached";
      }
    }
    return {};
  };
  server_options.on_messages_read = std::move(reads);
  server_ = std::make_unique<Server>(network, std::move(server_options));
  server_->start();
  if (options_.on_listening) options_.on_listening(server_->address());

  const std::vector<SteamId> missing = server_->waitForAttached(steam_ids, options_.attach_timeout);
  if (missing.empty()) return;
  std::string names;
  for (SteamId id : missing) {
    const scenario::PeerSpec* peer = nullptr;
    for (const scenario::PeerSpec& p : s.peers) {
      if (p.steam_id == id) peer = &p;
    }
    if (!names.empty()) names += ", ";
    names += (peer != nullptr ? "\"" + peer->name + "\" " : std::string()) + "(" +
             std::to_string(id) + ")";
  }
  throw std::runtime_error("timed out after " + std::to_string(options_.attach_timeout.count()) +
                           " ms waiting for the external peer(s) " + names + " to attach at " +
                           server_->address() + " (start each game process with its Steam ID)");
}

void ScenarioHost::detach() {
  if (server_) server_->stop();
  server_.reset();
}

}  // namespace steamsim::remote
