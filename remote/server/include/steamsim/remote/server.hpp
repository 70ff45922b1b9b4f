#pragma once
/// \file
/// The server behind `steamsim serve`: accepts attach-protocol connections (PROTOCOL.md) on
/// a TCP socket and serves each as a Steam ID of a real-time Network, or as a controller of
/// the network. Asio stays in the .cpp files.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "steamsim/network.hpp"

namespace steamsim::remote {

struct ServerOptions {
  /// Address to listen on: loopback unless told otherwise.
  std::string listen_address = "127.0.0.1";
  /// TCP port; 0 lets the kernel choose (see Server::address()).
  std::uint16_t port = 0;
  /// The token a client must present in `Hello`; empty: none required (--no-token).
  std::string token;
  /// Connections served at once; more are refused with ServerFull. Each may hold up to one
  /// frame (512 KiB) of buffer.
  std::size_t max_connections = 256;
  /// Connections still in the handshake at once; more are refused with ServerFull.
  std::size_t max_handshaking = 64;
  /// A client that has not sent `Hello` after this long is dropped (HelloTimeout).
  std::chrono::milliseconds hello_timeout{5000};
  /// Asked before a Steam ID is attached: an empty answer allows it, otherwise the text says
  /// why not (the client gets NotPermitted). Unset: every Steam ID may attach.
  std::function<std::string(SteamId)> attach_policy;
  /// Called, on the server's thread, with every batch of messages a client received.
  std::function<void(SteamId reader, const std::vector<Message>& messages)> on_messages_read;
  /// Called, on the server's thread, when a peer-role client attaches (true) or goes (false).
  std::function<void(SteamId steam_id, bool attached)> on_attach_change;
};

/// What the server has done so far.
struct ServerStats {
  std::size_t connections = 0;  ///< open now (any state)
  std::size_t attached = 0;     ///< peer-role clients attached now
  std::uint64_t accepted = 0;   ///< connections accepted since start
  std::uint64_t requests = 0;   ///< request frames handled
  std::uint64_t refused = 0;    ///< connections dropped with a fatal error frame
};

class Server {
 public:
  /// Binds the listening socket (no client is served before `start`). Throws
  /// std::system_error if the address cannot be bound, std::invalid_argument if it is not an
  /// IP address. The network must run in real time and outlive the server; its
  /// NetworkConfig::embed_callbacks should be off so signals wait for runCallbacks.
  Server(Network& network, ServerOptions options);
  /// Stops (as `stop`).
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// "IP:PORT" the server listens on ("[::1]:PORT" for IPv6).
  std::string address() const;
  /// Starts serving on a thread of its own.
  void start();
  /// Tells every client ShuttingDown, closes every connection (their peers crash) and joins
  /// the thread. Idempotent.
  void stop();

  ServerStats stats() const;
  /// Steam IDs attached by a live client now.
  std::vector<SteamId> attachedPeers() const;
  /// Waits until each of `steam_ids` is attached or `timeout` passes.
  /// \return the Steam IDs still not attached (empty: all are).
  std::vector<SteamId> waitForAttached(const std::vector<SteamId>& steam_ids,
                                       std::chrono::milliseconds timeout) const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// A fresh random token: 32 hex digits from the system's random device.
std::string generateToken();
/// Compares two strings in time independent of where they differ.
bool constantTimeEquals(const std::string& a, const std::string& b);

}  // namespace steamsim::remote
