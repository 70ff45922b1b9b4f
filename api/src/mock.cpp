#include "steamsim/mock.hpp"

namespace steamsim {

// Out of line so the mock's large generated code is compiled once, in this library.
MockNetworkingMessages::MockNetworkingMessages() = default;
MockNetworkingMessages::~MockNetworkingMessages() = default;

void MockNetworkingMessages::emitSessionRequest(SteamId remote_steam_id) {
  emitSessionRequestSignal(remote_steam_id);
}

void MockNetworkingMessages::emitSessionFailed(const SessionFailed& failed) {
  emitSessionFailedSignal(failed);
}

}  // namespace steamsim
