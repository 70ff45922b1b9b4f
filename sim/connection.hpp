// SPDX-License-Identifier: MIT
#pragma once
// One connection between two peers' sessions: handshake, reliability (packet numbers,
// acks, retransmission, one reliable stream for all channels, fragmentation), Nagle,
// pacing, keepalives, timeouts and measured statistics. See sim/SESSIONS.md.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fifo.hpp"
#include "link_stats.hpp"
#include "packet_tracker.hpp"
#include "reliable_receiver.hpp"
#include "reliable_sender.hpp"
#include "steamsim/message.hpp"
#include "steamsim/network_config.hpp"
#include "time.hpp"
#include "unreliable_queue.hpp"
#include "wire.hpp"

namespace steamsim::detail {

/// What a connection needs from the peer that owns it.
class ConnectionHost {
 public:
  virtual ~ConnectionHost() = default;
  virtual const NetworkConfig& config() const = 0;
  /// Emits a datagram from this peer to `to`.
  virtual void sendDatagram(SteamId to, std::span<const std::uint8_t> datagram) = 0;
  /// A message arrived on a connection.
  virtual void deliverMessage(SteamId from, StreamMessage&& message, bool reliable, TimeUs now) = 0;
  /// A whole unreliable message arrived; `payload` views the datagram (copied by the host
  /// straight into the message it hands out).
  virtual void deliverUnreliable(SteamId from, std::uint64_t message_number, std::int32_t channel,
                                 std::span<const std::uint8_t> payload, TimeUs now) {
    deliverMessage(from,
                   StreamMessage{message_number, channel,
                                 std::vector<std::uint8_t>(payload.begin(), payload.end())},
                   false, now);
  }
  /// A connection changed state (for the trace).
  virtual void traceStateChange(SteamId remote, ConnectionState from, ConnectionState to,
                                int reason, const std::string& debug) = 0;
  /// Counts a reliable retransmission: `bytes` from stream `offset` to `remote` were lost.
  virtual void countRetransmission(SteamId remote, std::uint64_t offset, std::uint64_t bytes) = 0;
};

class Connection {
 public:
  enum class Phase {
    Connecting,      ///< we asked; waiting for ConnectAccept
    AwaitingAccept,  ///< they asked; waiting for the app to accept (API: Connecting)
    Connected,
    ClosedByPeer,
    ProblemDetectedLocally,
    ClosedLocally,  ///< we closed it; nothing more is sent
  };

  Connection(ConnectionHost& host, SteamId self, SteamId remote, std::uint32_t local_id,
             TimeUs now);

  /// We start the connection: Connecting, a ConnectRequest goes out.
  void startOutgoing(TimeUs now);
  /// The peer asked (ConnectRequest with `remote_id`): wait for the app to accept.
  void startIncoming(std::uint32_t remote_id, TimeUs now);
  /// The app accepted an incoming connection (or sent to the peer): Connected.
  void accept(TimeUs now);

  /// A ConnectRequest from the peer for this connection (a retry, or symmetric connect).
  void onConnectRequest(const wire::PacketHeader& header, TimeUs now);
  /// Any other packet from the peer addressed to this connection. `parsed`: its frames as
  /// decode() parsed them, if available.
  void onPacket(const wire::PacketHeader& header, std::span<const std::uint8_t> frames,
                std::size_t datagram_size, TimeUs now, const wire::ParsedFrames* parsed = nullptr);

  /// Queues a message. Assumes size checks were done by the caller.
  /// \return OK, or LimitExceeded when the send buffer would overflow.
  Result send(std::span<const std::uint8_t> data, int flags, int channel, TimeUs now);

  /// Closes from our side: tells the peer (`reason`, `debug`) unless `silent`, drops
  /// everything unsent and unacknowledged.
  void closeLocally(int reason, const std::string& debug, TimeUs now, bool silent = false);

  /// Runs timers and sends what is due.
  void think(TimeUs now);
  /// When `think` should next run; kNever if never.
  TimeUs nextWake() const;

  /// What queued data waits for, as nextWake() sees it: nothing queued, pacing tokens, nothing
  /// (due now), or its Nagle deadline. While it stays Pacing or Due, queueing more data
  /// leaves nextWake() unchanged.
  enum class DataWait { None, Pacing, Due, Nagle };
  DataWait dataWait() const {
    const bool has_data = reliable_out_.hasRetransmit() ||
                          reliable_out_.sendNext() < reliable_out_.end() ||
                          !unreliable_out_.empty();
    if (!has_data) return DataWait::None;
    if (pace_tokens_ < 0) return DataWait::Pacing;
    if (reliable_out_.hasRetransmit() || reliable_flush_end_ > reliable_out_.sendNext() ||
        unsentBytes() >= wire::kMaxDatagram - wire::kHeaderSize ||
        (!unreliable_out_.empty() && unreliable_out_.front().number <= unreliable_flush_number_)) {
      return DataWait::Due;
    }
    return DataWait::Nagle;
  }

