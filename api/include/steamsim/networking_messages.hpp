#pragma once
/// \file
/// The seam game code depends on: the Steam Networking Messages API as GodotSteam exposes
/// it. Production code holds a `NetworkingMessages&`; tests substitute a simulated peer
/// (`steamsim::Peer`) or the GoogleMock mock (`steamsim::MockNetworkingMessages`).

#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <ranges>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "steamsim/message.hpp"
#include "steamsim/signal_connection.hpp"
#include "steamsim/types.hpp"

namespace steamsim {

/// A contiguous range of byte-sized, trivially copyable values (std::vector<std::uint8_t>,
/// std::array<std::byte, N>, std::span<const char>, ...) that is not text: text goes to the
/// std::string_view overload, without a terminating NUL.
template <typename R>
concept ByteRange =
    std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
    sizeof(std::ranges::range_value_t<R>) == 1 &&
    std::is_trivially_copyable_v<std::ranges::range_value_t<R>> &&
    !std::is_convertible_v<const R&, std::string_view> &&
    !std::is_convertible_v<const R&, std::span<const std::uint8_t>>;

class NetworkingMessages {
 public:
  /// Handler of `network_messages_session_request(remote_steam_id)`.
  using SessionRequestHandler = std::function<void(SteamId)>;
  /// Handler of `network_messages_session_failed(reason, remote_steam_id, state, debug)`.
  using SessionFailedHandler = std::function<void(const SessionFailed&)>;

  virtual ~NetworkingMessages() = default;

  /// Accepts a pending session request from `remote_steam_id`.
  /// \return false if there is no session with that peer; true if a pending request was
  ///   accepted, or the session is already active or was started by us.
  virtual bool acceptSessionWithUser(SteamId remote_steam_id) = 0;

  /// Closes one channel with a peer and discards that peer's unread messages on it.
  /// \return false unless a message was received from the peer on `channel`; closing the
  ///   last open channel closes the session.
  virtual bool closeChannelWithUser(SteamId remote_steam_id, int channel) = 0;

  /// Closes the session at once: unsent and unacknowledged data is dropped, the peer sees
  /// ClosedByPeer (1001), unread messages from the peer are discarded.
  /// \return false if there is no session.
  virtual bool closeSessionWithUser(SteamId remote_steam_id) = 0;

  /// State of the session, and optionally its connection info and real-time status.
  /// Requested parts are always present (zeroed when there is no session).
  virtual SessionConnectionInfo getSessionConnectionInfo(SteamId remote_steam_id,
                                                         bool get_connection, bool get_status) = 0;

  /// Pops up to `max_messages` messages from `channel`'s queue (all peers, arrival order).
  /// \return the messages, owned by the caller; none if `max_messages` <= 0.
  virtual std::vector<Message> receiveMessagesOnChannel(int channel, int max_messages) = 0;

  /// Queues a message to a peer, creating the session if needed.
  /// \param data payload, copied; at most 524288 bytes
  /// \param flags NETWORKING_SEND_* bits
  /// \return OK (1) once queued (never a delivery report); InvalidParam (8) for Steam ID 0
  ///   or an oversized payload; LimitExceeded (25) if the send buffer is full;
  ///   ConnectFailed (35) while a failure is recorded, unless AutoRestartBrokenSession.
  virtual Result sendMessageToUser(SteamId remote_steam_id, std::span<const std::uint8_t> data,
                                   int flags, int channel) = 0;

  /// Sends text (its bytes, no terminating NUL): `sendMessageToUser(host, "hello", flags, 0)`.
  /// Same results as the byte overload. A class implementing this interface should say
  /// `using NetworkingMessages::sendMessageToUser;` so these overloads stay visible.
  Result sendMessageToUser(SteamId remote_steam_id, std::string_view text, int flags,
                           int channel) {
    return sendMessageToUser(
        remote_steam_id,
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()),
                                      text.size()),
        flags, channel);
  }

  /// Sends any contiguous range of bytes (std::array<std::byte, N>, std::vector<char>, ...).
  template <ByteRange Bytes>
  Result sendMessageToUser(SteamId remote_steam_id, const Bytes& data, int flags, int channel) {
    return sendMessageToUser(
        remote_steam_id,
        std::span<const std::uint8_t>(
            reinterpret_cast<const std::uint8_t*>(std::ranges::data(data)),
            static_cast<std::size_t>(std::ranges::size(data))),
        flags, channel);
  }

  /// Delivers queued signals to the registered handlers, in the order they occurred
  /// (Steam.run_callbacks()).
  virtual void runCallbacks() = 0;

  /// Connects a handler to `network_messages_session_request`. Handlers are called in the
  /// order they were connected, on the thread that delivers callbacks; they may call any
  /// API function, and connect or disconnect handlers.
  /// \return the connection; ignore it to keep the handler for this object's lifetime, or
  ///   keep it in a ScopedSignalConnection to disconnect the handler when that goes away.
  SignalConnection onSessionRequest(SessionRequestHandler handler);
  /// Connects a handler to `network_messages_session_failed`. \return as onSessionRequest.
  SignalConnection onSessionFailed(SessionFailedHandler handler);

 protected:
  NetworkingMessages();
  /// Copies the connected handlers (the copy's connections are its own).
  NetworkingMessages(const NetworkingMessages& other);
  NetworkingMessages& operator=(const NetworkingMessages& other);

  /// Calls every session-request handler with `remote_steam_id`.
  void emitSessionRequestSignal(SteamId remote_steam_id);
  /// Calls every session-failed handler with `failed`.
  void emitSessionFailedSignal(const SessionFailed& failed);

 private:
  std::shared_ptr<detail::SignalRegistry> signals_;
};

}  // namespace steamsim
