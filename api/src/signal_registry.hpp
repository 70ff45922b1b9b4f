#pragma once
// The handlers connected to one NetworkingMessages' two signals, shared with the
// SignalConnection handles that name them.

#include <cstdint>
#include <mutex>
#include <vector>

#include "steamsim/networking_messages.hpp"

namespace steamsim::detail {

class SignalRegistry {
 public:
  SignalConnection connectRequest(const std::shared_ptr<SignalRegistry>& self,
                                  NetworkingMessages::SessionRequestHandler handler);
  SignalConnection connectFailed(const std::shared_ptr<SignalRegistry>& self,
                                 NetworkingMessages::SessionFailedHandler handler);
  void disconnect(std::uint64_t id);
  bool connected(std::uint64_t id) const;
  /// Calls the handlers in connection order; handlers connected meanwhile are called too,
  /// disconnected ones are skipped.
  void emitRequest(SteamId remote_steam_id);
  void emitFailed(const SessionFailed& failed);
  /// A registry with the same handlers under new ids.
  std::shared_ptr<SignalRegistry> clone() const;

 private:
  template <typename Handler>
  struct Slot {
    std::uint64_t id = 0;
    Handler handler;  ///< empty once disconnected
  };
  template <typename Handler, typename Arg>
  void emit(std::vector<Slot<Handler>>& list, const Arg& arg);
  void compactLocked();

  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  int emitting_ = 0;  ///< emissions under way; slots are erased only when none is
  std::vector<Slot<NetworkingMessages::SessionRequestHandler>> request_;
  std::vector<Slot<NetworkingMessages::SessionFailedHandler>> failed_;
};

}  // namespace steamsim::detail
