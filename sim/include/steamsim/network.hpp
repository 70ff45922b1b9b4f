// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// The simulated world: peers, directed links with impairment, and the clock.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "steamsim/capture.hpp"
#include "steamsim/link_conditions.hpp"
#include "steamsim/network_config.hpp"
#include "steamsim/peer.hpp"
#include "steamsim/trace.hpp"

namespace steamsim {

/// Counters of the whole network.
struct NetworkCounters {
  std::uint64_t events = 0;             ///< scheduler events run
  std::uint64_t datagrams = 0;          ///< datagrams written to sockets
  std::uint64_t socket_bytes_read = 0;  ///< bytes read back from peers' sockets
  std::uint64_t kernel_lost = 0;        ///< written but not read back: dropped by the kernel, or
                                        ///< given up on behind a flood of other datagrams (traced
                                        ///< as a drop, "kernel_lost"); 0 unless others write
                                        ///< to the sockets
};

class Network {
 public:
  /// Creates an empty network. Throws std::invalid_argument if `config.validate()` fails.
  explicit Network(NetworkConfig config = {});
  /// Closes every socket. May also be called from a signal handler or a scheduled action
  /// running inside `advance`, `runUntil` or `runCallbacks`: nothing more runs after it, the
  /// call in progress returns as soon as the handler does (`runUntil` returns false), and
  /// the peers stay valid until then.
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  /// Adds a peer with its own UDP socket. Throws std::invalid_argument for Steam ID 0 or a
  /// duplicate, std::system_error if the socket cannot be bound.
  /// \return the peer, valid for the lifetime of this Network.
  Peer& addPeer(SteamId steam_id);
  /// The peer with that Steam ID. Throws std::out_of_range if there is none.
  Peer& peer(SteamId steam_id);
  /// true if a peer with that Steam ID was added.
  bool hasPeer(SteamId steam_id) const;
  /// Steam IDs of all peers, in the order they were added.
  std::vector<SteamId> peerIds() const;

  /// Conditions of every link that has none of its own. Throws std::invalid_argument with
  /// the validation errors if invalid.
  void setDefaultLink(const LinkConditions& conditions);
  /// Conditions of one direction, `from -> to`. Throws as `setDefaultLink`.
  void setLink(SteamId from, SteamId to, const LinkConditions& conditions);
  /// Forgets `from -> to`'s own conditions; it follows the default again.
  void clearLink(SteamId from, SteamId to);
  /// Conditions in force on `from -> to`.
  LinkConditions link(SteamId from, SteamId to) const;
  /// Computes the conditions of every link without conditions of its own (see `setLink`)
  /// instead of one default for all: `resolver(from, to)` is asked when a link is first used,
  /// when `link()` is asked about it, and again for every link in use at `refreshLinks()`.
  /// So memory grows with the links actually used, not with the square of the peers. It runs
  /// on the thread running the network with the network's lock held: it must not call the
  /// network, and must return valid conditions. An empty function restores the default.
  void setLinkResolver(std::function<LinkConditions(SteamId from, SteamId to)> resolver);
  /// Asks the resolver again for every link in use (after what it answers has changed).
  void refreshLinks();
  /// Counters of `from -> to` (zero if nothing was sent on it).
  LinkCounters linkCounters(SteamId from, SteamId to) const;

  /// Cuts every link between peers of different groups. Peers in no group keep their
  /// links. Replaces any earlier partition.
  void partition(const std::vector<std::vector<SteamId>>& groups);
  /// Removes the partition.
  void heal();
  /// The peer stops: its socket closes, its sessions and queues are lost, it answers
  /// nothing. Throws std::out_of_range for an unknown peer.
  void crash(SteamId steam_id);
  /// A crashed peer comes back with a new socket and no sessions.
  void restart(SteamId steam_id);

  /// Runs the network for `duration`. Virtual clock: runs every event due and jumps; real
  /// time: waits that long. Durations beyond the end of time (e.g.
  /// `microseconds::max()`) stop there instead of overflowing. Embedded callbacks are delivered on
  /// the calling thread.
  void advance(std::chrono::microseconds duration);
  /// Same as `advance`.
  void runFor(std::chrono::microseconds duration) { advance(duration); }
  /// Runs until `done()` is true (checked after every event, or every millisecond in real
  /// time) or `timeout` has passed. \return true if `done()` became true.
  bool runUntil(const std::function<bool()>& done, std::chrono::microseconds timeout);
  /// Current time of the network's clock (µs; the virtual clock starts well above 0).
  std::chrono::microseconds now() const;

  /// Runs `action` at time `at` (absolute, as `now()`), on the thread running the network,
  /// with no lock held: it may call any API function.
  void schedule(std::chrono::microseconds at, std::function<void()> action);

  /// Hash of every trace event so far (a 64-bit hash over their fields); equal for equal runs.
  /// Kept in virtual time only: a real-time run never repeats, so there the hash is not
  /// computed and keeps its initial value (trace sinks and recording still see every event).
  std::uint64_t traceHash() const;
  /// A shared handle on a peer that may outlive this Network (a `Peer&` may not). While the
  /// network lives it forwards every call to the peer, and delivers the peer's signals to
  /// handlers connected on the handle too; once the network is destroyed every call answers
  /// as GodotSteam does when Steam is not running: send 0 (Result::None), bools false,
  /// `getSessionConnectionInfo` an empty result, receive nothing. Throws std::out_of_range
  /// for an unknown peer.
  std::shared_ptr<NetworkingMessages> handle(SteamId steam_id);

  /// Trace events so far (kept only with NetworkConfig::record_trace).
  std::vector<TraceEvent> trace() const;
  /// Receives every trace event as it happens, on the thread running the network.
  void setTraceSink(std::function<void(const TraceEvent&)> sink);

  /// Hands every datagram that crosses a socket to `capture` from now on (null: stop).
  /// The network shares ownership. `enablePcap` (steamsim::pcap) writes them to a file.
  void setCapture(std::shared_ptr<DatagramCapture> capture);

  NetworkCounters counters() const;
  const NetworkConfig& config() const;

 private:
  std::shared_ptr<detail::World> world_;  // shared with handles (see handle())
};

}  // namespace steamsim
