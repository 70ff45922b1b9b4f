#include "steamsim/networking_messages.hpp"

#include <utility>

namespace steamsim {

void NetworkingMessages::onSessionRequest(SessionRequestHandler handler) {
  if (handler) session_request_handlers_.push_back(std::move(handler));
}

void NetworkingMessages::onSessionFailed(SessionFailedHandler handler) {
  if (handler) session_failed_handlers_.push_back(std::move(handler));
}

void NetworkingMessages::emitSessionRequestSignal(SteamId remote_steam_id) {
  // Index loop: a handler may connect further handlers while being called.
  for (std::size_t i = 0; i < session_request_handlers_.size(); ++i) {
    auto handler = session_request_handlers_[i];
    handler(remote_steam_id);
  }
}

void NetworkingMessages::emitSessionFailedSignal(const SessionFailed& failed) {
  for (std::size_t i = 0; i < session_failed_handlers_.size(); ++i) {
    auto handler = session_failed_handlers_[i];
    handler(failed);
  }
}

}  // namespace steamsim
