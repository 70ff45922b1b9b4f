#pragma once
// Handles the frames of one client: the handshake, then each request as the in-process
// Network or Peer call, writing the response (or an error frame) to an output buffer. No
// sockets here; server.cpp feeds it whole frames.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "steamsim/remote/protocol.hpp"
#include "steamsim/remote/server.hpp"

namespace steamsim::remote {

/// Signals of one peer, kept by the server until its client calls runCallbacks. Filled by
/// handlers connected once on the Peer; shared so the handlers stay valid after the server.
struct SignalBox {
  std::mutex mutex;
  std::vector<protocol::Signal> queued;
};

/// State shared by every client of one server. Used on the server's thread; `attached` is
/// also read from other threads under `mutex`.
struct Registry {
  Network& network;
  const ServerOptions& options;
  mutable std::mutex mutex;
  std::set<SteamId> attached;
  std::map<SteamId, std::shared_ptr<SignalBox>> boxes;
  std::function<void()> notify_attach;  ///< wakes Server::waitForAttached
};

/// One client's protocol state.
struct ClientState {
  bool welcomed = false;
  std::uint8_t role = 0;
  SteamId steam_id = 0;
  /// Messages popped from the peer that did not fit the last receive response, per channel.
  std::map<int, std::deque<Message>> holdback;
};

/// What to do with the connection after a frame.
enum class Outcome { Continue, Close };

class Dispatcher {
 public:
  explicit Dispatcher(Registry& registry) : r_(registry) {}

  /// Handles one whole frame (`body` after the header); appends the answer to `out`.
  Outcome handle(ClientState& client, const protocol::FrameHeader& header,
                 std::span<const std::uint8_t> body, std::vector<std::uint8_t>& out);
  /// The client's connection is gone: detach its Steam ID (the peer crashes).
  void disconnected(ClientState& client);
  /// Appends an error frame.
  static void writeError(std::vector<std::uint8_t>& out, std::uint32_t request_id,
                         protocol::ErrorCode code, bool fatal, const std::string& text);

 private:
  Outcome hello(ClientState& client, const protocol::FrameHeader& header,
                std::span<const std::uint8_t> body, std::vector<std::uint8_t>& out);
  void peerRequest(ClientState& client, const protocol::FrameHeader& header, protocol::Reader& in,
                   protocol::Writer& w);
  void controlRequest(const protocol::FrameHeader& header, protocol::Reader& in,
                      protocol::Writer& w);
  void receive(ClientState& client, Peer& peer, int channel, int max_messages, protocol::Writer& w);
  std::shared_ptr<SignalBox> boxFor(SteamId steam_id);

  Registry& r_;
};

}  // namespace steamsim::remote
