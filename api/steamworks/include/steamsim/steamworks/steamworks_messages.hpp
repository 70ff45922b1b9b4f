// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// `steamsim::SteamworksMessages`: steamsim's NetworkingMessages over Steam's own
/// `ISteamNetworkingMessages` (production: `SteamNetworkingMessages()`), so game code written
/// against the seam runs unchanged on Steam.

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "steamsim/message.hpp"
#include "steamsim/networking_messages.hpp"
#include "steamsim/steamworks/conversions.hpp"
#include "steamsim/steamworks/steam_headers.hpp"
#include "steamsim/types.hpp"

namespace steamsim {

/// Forwards every NetworkingMessages call to an `ISteamNetworkingMessages*`, converting Steam
/// IDs to Steam-ID identities, results and states by value, and received messages to
/// `Message`s (Steam's messages are released before the call returns).
///
/// Steam's two callbacks become the seam's signals once they reach the adapter: the game
/// hands each `SteamNetworkingMessagesSessionRequest_t` / `..._SessionFailed_t` to
/// `deliver()` (from a `STEAM_CALLBACK` member, for example), or, with
/// GameNetworkingSockets' global callbacks, makes the adapter the global callback target and
/// installs `globalSessionRequestCallback` / `globalSessionFailedCallback` as
/// `k_ESteamNetworkingConfig_Callback_MessagesSessionRequest` / `..._SessionFailed`. Signals
/// are emitted on the thread that delivers Steam's callbacks, while it does so.
///
/// Not thread-safe beyond what the wrapped interface is; not copyable (the global callback
/// target is this object's address).
class SteamworksMessages : public NetworkingMessages {
 public:
  /// \param steam Steam's interface, not owned; must outlive the adapter. Throws
  ///   std::invalid_argument if null.
  /// \param run_steam_callbacks what `runCallbacks()` calls to make Steam dispatch its
  ///   callbacks: `&SteamAPI_RunCallbacks` with the Steamworks SDK,
  ///   `[] { SteamNetworkingSockets()->RunCallbacks(); }` with GameNetworkingSockets. Empty
  ///   (the default) when the game's main loop already does that: `runCallbacks()` then
  ///   does nothing.
  explicit SteamworksMessages(ISteamNetworkingMessages* steam,
                              std::function<void()> run_steam_callbacks = {})
      : steam_(steam), run_steam_callbacks_(std::move(run_steam_callbacks)) {
    if (steam_ == nullptr) {
      throw std::invalid_argument("SteamworksMessages: the ISteamNetworkingMessages* is null");
    }
  }

  /// Stops being the global callback target, if it is.
  ~SteamworksMessages() override {
    SteamworksMessages* self = this;
    globalTarget().compare_exchange_strong(self, nullptr);
  }

  SteamworksMessages(const SteamworksMessages&) = delete;
  SteamworksMessages& operator=(const SteamworksMessages&) = delete;

  /// The wrapped interface.
  ISteamNetworkingMessages* steam() const { return steam_; }

  /// `AcceptSessionWithUser` with the Steam-ID identity of `remote_steam_id`.
  bool acceptSessionWithUser(SteamId remote_steam_id) override {
    return steam_->AcceptSessionWithUser(steamworks::toSteamIdentity(remote_steam_id));
  }

  /// `CloseChannelWithUser` with the Steam-ID identity of `remote_steam_id`.
  bool closeChannelWithUser(SteamId remote_steam_id, int channel) override {
    return steam_->CloseChannelWithUser(steamworks::toSteamIdentity(remote_steam_id), channel);
  }

  /// `CloseSessionWithUser` with the Steam-ID identity of `remote_steam_id`.
  bool closeSessionWithUser(SteamId remote_steam_id) override {
    return steam_->CloseSessionWithUser(steamworks::toSteamIdentity(remote_steam_id));
  }

  /// `GetSessionConnectionInfo`, asking Steam only for the parts requested. The state is
  /// Steam's return value; requested parts are always present (zeroed by Steam when there
  /// is no session).
  SessionConnectionInfo getSessionConnectionInfo(SteamId remote_steam_id, bool get_connection,
                                                 bool get_status) override {
    SteamNetConnectionInfo_t info;
    std::memset(static_cast<void*>(&info), 0, sizeof info);
    SteamNetConnectionRealTimeStatus_t status;
    std::memset(static_cast<void*>(&status), 0, sizeof status);
    const ESteamNetworkingConnectionState state = steam_->GetSessionConnectionInfo(
        steamworks::toSteamIdentity(remote_steam_id), get_connection ? &info : nullptr,
        get_status ? &status : nullptr);
    SessionConnectionInfo out;
    out.connection_state = steamworks::toConnectionState(state);
    if (get_connection) out.connection = steamworks::toConnectionInfo(info);
    if (get_status) out.status = steamworks::toRealTimeStatus(status);
    return out;
  }