  Phase phase() const { return phase_; }
  /// State as the API reports it.
  ConnectionState apiState() const;
  bool isOpen() const {
    return phase_ == Phase::Connecting || phase_ == Phase::AwaitingAccept ||
           phase_ == Phase::Connected;
  }
  bool everConnected() const { return ever_connected_; }
  bool awaitingAccept() const { return phase_ == Phase::AwaitingAccept; }
  /// A message is half received (B13, B11).
  bool hasPartialMessage() const;
  /// Reliable data queued or sent and not yet acknowledged (B13, B11).
  bool hasUnackedReliable() const;
  /// Had a half-received message or unacknowledged reliable data when it ended (B13).
  bool endedWithPendingData() const { return ended_with_pending_; }
  int endReason() const { return end_reason_; }
  const std::string& endDebug() const { return end_debug_; }
  std::uint32_t localId() const { return local_id_; }
  std::uint32_t remoteId() const { return remote_id_; }
  SteamId remote() const { return remote_; }
  /// The number the last accepted send took (0 before any).
  std::uint64_t lastMessageNumber() const { return next_message_number_ - 1; }

  /// Unsent bytes, reliable and unreliable (the send-buffer check).
  std::uint64_t pendingBytes() const;
  /// Real-time status (B20, B24).
  RealTimeStatus status(TimeUs now);

 private:
  struct NagleMark {
    std::uint64_t stream_end = 0;  // end of a reliable message in the stream
    TimeUs ready_at = 0;
  };
  struct InFlight {
    TimeUs sent_at = 0;
    std::uint32_t bytes = 0;
    bool ack_eliciting = false;
    bool resolved = false;  // acked or declared lost
    bool acked = false;
    std::uint8_t range_count = 0;
    std::array<ByteRange, 8> ranges{};  // reliable stream ranges carried
  };

  void enter(Phase phase, TimeUs now, int reason = 0, const std::string& debug = {});
  void fail(int reason, const std::string& debug, TimeUs now);
  void sendControl(wire::PacketType type, TimeUs now, int reason = 0,
                   const std::string& debug = {});
  void becomeConnected(TimeUs now);

  void handleAck(const wire::AckFrame& ack, TimeUs now);
  void detectLosses(TimeUs now);
  void markLost(InFlight& packet);
  /// Drops settled packets from the front of the in-flight window.
  void forgetSettled(TimeUs now);
  void checkLiveness(TimeUs now);

  /// Sends every packet that is due and pacing allows.
  void flush(TimeUs now);
  bool buildAndSendPacket(TimeUs now, bool ping, bool with_data);
  std::uint64_t reliableReadyEnd(TimeUs now);
  bool unreliableReady(TimeUs now) const;
  /// Bytes queued and never sent, reliable and unreliable.
  std::uint64_t unsentBytes() const {
    return (reliable_out_.end() - reliable_out_.sendNext()) + unreliable_pending_bytes_;
  }
  void refillPacing(TimeUs now);
  TimeUs rtoUs() const;
  TimeUs replyTimeoutUs() const;

  ConnectionHost& host_;
  SteamId self_;
  SteamId remote_;
  std::uint32_t local_id_;
  std::uint32_t remote_id_ = 0;
  Phase phase_ = Phase::Connecting;
  bool ever_connected_ = false;
  TimeUs phase_entered_ = 0;
  int end_reason_ = 0;
  std::string end_debug_;
  bool ended_with_pending_ = false;

  // Handshake.
  TimeUs next_request_at_ = kNever;

  // Sending.
  std::uint64_t next_message_number_ = 1;
  std::uint64_t next_packet_number_ = 1;
  ReliableSender reliable_out_;
  Fifo<NagleMark> nagle_marks_;
  std::uint64_t reliable_flush_end_ = 0;  // NoNagle: stream bytes below are ready now
  UnreliableQueue unreliable_out_;
  std::uint64_t unreliable_flush_number_ = 0;  // NoNagle: messages up to this are ready
  std::uint64_t unreliable_pending_bytes_ = 0;
  double pace_tokens_ = 0;
  TimeUs pace_updated_ = 0;

  // In flight, indexed by packet number - inflight_base_.
  Fifo<InFlight> inflight_;
  std::uint64_t inflight_base_ = 1;
  // Numbers of the packets in inflight_ not acknowledged yet (unresolved or declared lost),
  // ascending.
  std::vector<std::uint64_t> unacked_;
  // The ranges of the last ack handled, after its first (wire::AckFrame's encoding).
  struct LastAck {
    std::uint64_t first_lo = 0;     // low end of its first range
    std::uint32_t range_count = 0;  // 0: none remembered
    std::size_t tail_size = 0;
    std::array<std::uint8_t, 256> tail{};
  };
  LastAck last_ack_;
  std::uint64_t scan_pn_ = 1;  // every packet below this number is settled
  std::uint64_t largest_acked_ = 0;

  // Receiving.
  PacketTracker tracker_;
  ReliableReceiver reliable_in_;
  struct Reassembly {
    std::uint64_t number = 0;
    std::int32_t channel = 0;
    std::vector<std::uint8_t> data;
    std::uint32_t received = 0;
  };
  std::vector<Reassembly> reassembly_;  // at most kMaxReassembly unreliable messages
  bool ack_pending_ = false;
  TimeUs ack_deadline_ = kNever;
  TimeUs largest_received_at_ = 0;

  // Liveness.
  TimeUs last_recv_ = 0;
  TimeUs reply_deadline_ = 0;        // 0: no reply expected
  TimeUs reply_expected_since_ = 0;  // when the packet expecting that reply was sent
  int replies_missed_ = 0;
  TimeUs timeout_started_ = 0;
  TimeUs last_ping_sent_ = 0;
  TimeUs next_tracer_at_ = kNever;

  // Statistics.
  PingEstimator ping_;
  TrafficWindow traffic_;
  float remote_quality_ = -1.0F;
  TimeUs next_stats_at_ = 0;
  bool stats_due_ = false;
};

}  // namespace steamsim::detail
