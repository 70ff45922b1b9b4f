#pragma once
/// \file
/// GoogleMock double of the NetworkingMessages seam, for game unit tests. Also brings in
/// the matchers and builders of `<steamsim/matchers.hpp>` (PayloadEq, PayloadSize,
/// FlagsInclude, IsReliable, IsUnreliable, makeMessage, makeSessionFailed).

#include <gmock/gmock.h>

#include "steamsim/matchers.hpp"
#include "steamsim/networking_messages.hpp"
#include "steamsim/printers.hpp"

namespace steamsim {

/// A `NetworkingMessages` whose functions are GoogleMock mock methods. Works with
/// `NiceMock` and `StrictMock`. Unless a test says otherwise, calls answer like a healthy
/// Steam: `sendMessageToUser` returns `Result::OK`, accept and the two close functions return
/// true, `receiveMessagesOnChannel` returns no messages, `getSessionConnectionInfo` returns
/// state None. Payloads, results and messages print readably in failure messages. Signals are fired with `emitSessionRequest` and
/// `emitSessionFailed`, which call the handlers game code registered, as Steam would.
///
/// \code
///   ::testing::NiceMock<steamsim::MockNetworkingMessages> net;
///   Lobby lobby(net, kHost, kHost);  // game code registers its handlers
///   EXPECT_CALL(net, acceptSessionWithUser(kAlice)).WillOnce(::testing::Return(true));
///   net.emitSessionRequest(kAlice);  // the handler runs now and may call back into `net`
/// \endcode
class MockNetworkingMessages : public NetworkingMessages {
 public:
  MockNetworkingMessages();
  ~MockNetworkingMessages() override;

  MOCK_METHOD(bool, acceptSessionWithUser, (SteamId remote_steam_id), (override));
  MOCK_METHOD(bool, closeChannelWithUser, (SteamId remote_steam_id, int channel), (override));
  MOCK_METHOD(bool, closeSessionWithUser, (SteamId remote_steam_id), (override));
  MOCK_METHOD(SessionConnectionInfo, getSessionConnectionInfo,
              (SteamId remote_steam_id, bool get_connection, bool get_status), (override));
  MOCK_METHOD(std::vector<Message>, receiveMessagesOnChannel, (int channel, int max_messages),
              (override));
  MOCK_METHOD(Result, sendMessageToUser,
              (SteamId remote_steam_id, std::span<const std::uint8_t> data, int flags, int channel),
              (override));
  MOCK_METHOD(void, runCallbacks, (), (override));

  /// Text and byte-range overloads of NetworkingMessages; they call the mocked function.
  using NetworkingMessages::sendMessageToUser;

  /// Fires `network_messages_session_request(remote_steam_id)` on the registered handlers.
  void emitSessionRequest(SteamId remote_steam_id);
  /// Fires `network_messages_session_failed(...)` on the registered handlers.
  void emitSessionFailed(const SessionFailed& failed);
};

}  // namespace steamsim
