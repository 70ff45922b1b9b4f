#pragma once
/// \file
/// Scenarios that drive the game's own code: a scenario file's links, timeline and
/// expectations applied to a `Network` the caller built, with the caller's game objects
/// attached to the file's peers.
///
/// \code
///   #include <steamsim/scenario/game.hpp>   // link steamsim::scenario
///
///   auto loaded = steamsim::scenario::loadScenarioFile("lobby_partition.json");
///   const steamsim::scenario::Scenario& scenario = *loaded.scenario;
///   steamsim::Network net(scenario.networkConfig(scenario.seed));
///   steamsim::scenario::RunResult result = steamsim::scenario::runScenarioWith(
///       net, scenario, [](steamsim::scenario::GamePeerContext& peer) {
///         return steamsim::scenario::gamePeer(
///             std::make_unique<Lobby>(peer.api, peer.spec.steam_id, kHost));
///       });
///   // result.passed(); steamsim::scenario::writeRun(std::cout, result, {}) prints the report
/// \endcode

#include <functional>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include "steamsim/network.hpp"
#include "steamsim/scenario/model.hpp"
#include "steamsim/scenario/runner.hpp"

namespace steamsim::scenario {

/// The game running on one scenario peer.
class GamePeer {
 public:
  virtual ~GamePeer() = default;
  /// One frame of the game loop: read messages, run the game's logic. Called every `poll_ms`
  /// of run time (the peer's `poll_ms` in the file, default 16), from time 0 to the end of
  /// the run, while the peer is not crashed, and once more at the end.
  virtual void poll() = 0;
};

/// What a GameFactory gets for one peer.
struct GamePeerContext {
  /// The scenario being run (its other peers: `scenario.peers`).
  const Scenario& scenario;
  /// The peer as the file declares it (name, steam_id, poll_ms).
  const PeerSpec& spec;
  /// The peer's API, to give to the game: it forwards every call to the simulated peer and
  /// records what the game reads and which signals reach it, which the file's `received`
  /// expectations count. Valid until the game object is destroyed.
  NetworkingMessages& api;
  /// The network the run drives.
  Network& network;
};

/// Makes the game object of one peer, or returns nullptr to let the built-in game loop
/// play that peer (it accepts per the file's `accept` and reads every channel). Called for
/// every peer of the file when the run starts, and again for a peer when the timeline
/// restarts it after a crash (a crash destroys the peer's game object, as a crash ends a
/// process).
using GameFactory = std::function<std::unique_ptr<GamePeer>(GamePeerContext&)>;

/// The Steam ID of the scenario's peer called `name`. Throws std::out_of_range if none.
SteamId steamIdOf(const Scenario& scenario, std::string_view name);

/// Adapts any game object with a `void poll()` member (the example game's `Lobby`, say).
template <typename Game>
  requires requires(Game& game) { game.poll(); }
std::unique_ptr<GamePeer> gamePeer(std::unique_ptr<Game> game) {
  struct Holder final : GamePeer {
    explicit Holder(std::unique_ptr<Game> g) : game(std::move(g)) {}
    void poll() override { game->poll(); }
    std::unique_ptr<Game> game;
  };
  if (!game) return nullptr;
  return std::make_unique<Holder>(std::move(game));
}

/// Runs `scenario` on `network`, a Network the caller built, usually with
/// `scenario.networkConfig(seed)` (the file's `config` and the run's seed); a different
/// configuration is allowed and is what runs. Peers of the file that `network` lacks are
/// added; the file's links are applied (its `*`-to-`*` rules become the default link), then
/// the run advances the network by `duration_ms` from its current time, playing the
/// timeline (link changes, partitions, heals, crashes, restarts, sends, accepts, closes),
/// calling each game's `poll`, and checking every expectation as `steamsim run` does.
/// Timeline sends are sent from the peer itself (the game sees only their effects); the
/// file's `accept` policy and `reading` changes apply only to peers played by the built-in
/// loop. Game objects are destroyed before this returns; the network, its peers and their
/// link settings remain. The run sets the network's trace sink while it lasts, then clears
/// it. Never throws: problems end up in RunResult::error. The seed reported is
/// `options.seed`, else `network.config().seed`.
RunResult runScenarioWith(Network& network, const Scenario& scenario, const GameFactory& games,
                          const RunOptions& options = {});

}  // namespace steamsim::scenario
