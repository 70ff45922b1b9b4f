#include "steamsim/networking_messages.hpp"

#include <utility>

#include "signal_registry.hpp"

namespace steamsim {

NetworkingMessages::NetworkingMessages() : signals_(std::make_shared<detail::SignalRegistry>()) {}

NetworkingMessages::NetworkingMessages(const NetworkingMessages& other)
    : signals_(other.signals_->clone()) {}

NetworkingMessages& NetworkingMessages::operator=(const NetworkingMessages& other) {
  if (this != &other) signals_ = other.signals_->clone();
  return *this;
}

SignalConnection NetworkingMessages::onSessionRequest(SessionRequestHandler handler) {
  return signals_->connectRequest(signals_, std::move(handler));
}

SignalConnection NetworkingMessages::onSessionFailed(SessionFailedHandler handler) {
  return signals_->connectFailed(signals_, std::move(handler));
}

void NetworkingMessages::emitSessionRequestSignal(SteamId remote_steam_id) {
  // Keeps the registry alive even if a handler destroys this object's last owner.
  const auto signals = signals_;
  signals->emitRequest(remote_steam_id);
}

void NetworkingMessages::emitSessionFailedSignal(const SessionFailed& failed) {
  const auto signals = signals_;
  signals->emitFailed(failed);
}

}  // namespace steamsim
