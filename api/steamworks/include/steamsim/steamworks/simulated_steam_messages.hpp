// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// `steamsim::SimulatedSteamMessages`: Steam's own `ISteamNetworkingMessages` over a steamsim
/// peer, so netcode written against Steam's interface runs unchanged on the simulated
/// network in tests.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "steamsim/message.hpp"
#include "steamsim/networking_messages.hpp"
#include "steamsim/signal_connection.hpp"
#include "steamsim/steamworks/conversions.hpp"
#include "steamsim/steamworks/steam_headers.hpp"
#include "steamsim/types.hpp"

namespace steamsim {

namespace steamworks::detail {

/// A received message handed to the game: one allocation holding Steam's struct and the
/// payload (moved from steamsim's Message, not copied). `Release()` frees both.
class SimulatedMessage final : public SteamNetworkingMessage_t {
 public:
  /// A new message with every field of `message`; the caller owns it until `Release()`.
  static SteamNetworkingMessage_t* create(Message&& message) {
    auto* created = new SimulatedMessage();
    created->payload_ = std::move(message.payload);
    created->m_pData = created->payload_.empty() ? static_cast<void*>(&created->empty_)
                                                 : static_cast<void*>(created->payload_.data());
    created->m_cbSize = static_cast<int>(created->payload_.size());
    // The Messages API hides its connections: Steam sets k_HSteamNetConnection_Invalid (0),
    // which is what steamsim's message carries.
    created->m_conn = message.connection;
    created->m_identityPeer = toSteamIdentity(message.identity);
    created->m_nConnUserData = message.receiver_user_data;
    // Local time of arrival in microseconds, on the receiver's clock.
    created->m_usecTimeReceived = message.time_received;
    // The sender's per-session message number, counting from 1.
    created->m_nMessageNumber = message.message_number;
    created->m_nChannel = message.channel;
    // On receive only the reliable bit (8) is meaningful; steamsim sets exactly that.
    created->m_nFlags = message.flags;
    // Sender-side user data is not transmitted: 0 on every received message.
    created->m_nUserData = message.sender_user_data;
    created->m_pfnFreeData = &SimulatedMessage::freeData;
    created->m_pfnRelease = &SimulatedMessage::release;
    return created;
  }

 private:
  // Value-initialises Steam's struct: every field not set above (the lane, padding) is 0.
  SimulatedMessage() : SteamNetworkingMessage_t() {}
  ~SimulatedMessage() = default;

  static void freeData(SteamNetworkingMessage_t* base) {
    auto* self = static_cast<SimulatedMessage*>(base);
    std::vector<std::uint8_t>().swap(self->payload_);
    self->m_pData = nullptr;
    self->m_cbSize = 0;
  }

  static void release(SteamNetworkingMessage_t* base) {
    if (base->m_pfnFreeData != nullptr) base->m_pfnFreeData(base);
    delete static_cast<SimulatedMessage*>(base);
  }

  std::vector<std::uint8_t> payload_;
  std::uint8_t empty_ = 0;  // what m_pData points at for an empty payload (never null)
};

}  // namespace steamworks::detail

/// Implements Steam's `ISteamNetworkingMessages` by forwarding to a steamsim
/// NetworkingMessages (a simulated `Peer`, a `Network::handle`, or any other
/// implementation): hand `&adapter` to netcode that expects `SteamNetworkingMessages()`.
///
/// Identities: only Steam-ID identities can have a session, as on Steam. The invalid
/// identity makes `SendMessageToUser` return k_EResultInvalidParam; any other kind (IP
/// address, generic string or bytes, console IDs) has no P2P route on Steam, so the send
/// fails with k_EResultFail and no session is created; accept and both closes return false
/// and `GetSessionConnectionInfo` reports k_ESteamNetworkingConnectionState_None with zeroed
/// outputs.
///
/// Callbacks: steamsim's signals become Steam's callback structs, passed to the functions
/// set with `setSessionRequestCallback` / `setSessionFailedCallback` at the moment steamsim
/// delivers the signal (during `Network::advance`/`runUntil` with embedded callbacks, else
/// during `RunCallbacks()`, the stand-in for `SteamAPI_RunCallbacks`). Those functions can
/// be a `STEAM_CALLBACK` member called through a lambda, or the very function pointers a
/// GameNetworkingSockets build installs as `k_ESteamNetworkingConfig_Callback_
/// MessagesSessionRequest` / `..._SessionFailed`.
///
/// Every call is as thread-safe as the wrapped peer (a simulated peer is).
class SimulatedSteamMessages final : public ISteamNetworkingMessages {
 public:
  /// Receives `SteamNetworkingMessagesSessionRequest_t` (a FnSteamNetworkingMessagesSessionRequest
  /// converts to it).
  using SessionRequestCallback = std::function<void(SteamNetworkingMessagesSessionRequest_t*)>;
  /// Receives `SteamNetworkingMessagesSessionFailed_t`.
  using SessionFailedCallback = std::function<void(SteamNetworkingMessagesSessionFailed_t*)>;

