#pragma once
/// \file
/// Handles to a signal handler connected with `NetworkingMessages::onSessionRequest` or
/// `onSessionFailed`, so that an object whose handler captures `this` can disconnect it.

#include <cstdint>
#include <memory>
#include <utility>

namespace steamsim {

namespace detail {
class SignalRegistry;
}  // namespace detail

/// Names one connected handler. Copyable; does nothing on destruction (the handler stays
/// connected). Safe to use after the `NetworkingMessages` it came from is gone.
class SignalConnection {
 public:
  /// Connected to nothing.
  SignalConnection() = default;

  /// Disconnects the handler: it is not called again, even by a signal being delivered
  /// right now (a call already running finishes). Idempotent.
  void disconnect();
  /// true while the handler is connected and its `NetworkingMessages` exists.
  bool connected() const;

 private:
  friend class detail::SignalRegistry;
  SignalConnection(std::weak_ptr<detail::SignalRegistry> registry, std::uint64_t id)
      : registry_(std::move(registry)), id_(id) {}

  std::weak_ptr<detail::SignalRegistry> registry_;
  std::uint64_t id_ = 0;
};

/// Disconnects its handler when destroyed: keep one as a member next to the handler's
/// captures.
///
/// \code
///   class Lobby {
///     steamsim::ScopedSignalConnection on_request_;
///    public:
///     explicit Lobby(steamsim::NetworkingMessages& net)
///         : on_request_(net.onSessionRequest([this](steamsim::SteamId id) { accept(id); })) {}
///   };
/// \endcode
class ScopedSignalConnection {
 public:
  ScopedSignalConnection() = default;
  /// Takes over `connection` (implicit, so the result of `onSessionRequest` converts).
  ScopedSignalConnection(SignalConnection connection)  // NOLINT(google-explicit-constructor)
      : connection_(std::move(connection)) {}
  ~ScopedSignalConnection() { connection_.disconnect(); }
  ScopedSignalConnection(ScopedSignalConnection&& other) noexcept
      : connection_(std::exchange(other.connection_, {})) {}
  ScopedSignalConnection& operator=(ScopedSignalConnection&& other) noexcept {
    if (this != &other) {
      connection_.disconnect();
      connection_ = std::exchange(other.connection_, {});
    }
    return *this;
  }
  ScopedSignalConnection(const ScopedSignalConnection&) = delete;
  ScopedSignalConnection& operator=(const ScopedSignalConnection&) = delete;

  /// Disconnects now.
  void disconnect() { connection_.disconnect(); }
  /// true while the handler is connected.
  bool connected() const { return connection_.connected(); }
  /// Gives up ownership: the handler stays connected. \return its connection.
  SignalConnection release() { return std::exchange(connection_, {}); }

 private:
  SignalConnection connection_;
};

}  // namespace steamsim
