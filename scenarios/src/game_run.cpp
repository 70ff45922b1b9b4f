// runScenarioWith: a scenario run on the caller's network, with the caller's game objects on
// the peers, each seeing its peer through a recorder that reports what the game reads.

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "scenario_run.hpp"
#include "steamsim/scenario/game.hpp"

namespace steamsim::scenario {

namespace detail {

namespace {

/// The peer's API as a game sees it: every call goes to the peer; messages the game reads
/// are recorded for the run's expectations; the peer's signals reach the game's handlers.
class RecordingPeer final : public NetworkingMessages {
 public:
  RecordingPeer(ScenarioRun& run, std::size_t index, Peer& peer)
      : run_(run), index_(index), peer_(peer) {
    on_request_ = peer_.onSessionRequest([this](SteamId remote) { emitSessionRequestSignal(remote); });
    on_failed_ =
        peer_.onSessionFailed([this](const SessionFailed& failed) { emitSessionFailedSignal(failed); });
  }

  using NetworkingMessages::sendMessageToUser;

  bool acceptSessionWithUser(SteamId remote_steam_id) override {
    return peer_.acceptSessionWithUser(remote_steam_id);
  }
  bool closeChannelWithUser(SteamId remote_steam_id, int channel) override {
    return peer_.closeChannelWithUser(remote_steam_id, channel);
  }
  bool closeSessionWithUser(SteamId remote_steam_id) override {
    return peer_.closeSessionWithUser(remote_steam_id);
  }
  SessionConnectionInfo getSessionConnectionInfo(SteamId remote_steam_id, bool get_connection,
                                                 bool get_status) override {
    return peer_.getSessionConnectionInfo(remote_steam_id, get_connection, get_status);
  }
  std::vector<Message> receiveMessagesOnChannel(int channel, int max_messages) override {
    std::vector<Message> messages = peer_.receiveMessagesOnChannel(channel, max_messages);
    for (const Message& m : messages) run_.recordRead(index_, m);
    return messages;
  }
  Result sendMessageToUser(SteamId remote_steam_id, std::span<const std::uint8_t> data, int flags,
                           int channel) override {
    return peer_.sendMessageToUser(remote_steam_id, data, flags, channel);
  }
  void runCallbacks() override { peer_.runCallbacks(); }

 private:
  ScenarioRun& run_;
  std::size_t index_;
  Peer& peer_;
  ScopedSignalConnection on_request_;
  ScopedSignalConnection on_failed_;
};

/// One peer's game: its recorder, then the game object (destroyed first).
struct GameSlot {
  std::unique_ptr<RecordingPeer> api;
  std::unique_ptr<GamePeer> game;
};

class GameRun final : public GameHooks {
 public:
  GameRun(const Scenario& scenario, const GameFactory& factory)
      : scenario_(scenario), factory_(factory), slots_(scenario.peers.size()) {}
  ~GameRun() override { finish(); }
  GameRun(const GameRun&) = delete;
  GameRun& operator=(const GameRun&) = delete;

  void attach(ScenarioRun& run) { run_ = &run; }

  bool start(std::size_t peer) override {
    GameSlot& slot = slots_[peer];
    clear(slot);
    if (!factory_) return false;
    PeerRun& p = run_->peerAt(peer);
    slot.api = std::make_unique<RecordingPeer>(*run_, peer, *p.api);
    GamePeerContext context{scenario_, scenario_.peers[peer], *slot.api, run_->network()};
    slot.game = factory_(context);
    if (!slot.game) slot.api.reset();
    return slot.game != nullptr;
  }

  void poll(std::size_t peer) override {
    if (slots_[peer].game) slots_[peer].game->poll();
  }

  void crashed(std::size_t peer) override { clear(slots_[peer]); }

  void finish() override {
    for (GameSlot& slot : slots_) clear(slot);
  }

 private:
  static void clear(GameSlot& slot) {
    slot.game.reset();
    slot.api.reset();
  }

  const Scenario& scenario_;
  const GameFactory& factory_;
  ScenarioRun* run_ = nullptr;
  std::vector<GameSlot> slots_;
};

}  // namespace

}  // namespace detail

SteamId steamIdOf(const Scenario& scenario, std::string_view name) {
  for (const PeerSpec& spec : scenario.peers) {
    if (spec.name == name) return spec.steam_id;
  }
  throw std::out_of_range("the scenario has no peer called \"" + std::string(name) + "\"");
}

RunResult runScenarioWith(Network& network, const Scenario& scenario, const GameFactory& games,
                          const RunOptions& options) {
  try {
    detail::GameRun game_run(scenario, games);
    detail::ScenarioRun run(scenario, options, &network, &game_run);
    game_run.attach(run);
    return run.run();
  } catch (const std::exception& e) {
    RunResult result;
    result.file = scenario.file;
    result.name = scenario.name;
    result.seed = options.seed.value_or(network.config().seed);
    result.error = e.what();
    return result;
  }
}

}  // namespace steamsim::scenario
