#include "steamsim/signal_connection.hpp"

#include "signal_registry.hpp"

namespace steamsim {

void SignalConnection::disconnect() {
  if (auto registry = registry_.lock()) registry->disconnect(id_);
  registry_.reset();
}

bool SignalConnection::connected() const {
  auto registry = registry_.lock();
  return registry && registry->connected(id_);
}

namespace detail {

SignalConnection SignalRegistry::connectRequest(const std::shared_ptr<SignalRegistry>& self,
                                                NetworkingMessages::SessionRequestHandler handler) {
  if (!handler) return {};
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  request_.push_back({id, std::move(handler)});
  return {self, id};
}

SignalConnection SignalRegistry::connectFailed(const std::shared_ptr<SignalRegistry>& self,
                                               NetworkingMessages::SessionFailedHandler handler) {
  if (!handler) return {};
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  failed_.push_back({id, std::move(handler)});
  return {self, id};
}

void SignalRegistry::disconnect(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  for (auto& slot : request_) {
    if (slot.id == id) slot.handler = nullptr;
  }
  for (auto& slot : failed_) {
    if (slot.id == id) slot.handler = nullptr;
  }
  compactLocked();
}

bool SignalRegistry::connected(std::uint64_t id) const {
  std::lock_guard lock(mutex_);
  for (const auto& slot : request_) {
    if (slot.id == id) return static_cast<bool>(slot.handler);
  }
  for (const auto& slot : failed_) {
    if (slot.id == id) return static_cast<bool>(slot.handler);
  }
  return false;
}

void SignalRegistry::compactLocked() {
  if (emitting_ > 0) return;
  std::erase_if(request_, [](const auto& slot) { return !slot.handler; });
  std::erase_if(failed_, [](const auto& slot) { return !slot.handler; });
}

template <typename Handler, typename Arg>
void SignalRegistry::emit(std::vector<Slot<Handler>>& list, const Arg& arg) {
  {
    std::lock_guard lock(mutex_);
    ++emitting_;
  }
  // Index loop without holding the lock while a handler runs: a handler may connect or
  // disconnect handlers (slots are only erased once no emission is under way).
  for (std::size_t i = 0;; ++i) {
    Handler handler;
    {
      std::lock_guard lock(mutex_);
      if (i >= list.size()) {
        --emitting_;
        compactLocked();
        return;
      }
      handler = list[i].handler;
    }
    if (handler) handler(arg);
  }
}

void SignalRegistry::emitRequest(SteamId remote_steam_id) {
  emit(request_, remote_steam_id);
}

void SignalRegistry::emitFailed(const SessionFailed& failed) {
  emit(failed_, failed);
}

std::shared_ptr<SignalRegistry> SignalRegistry::clone() const {
  auto copy = std::make_shared<SignalRegistry>();
  std::lock_guard lock(mutex_);
  for (const auto& slot : request_) {
    if (slot.handler) copy->request_.push_back({copy->next_id_++, slot.handler});
  }
  for (const auto& slot : failed_) {
    if (slot.handler) copy->failed_.push_back({copy->next_id_++, slot.handler});
  }
  return copy;
}

}  // namespace detail
}  // namespace steamsim