  /// Over `peer`, not owned: it must outlive the adapter (a `Peer&` lives as long as its
  /// Network).
  explicit SimulatedSteamMessages(NetworkingMessages& peer) : peer_(&peer) { connectSignals(); }

  /// Over a shared peer (`Network::handle(id)`), kept alive by the adapter. Throws
  /// std::invalid_argument if null.
  explicit SimulatedSteamMessages(std::shared_ptr<NetworkingMessages> peer)
      : owner_(std::move(peer)), peer_(owner_.get()) {
    if (peer_ == nullptr) {
      throw std::invalid_argument("SimulatedSteamMessages: the steamsim peer is null");
    }
    connectSignals();
  }

  /// Callbacks set on this adapter are never called once it is destroyed (destruction waits
  /// for a callback running on another thread to return).
  ~SimulatedSteamMessages() {
    std::lock_guard lock(hooks_->mutex);
    hooks_->request = nullptr;
    hooks_->failed = nullptr;
  }

  SimulatedSteamMessages(const SimulatedSteamMessages&) = delete;
  SimulatedSteamMessages& operator=(const SimulatedSteamMessages&) = delete;

  /// The steamsim peer this adapter forwards to.
  NetworkingMessages& peer() const { return *peer_; }

  /// Sends as Steam does: k_EResultInvalidParam for the invalid identity, for more than
  /// k_cbMaxSteamNetworkingSocketsMessageSizeSend bytes, or for a null `pubData` with a
  /// non-zero size (where Steam would read through null); k_EResultFail for an identity that
  /// is not a Steam ID; otherwise the peer's result for the same bytes, flags and channel
  /// (OK once queued, LimitExceeded, ConnectFailed, ...).
  EResult SendMessageToUser(const SteamNetworkingIdentity& identityRemote, const void* pubData,
                            uint32 cubData, int nSendFlags, int nRemoteChannel) override {
    const auto kind = steamworks::identityKind(identityRemote);
    if (kind == steamworks::IdentityKind::Invalid) return k_EResultInvalidParam;
    if (cubData > static_cast<uint32>(kMaxMessageSizeSend)) return k_EResultInvalidParam;
    if (pubData == nullptr && cubData > 0) return k_EResultInvalidParam;
    if (kind != steamworks::IdentityKind::SteamId) return k_EResultFail;
    const std::span<const std::uint8_t> data(static_cast<const std::uint8_t*>(pubData), cubData);
    return steamworks::toSteamResult(peer_->sendMessageToUser(steamworks::toSteamId(identityRemote),
                                                              data, nSendFlags, nRemoteChannel));
  }

  /// Moves up to `nMaxMessages` messages of channel `nLocalChannel` into `ppOutMessages`,
  /// each allocated here with every field set as Steam sets it; the caller releases each
  /// with `Release()`. \return how many; 0 if `ppOutMessages` is null or `nMaxMessages` <= 0.
  int ReceiveMessagesOnChannel(int nLocalChannel, SteamNetworkingMessage_t** ppOutMessages,
                               int nMaxMessages) override {
    if (ppOutMessages == nullptr || nMaxMessages <= 0) return 0;
    std::vector<Message> received = peer_->receiveMessagesOnChannel(nLocalChannel, nMaxMessages);
    const std::size_t count = std::min(received.size(), static_cast<std::size_t>(nMaxMessages));
    std::size_t created = 0;
    try {
      for (; created < count; ++created) {
        ppOutMessages[created] =
            steamworks::detail::SimulatedMessage::create(std::move(received[created]));
      }
    } catch (...) {  // out of memory: hand out nothing rather than leak
      for (std::size_t i = 0; i < created; ++i) ppOutMessages[i]->Release();
      throw;
    }
    return static_cast<int>(count);
  }

  /// The peer's accept; false for an identity that is not a Steam ID.
  bool AcceptSessionWithUser(const SteamNetworkingIdentity& identityRemote) override {
    if (steamworks::identityKind(identityRemote) != steamworks::IdentityKind::SteamId) {
      return false;
    }
    return peer_->acceptSessionWithUser(steamworks::toSteamId(identityRemote));
  }

  /// The peer's close; false for an identity that is not a Steam ID.
  bool CloseSessionWithUser(const SteamNetworkingIdentity& identityRemote) override {
    if (steamworks::identityKind(identityRemote) != steamworks::IdentityKind::SteamId) {
      return false;
    }
    return peer_->closeSessionWithUser(steamworks::toSteamId(identityRemote));
  }

  /// The peer's channel close; false for an identity that is not a Steam ID.
  bool CloseChannelWithUser(const SteamNetworkingIdentity& identityRemote,
                            int nLocalChannel) override {
    if (steamworks::identityKind(identityRemote) != steamworks::IdentityKind::SteamId) {
      return false;
    }
    return peer_->closeChannelWithUser(steamworks::toSteamId(identityRemote), nLocalChannel);
  }