  /// `ReceiveMessagesOnChannel` in batches until `max_messages` are received or Steam has
  /// no more; each Steam message is copied and released (also if copying throws).
  /// \return the messages in Steam's order; none if `max_messages` <= 0.
  std::vector<Message> receiveMessagesOnChannel(int channel, int max_messages) override {
    std::vector<Message> out;
    std::array<SteamNetworkingMessage_t*, kReceiveBatch> batch{};
    int remaining = max_messages;
    while (remaining > 0) {
      const int wanted = std::min(remaining, kReceiveBatch);
      batch.fill(nullptr);
      const int got =
          std::min(steam_->ReceiveMessagesOnChannel(channel, batch.data(), wanted), wanted);
      if (got <= 0) break;
      const ReleaseAll release{batch.data(), got};
      for (int i = 0; i < got; ++i) {
        if (batch[static_cast<std::size_t>(i)] != nullptr) {
          out.push_back(steamworks::toMessage(*batch[static_cast<std::size_t>(i)]));
        }
      }
      remaining -= got;
      if (got < wanted) break;
    }
    return out;
  }

  using NetworkingMessages::sendMessageToUser;

  /// `SendMessageToUser` with the Steam-ID identity of `remote_steam_id`; flags and channel
  /// are passed as they are (steamsim's flag values are Steam's).
  /// \return Steam's result; InvalidParam, without calling Steam, if `data` is larger than
  ///   a uint32 can describe.
  Result sendMessageToUser(SteamId remote_steam_id, std::span<const std::uint8_t> data, int flags,
                           int channel) override {
    if (data.size() > std::numeric_limits<std::uint32_t>::max()) return Result::InvalidParam;
    return steamworks::toResult(
        steam_->SendMessageToUser(steamworks::toSteamIdentity(remote_steam_id), data.data(),
                                  static_cast<std::uint32_t>(data.size()), flags, channel));
  }

  /// Calls the `run_steam_callbacks` given to the constructor, if any; Steam then
  /// dispatches its callbacks, which reach the signals through `deliver()`.
  void runCallbacks() override {
    if (run_steam_callbacks_) run_steam_callbacks_();
  }

  /// Steam's session request, as a `STEAM_CALLBACK` member or a callback function receives
  /// it: emits `network_messages_session_request` with the requester's Steam ID. A request
  /// from an identity that is not a Steam ID (possible only with GameNetworkingSockets'
  /// custom signaling) cannot be named by the seam and is ignored; null is ignored.
  void deliver(const SteamNetworkingMessagesSessionRequest_t* request) {
    if (request == nullptr ||
        steamworks::identityKind(request->m_identityRemote) != steamworks::IdentityKind::SteamId) {
      return;
    }
    emitSessionRequestSignal(steamworks::toSteamId(request->m_identityRemote));
  }

  /// Steam's session-failed callback: emits `network_messages_session_failed` with the end
  /// reason, the remote Steam ID, the state and the end reason's debug text from `m_info`.
  /// Null is ignored.
  void deliver(const SteamNetworkingMessagesSessionFailed_t* failed) {
    if (failed == nullptr) return;
    emitSessionFailedSignal(steamworks::toSessionFailed(*failed));
  }

  /// Makes this adapter the one `globalSessionRequestCallback` and
  /// `globalSessionFailedCallback` deliver to (one per process; the last call wins; the
  /// destructor undoes it).
  void makeGlobalCallbackTarget() { globalTarget().store(this); }

  /// A plain function (FnSteamNetworkingMessagesSessionRequest) for GameNetworkingSockets'
  /// `SetGlobalCallback_MessagesSessionRequest`: delivers to the global callback target;
  /// does nothing if there is none.
  static void globalSessionRequestCallback(SteamNetworkingMessagesSessionRequest_t* request) {
    if (SteamworksMessages* target = globalTarget().load()) target->deliver(request);
  }

  /// A plain function (FnSteamNetworkingMessagesSessionFailed) for GameNetworkingSockets'
  /// `SetGlobalCallback_MessagesSessionFailed`: delivers to the global callback target.
  static void globalSessionFailedCallback(SteamNetworkingMessagesSessionFailed_t* failed) {
    if (SteamworksMessages* target = globalTarget().load()) target->deliver(failed);
  }

 private:
  static constexpr int kReceiveBatch = 64;

  /// Releases the first `count` messages of a batch when it goes out of scope.
  struct ReleaseAll {
    SteamNetworkingMessage_t** messages;
    int count;
    ReleaseAll(SteamNetworkingMessage_t** batch, int n) : messages(batch), count(n) {}
    ReleaseAll(const ReleaseAll&) = delete;
    ReleaseAll& operator=(const ReleaseAll&) = delete;
    ~ReleaseAll() {
      for (int i = 0; i < count; ++i) {
        if (messages[i] != nullptr) messages[i]->Release();
      }
    }
  };

  static std::atomic<SteamworksMessages*>& globalTarget() {
    static std::atomic<SteamworksMessages*> target{nullptr};
    return target;
  }

  ISteamNetworkingMessages* steam_;
  std::function<void()> run_steam_callbacks_;
};

}  // namespace steamsim
