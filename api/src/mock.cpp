#include "steamsim/mock.hpp"

namespace steamsim {

// Out of line so the mock's large generated code is compiled once, in this library.
MockNetworkingMessages::MockNetworkingMessages() {
  using ::testing::_;
  using ::testing::Return;
  ON_CALL(*this, sendMessageToUser(_, _, _, _)).WillByDefault(Return(Result::OK));
  ON_CALL(*this, acceptSessionWithUser(_)).WillByDefault(Return(true));
  ON_CALL(*this, closeSessionWithUser(_)).WillByDefault(Return(true));
  ON_CALL(*this, closeChannelWithUser(_, _)).WillByDefault(Return(true));
}
MockNetworkingMessages::~MockNetworkingMessages() = default;

void MockNetworkingMessages::emitSessionRequest(SteamId remote_steam_id) {
  emitSessionRequestSignal(remote_steam_id);
}

void MockNetworkingMessages::emitSessionFailed(const SessionFailed& failed) {
  emitSessionFailedSignal(failed);
}

}  // namespace steamsim