  /// Zeroes the non-null outputs, as Steam does, then fills them from the peer's session
  /// info. \return the session's state; None for no session or an identity that is not a
  /// Steam ID.
  ESteamNetworkingConnectionState GetSessionConnectionInfo(
      const SteamNetworkingIdentity& identityRemote, SteamNetConnectionInfo_t* pConnectionInfo,
      SteamNetConnectionRealTimeStatus_t* pQuickStatus) override {
    if (pConnectionInfo != nullptr) {
      std::memset(static_cast<void*>(pConnectionInfo), 0, sizeof *pConnectionInfo);
    }
    if (pQuickStatus != nullptr) {
      std::memset(static_cast<void*>(pQuickStatus), 0, sizeof *pQuickStatus);
    }
    if (steamworks::identityKind(identityRemote) != steamworks::IdentityKind::SteamId) {
      return k_ESteamNetworkingConnectionState_None;
    }
    const SessionConnectionInfo info = peer_->getSessionConnectionInfo(
        steamworks::toSteamId(identityRemote), pConnectionInfo != nullptr, pQuickStatus != nullptr);
    if (pConnectionInfo != nullptr && info.connection) {
      steamworks::fillSteamConnectionInfo(*info.connection, *pConnectionInfo);
    }
    if (pQuickStatus != nullptr && info.status) {
      steamworks::fillSteamRealTimeStatus(*info.status, *pQuickStatus);
    }
    return steamworks::toSteamState(info.connection_state);
  }

  /// Calls `callback` with each `SteamNetworkingMessagesSessionRequest_t` (its
  /// `m_identityRemote` the requester's Steam-ID identity). Replaces the previous one; an
  /// empty function (or a null function pointer) stops delivery.
  void setSessionRequestCallback(SessionRequestCallback callback) {
    std::lock_guard lock(hooks_->mutex);
    hooks_->request = std::move(callback);
  }

  /// Calls `callback` with each `SteamNetworkingMessagesSessionFailed_t`. Its `m_info` is
  /// the session's connection info when the failure is reported, as Steam fills it (listen
  /// socket 0); if the session has changed since, the failure's own reason, state, remote
  /// and debug text, the rest zero. Replaces the previous one; empty stops delivery.
  void setSessionFailedCallback(SessionFailedCallback callback) {
    std::lock_guard lock(hooks_->mutex);
    hooks_->failed = std::move(callback);
  }

  /// Delivers the peer's queued signals (and so the callbacks above): the stand-in for
  /// `SteamAPI_RunCallbacks()` / `SteamNetworkingSockets()->RunCallbacks()` when the
  /// network's embedded callbacks are off.
  void RunCallbacks() { peer_->runCallbacks(); }

 private:
  // Held while a callback runs (recursive: a callback may replace callbacks).
  struct Hooks {
    std::recursive_mutex mutex;
    SessionRequestCallback request;
    SessionFailedCallback failed;
  };

  void connectSignals() {
    on_request_ = peer_->onSessionRequest([hooks = hooks_](SteamId remote_steam_id) {
      std::lock_guard lock(hooks->mutex);
      if (!hooks->request) return;
      SteamNetworkingMessagesSessionRequest_t request;
      std::memset(static_cast<void*>(&request), 0, sizeof request);
      request.m_identityRemote = steamworks::toSteamIdentity(remote_steam_id);
      const SessionRequestCallback callback = hooks->request;  // may replace itself
      callback(&request);
    });
    on_failed_ =
        peer_->onSessionFailed([hooks = hooks_, peer = peer_](const SessionFailed& failed) {
          std::lock_guard lock(hooks->mutex);
          if (!hooks->failed) return;
          SteamNetworkingMessagesSessionFailed_t event;
          std::memset(static_cast<void*>(&event), 0, sizeof event);
          steamworks::fillSteamConnectionInfo(failedConnectionInfo(*peer, failed), event.m_info);
          event.m_info.m_hListenSocket = 0;
          const SessionFailedCallback callback = hooks->failed;
          callback(&event);
        });
  }

  /// The connection info Steam puts in the failure callback: the session's own, still
  /// recorded as failed, or else what the failure itself says.
  static ConnectionInfo failedConnectionInfo(NetworkingMessages& peer,
                                             const SessionFailed& failed) {
    SessionConnectionInfo now = peer.getSessionConnectionInfo(failed.remote_steam_id, true, false);
    if (now.connection && now.connection->connection_state == failed.connection_state &&
        now.connection->end_reason == failed.reason) {
      return std::move(*now.connection);
    }
    ConnectionInfo info;
    info.identity = failed.remote_steam_id;
    info.connection_state = failed.connection_state;
    info.end_reason = failed.reason;
    info.end_debug = failed.debug_message;
    return info;
  }

  std::shared_ptr<NetworkingMessages> owner_;
  NetworkingMessages* peer_;
  std::shared_ptr<Hooks> hooks_ = std::make_shared<Hooks>();
  // The adapter's handlers on the peer, disconnected when the adapter goes away.
  ScopedSignalConnection on_request_;
  ScopedSignalConnection on_failed_;
};

}  // namespace steamsim
