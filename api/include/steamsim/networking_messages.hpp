#pragma once
/// \file
/// The seam game code depends on: the Steam Networking Messages API as GodotSteam exposes
/// it. Production code holds a `NetworkingMessages&`; tests substitute a simulated peer
/// (`steamsim::Peer`) or the GoogleMock mock (`steamsim::MockNetworkingMessages`).

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "steamsim/message.hpp"
#include "steamsim/types.hpp"

namespace steamsim {

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

  /// Delivers queued signals to the registered handlers, in the order they occurred
  /// (Steam.run_callbacks()).
  virtual void runCallbacks() = 0;

  /// Connects a handler to `network_messages_session_request`. Handlers are called in the
  /// order they were connected, on the thread that delivers callbacks; they may call any
  /// API function.
  void onSessionRequest(SessionRequestHandler handler);
  /// Connects a handler to `network_messages_session_failed`.
  void onSessionFailed(SessionFailedHandler handler);

 protected:
  NetworkingMessages() = default;
  NetworkingMessages(const NetworkingMessages&) = default;
  NetworkingMessages& operator=(const NetworkingMessages&) = default;

  /// Calls every session-request handler with `remote_steam_id`.
  void emitSessionRequestSignal(SteamId remote_steam_id);
  /// Calls every session-failed handler with `failed`.
  void emitSessionFailedSignal(const SessionFailed& failed);

 private:
  std::vector<SessionRequestHandler> session_request_handlers_;
  std::vector<SessionFailedHandler> session_failed_handlers_;
};

}  // namespace steamsim
