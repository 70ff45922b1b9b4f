// SPDX-License-Identifier: MIT
#include "connection.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "stream_message.hpp"

namespace steamsim::detail {

namespace {

constexpr TimeUs kConnectRetryUs = 500'000;     // ConnectRequest retry
constexpr TimeUs kMaxAckDelayUs = 50'000;       // k_usecMaxDataAckDelay
constexpr TimeUs kNackFlushUs = 3'000;          // k_usecNackFlush: ack soon after a gap
constexpr TimeUs kKeepaliveUs = 10'000'000;     // keepalive after this much silence
constexpr TimeUs kAggressivePingUs = 200'000;   // pings while a timeout is building
constexpr TimeUs kStatsIntervalUs = 1'000'000;  // how often our quality is reported
constexpr TimeUs kTracerPingUs = 6'000'000;     // ping probes every 5-7 s while sending
constexpr int kRepliesMissedForTimeout = 4;
constexpr std::uint64_t kLossPacketThreshold = 3;  // acks this far past a packet declare it lost
constexpr std::size_t kMaxReassembly = 20;         // unreliable messages being reassembled
constexpr std::size_t kPayloadCapacity = wire::kMaxDatagram - wire::kHeaderSize;
constexpr std::size_t kAckReserve = 48;  // room left for an ack when sizing messages
constexpr double kPaceBurstBytes = 2.0 * wire::kMaxDatagram;
constexpr std::int64_t kQueueTimeUnitBytes = 1132;  // Steam's MaxMessageNoFragment
constexpr std::size_t kMessagesHeaderBytes = 5;     // flags + channel, counted as Steam does

bool isAckEliciting(wire::FrameType type) {
  return type == wire::FrameType::ReliableSegment || type == wire::FrameType::Unreliable ||
         type == wire::FrameType::UnreliableFragment;
}

}  // namespace

Connection::Connection(ConnectionHost& host, SteamId self, SteamId remote, std::uint32_t local_id,
                       TimeUs now)
    : host_(host), self_(self), remote_(remote), local_id_(local_id), phase_entered_(now) {
  pace_tokens_ = kPaceBurstBytes;
  pace_updated_ = now;
  last_recv_ = now;
  traffic_.start(now);
}

// ---------------------------------------------------------------------------------------
// State

ConnectionState Connection::apiState() const {
  switch (phase_) {
    case Phase::Connecting:
    case Phase::AwaitingAccept:
      return ConnectionState::Connecting;
    case Phase::Connected:
      return ConnectionState::Connected;
    case Phase::ClosedByPeer:
      return ConnectionState::ClosedByPeer;
    case Phase::ProblemDetectedLocally:
      return ConnectionState::ProblemDetectedLocally;
    case Phase::ClosedLocally:
      return ConnectionState::None;
  }
  return ConnectionState::None;
}

void Connection::enter(Phase phase, TimeUs now, int reason, const std::string& debug) {
  const ConnectionState before = apiState();
  phase_ = phase;
  phase_entered_ = now;
  if (!isOpen()) {
    ended_with_pending_ = hasPartialMessage() || hasUnackedReliable();
    end_reason_ = reason;
    end_debug_ = debug;
    reliable_out_.clear();
    unreliable_out_.clear();
    unreliable_pending_bytes_ = 0;
    nagle_marks_.clear();
    inflight_.clear();
    unacked_.clear();
    ack_pending_ = false;
  }
  const ConnectionState after = apiState();
  if (before != after || phase == Phase::AwaitingAccept) {
    host_.traceStateChange(remote_, before, after, end_reason_, end_debug_);
  }
}

void Connection::startOutgoing(TimeUs now) {
  enter(Phase::Connecting, now);
  sendControl(wire::PacketType::ConnectRequest, now);
  next_request_at_ = now + kConnectRetryUs;
}

void Connection::startIncoming(std::uint32_t remote_id, TimeUs now) {
  remote_id_ = remote_id;
  enter(Phase::AwaitingAccept, now);
}

void Connection::accept(TimeUs now) {
  if (phase_ != Phase::AwaitingAccept) return;
  sendControl(wire::PacketType::ConnectAccept, now);
  becomeConnected(now);
}

void Connection::becomeConnected(TimeUs now) {
  enter(Phase::Connected, now);
  ever_connected_ = true;
  next_request_at_ = kNever;
  last_recv_ = now;
  next_stats_at_ = now + kStatsIntervalUs;
  next_tracer_at_ = now;  // the first packet measures ping
  flush(now);             // everything queued while connecting
}

void Connection::fail(int reason, const std::string& debug, TimeUs now) {
  // Tell the peer, so it reports ClosedByPeer rather than waiting for its own timeout.
  sendControl(wire::PacketType::Close, now, reason, debug);
  enter(Phase::ProblemDetectedLocally, now, reason, debug);
}

void Connection::closeLocally(int reason, const std::string& debug, TimeUs now, bool silent) {
  if (!isOpen()) return;
  if (!silent) sendControl(wire::PacketType::Close, now, reason, debug);
  enter(Phase::ClosedLocally, now, reason, debug);
}

void Connection::sendControl(wire::PacketType type, TimeUs now, int reason,
                             const std::string& debug) {
  std::array<std::uint8_t, wire::kMaxDatagram> buffer{};
  wire::PacketHeader header;
  header.type = type;
  header.from = self_;
  header.to = remote_;
  header.from_conn = local_id_;
  header.to_conn = remote_id_;
  const std::size_t size = wire::writeControlPacket(buffer, header, reason, debug);
  traffic_.countOut(now, size);
  host_.sendDatagram(remote_, std::span<const std::uint8_t>(buffer.data(), size));
}

bool Connection::hasPartialMessage() const {
  return reliable_in_.hasPartial() || !reassembly_.empty();
}

bool Connection::hasUnackedReliable() const {
  return !reliable_out_.allAcked();
}

std::uint64_t Connection::pendingBytes() const {
  return reliable_out_.pendingBytes() + unreliable_pending_bytes_;
}

// ---------------------------------------------------------------------------------------
// Receiving

void Connection::onConnectRequest(const wire::PacketHeader& header, TimeUs now) {
  switch (phase_) {
    case Phase::Connecting:
      // Both sides asked at once: one connection, no session request (symmetric connect).
      remote_id_ = header.from_conn;
      sendControl(wire::PacketType::ConnectAccept, now);
      becomeConnected(now);
      break;
    case Phase::Connected:
      // Our ConnectAccept was lost: say it again.
      if (header.from_conn == remote_id_) sendControl(wire::PacketType::ConnectAccept, now);
      break;
    default:
      break;
  }
}

void Connection::onPacket(const wire::PacketHeader& header, std::span<const std::uint8_t> frames,
                          std::size_t datagram_size, TimeUs now, const wire::ParsedFrames* parsed) {
  if (!isOpen()) return;
  switch (header.type) {
    case wire::PacketType::ConnectAccept:
      if (phase_ == Phase::Connecting) {
        remote_id_ = header.from_conn;
        becomeConnected(now);
      }
      return;
    case wire::PacketType::Close: {
      wire::FrameReader reader(frames, parsed);
      wire::Frame frame;
      int reason = 0;
      std::string debug;
      while (reader.next(frame)) {
        if (frame.type == wire::FrameType::Close) {
          reason = frame.close.reason;
          debug.assign(frame.close.debug);
        }
      }
      if (debug.empty()) debug = "The remote host closed the connection.";
      enter(Phase::ClosedByPeer, now, reason, debug);
      return;
    }
    case wire::PacketType::NoConnection:
      enter(Phase::ClosedByPeer, now, static_cast<int>(ConnectionEnd::Misc_PeerSentNoConnection),
            "Received unexpected P2P 'no connection' signal");
      return;
    case wire::PacketType::ConnectRequest:
      return;  // handled by onConnectRequest
    case wire::PacketType::Data:
      break;
  }

  if (phase_ == Phase::AwaitingAccept) return;  // nothing is taken before the app accepts
  if (phase_ == Phase::Connecting) {
    // Data for our connection id: the peer accepted and its ConnectAccept was lost.
    remote_id_ = header.from_conn;
    becomeConnected(now);
  }

  last_recv_ = now;
  reply_deadline_ = 0;
  replies_missed_ = 0;
  timeout_started_ = 0;
  traffic_.countIn(now, datagram_size);

  const std::uint64_t previous_largest = tracker_.largest();
  const PacketTracker::Verdict verdict = tracker_.onPacket(header.packet_number);
  const PacketTracker::Anomalies anomalies = tracker_.takeAnomalies();
  traffic_.countSequence(now, anomalies.received, anomalies.dropped, anomalies.weird);
  if (verdict != PacketTracker::Verdict::New) {
    // A duplicate still deserves an ack if it asked for one (our ack may have been lost).
    if ((header.flags & wire::kFlagAckNow) != 0) {
      ack_pending_ = true;
      ack_deadline_ = now;
      flush(now);
    }
    return;
  }
  if (header.packet_number == tracker_.largest()) largest_received_at_ = now;

  bool eliciting = (header.flags & wire::kFlagAckNow) != 0;
  // Frames that decode() parsed are read where they lie; others are parsed again.
  auto handle = [&](const wire::Frame& frame) {
    eliciting = eliciting || isAckEliciting(frame.type);
    switch (frame.type) {
      case wire::FrameType::Ack:
        handleAck(frame.ack, now);
        break;
      case wire::FrameType::ReliableSegment:
        reliable_in_.onSegment(frame.reliable.stream_offset, frame.reliable.data);
        break;
      case wire::FrameType::Unreliable:
      case wire::FrameType::UnreliableFragment: {
        const wire::UnreliableFrame& u = frame.unreliable;
        if (u.fragment_offset == 0 && u.data.size() == u.message_size) {
          host_.deliverUnreliable(remote_, u.message_number, u.channel, u.data, now);
          break;
        }
        auto it = std::find_if(reassembly_.begin(), reassembly_.end(),
                               [&](const Reassembly& r) { return r.number == u.message_number; });
        if (it == reassembly_.end()) {
          if (reassembly_.size() >= kMaxReassembly) reassembly_.erase(reassembly_.begin());
          reassembly_.push_back(Reassembly{u.message_number, u.channel,
                                           std::vector<std::uint8_t>(u.message_size), 0});
          it = std::prev(reassembly_.end());
        }
        if (it->data.size() != u.message_size) break;  // inconsistent fragments: ignore
        std::copy(u.data.begin(), u.data.end(),
                  it->data.begin() + static_cast<std::ptrdiff_t>(u.fragment_offset));
        it->received += static_cast<std::uint32_t>(u.data.size());
        if (it->received >= it->data.size()) {
          host_.deliverMessage(remote_, StreamMessage{it->number, it->channel, std::move(it->data)},
                               false, now);
          reassembly_.erase(it);
        }
        break;
      }
      case wire::FrameType::Stats:
        remote_quality_ = frame.quality;
        break;
      case wire::FrameType::Close:
        break;
    }
    return isOpen();
  };
  if (parsed != nullptr && parsed->complete) {
    for (std::size_t i = 0; i < parsed->count; ++i) {
      if (!handle(parsed->frames[i])) return;
    }
  } else {
    wire::FrameReader reader(frames);
    wire::Frame frame;
    while (reader.next(frame)) {
      if (!handle(frame)) return;
    }
  }

  StreamMessage message;
  while (reliable_in_.nextMessage(message)) {
    host_.deliverMessage(remote_, std::move(message), true, now);
  }
  if (!reliable_in_.error().empty()) {
    fail(static_cast<int>(ConnectionEnd::Misc_InternalError), reliable_in_.error(), now);
    return;
  }

  if (eliciting) {
    ack_pending_ = true;
    TimeUs deadline = (header.flags & wire::kFlagAckNow) != 0 ? now : now + kMaxAckDelayUs;
    if (header.packet_number > previous_largest + 1 && previous_largest != 0) {
      deadline = std::min(deadline, now + kNackFlushUs);  // a gap: tell the sender soon
    }
    ack_deadline_ = std::min(ack_deadline_, deadline);
  }
  detectLosses(now);
  flush(now);
}

void Connection::handleAck(const wire::AckFrame& ack, TimeUs now) {
  // Only packets not acknowledged yet are visited (unacked_, ascending), and the ranges
  // (descending) are read only down to the oldest of them: the cost follows what changed,
  // not the length of the ack or of the in-flight window. Both lists are walked once from
  // their high ends, as in a merge.
  //
  // The ranges after the first are usually byte for byte those of the previous ack (the peer
  // only extended its highest range): they acknowledged everything they could then, and no
  // packet sent since lies below them, so only the first range is walked.
  std::uint64_t first_length = 0;
  const std::span<const std::uint8_t> tail =
      ack.encoded_ranges.subspan(wire::readVarint(ack.encoded_ranges, first_length));
  const std::uint64_t first_lo = ack.largest - first_length;
  const bool same_tail = first_lo == last_ack_.first_lo &&
                         ack.range_count == last_ack_.range_count &&
                         tail.size() == last_ack_.tail_size &&
                         std::equal(tail.begin(), tail.end(), last_ack_.tail.begin());
  last_ack_.range_count = 0;  // unless remembered below
  if (tail.size() <= last_ack_.tail.size()) {
    last_ack_.first_lo = first_lo;
    last_ack_.range_count = ack.range_count;
    last_ack_.tail_size = tail.size();
    std::copy(tail.begin(), tail.end(), last_ack_.tail.begin());
  }
  std::size_t end = unacked_.size();  // unacked_[end..] lie above the current range
  ack.forEachRangeWhile([&](std::uint64_t lo, std::uint64_t hi) {
    while (end > 0 && unacked_[end - 1] > hi) --end;
    std::size_t begin = end;
    while (begin > 0 && unacked_[begin - 1] >= lo) --begin;
    for (std::size_t k = begin; k < end; ++k) {  // ascending, as the packets were sent
      const std::uint64_t pn = unacked_[k];
      InFlight& packet = inflight_[static_cast<std::size_t>(pn - inflight_base_)];
      for (std::uint8_t i = 0; i < packet.range_count; ++i) {
        reliable_out_.onAcked(packet.ranges[i].lo, packet.ranges[i].hi);
      }
      packet.range_count = 0;
      // A packet declared lost too early (the path got slower than the RTO) still measures
      // the round trip, so ping follows a rising latency.
      if (pn == ack.largest && packet.ack_eliciting) {
        const TimeUs rtt = now - packet.sent_at - static_cast<TimeUs>(ack.ack_delay_us);
        ping_.addSample(std::max<TimeUs>(rtt, 0), now);
      }
      packet.resolved = true;
      packet.acked = true;
    }
    if (begin < end) {
      unacked_.erase(unacked_.begin() + static_cast<std::ptrdiff_t>(begin),
                     unacked_.begin() + static_cast<std::ptrdiff_t>(end));
    }
    end = begin;
    return end > 0 && !same_tail;  // nothing unacknowledged lies below, or nothing new
  });
  largest_acked_ = std::max(largest_acked_, ack.largest);
  forgetSettled(now);
}

void Connection::forgetSettled(TimeUs now) {
  // Lost packets keep their ranges for a late ack, up to 2 RTO (+1 s).
  const TimeUs keep_lost = 2 * rtoUs() + 1'000'000;
  while (!inflight_.empty() && inflight_.front().resolved &&
         (inflight_.front().range_count == 0 || now >= inflight_.front().sent_at + keep_lost)) {
    if (!unacked_.empty() && unacked_.front() == inflight_base_) unacked_.erase(unacked_.begin());
    inflight_.pop_front();
    ++inflight_base_;
  }
}

void Connection::markLost(InFlight& packet) {
  packet.resolved = true;
  for (std::uint8_t i = 0; i < packet.range_count; ++i) {
    reliable_out_.onLost(packet.ranges[i].lo, packet.ranges[i].hi);
    host_.countRetransmission(remote_, packet.ranges[i].lo,
                              packet.ranges[i].hi - packet.ranges[i].lo);
  }
  // Keep the ranges: if an ack for this packet still arrives, the bytes are acknowledged.
}

void Connection::detectLosses(TimeUs now) {
  const TimeUs rto = rtoUs();
  const std::uint64_t end_pn = inflight_base_ + inflight_.size();
  scan_pn_ = std::max(scan_pn_, inflight_base_);
  for (std::uint64_t pn = scan_pn_; pn < end_pn; ++pn) {
    InFlight& packet = inflight_[static_cast<std::size_t>(pn - inflight_base_)];
    if (packet.resolved) {
      if (pn == scan_pn_) ++scan_pn_;  // settled prefix: never scanned again
      continue;
    }
    const bool overtaken = pn + kLossPacketThreshold <= largest_acked_;
    const bool timed_out = now >= packet.sent_at + rto;
    if (!overtaken && !timed_out) break;  // later packets were sent later still
    markLost(packet);
    if (pn == scan_pn_) ++scan_pn_;
  }
  forgetSettled(now);
}

// ---------------------------------------------------------------------------------------
// Sending

Result Connection::send(std::span<const std::uint8_t> data, int flags, int channel, TimeUs now) {
  const NetworkConfig& config = host_.config();
  if (pendingBytes() + data.size() > static_cast<std::uint64_t>(config.send_buffer)) {
    return Result::LimitExceeded;
  }
  // Until connected every message is reliable (Steam's compatibility rule); unreliable
  // messages too large for Steam's unreliable path are sent reliably.
  const bool reliable = (flags & k_nSteamNetworkingSend_Reliable) != 0 ||
                        phase_ != Phase::Connected ||
                        data.size() > static_cast<std::size_t>(kMaxUnreliableMessageSizeSend);
  const std::uint64_t number = next_message_number_++;
  const TimeUs ready_at = now + config.nagle.count();
  if (reliable) {
    reliable_out_.appendMessage(number, channel, data);
    nagle_marks_.push_back(NagleMark{reliable_out_.end(), ready_at});
  } else {
    unreliable_out_.push(number, channel, data, ready_at);
    unreliable_pending_bytes_ += data.size() + kMessagesHeaderBytes;
  }
  if ((flags & k_nSteamNetworkingSend_NoNagle) != 0) {
    // NoNagle flushes this message and everything waiting on the Nagle timer.
    reliable_flush_end_ = reliable_out_.end();
    unreliable_flush_number_ = number;
  }
  // Sending happens on the session's next event at this same instant, so messages queued
  // together share datagrams, as with Steam's service thread. UseCurrentThread asks for the
  // work to be done in this call instead.
  if (phase_ == Phase::Connected && (flags & k_nSteamNetworkingSend_UseCurrentThread) != 0) {
    flush(now);
  }
  return Result::OK;
}

std::uint64_t Connection::reliableReadyEnd(TimeUs now) {
  while (!nagle_marks_.empty() && (nagle_marks_.front().ready_at <= now ||
                                   nagle_marks_.front().stream_end <= reliable_out_.sendNext())) {
    reliable_flush_end_ = std::max(reliable_flush_end_, nagle_marks_.front().stream_end);
    nagle_marks_.pop_front();
  }
  return reliable_flush_end_;
}

bool Connection::unreliableReady(TimeUs now) const {
  if (unreliable_out_.empty()) return false;
  const UnreliableQueue::Entry& front = unreliable_out_.front();
  return front.number <= unreliable_flush_number_ || front.ready_at <= now;
}

void Connection::refillPacing(TimeUs now) {
  if (now > pace_updated_) {
    pace_tokens_ =
        std::min(kPaceBurstBytes, pace_tokens_ + static_cast<double>(now - pace_updated_) *
                                                     host_.config().send_rate / 1e6);
    pace_updated_ = now;
  }
}

TimeUs Connection::rtoUs() const {
  return ping_.known() ? 3 * ping_.pingUs() + 60'000 : 1'000'000;
}

TimeUs Connection::replyTimeoutUs() const {
  if (!ping_.known()) return 1'000'000;
  const TimeUs ping = ping_.pingUs();
  return std::max(2 * ping, ping + kMaxAckDelayUs) + 100'000;
}

void Connection::flush(TimeUs now) {
  if (phase_ != Phase::Connected) return;
  for (int guard = 0; guard < 100000; ++guard) {
    refillPacing(now);
    const std::uint64_t ready_end = reliableReadyEnd(now);
    const bool full = unsentBytes() >= kPayloadCapacity;
    const bool data_due = reliable_out_.hasRetransmit() ||
                          reliable_out_.sendNext() < (full ? reliable_out_.end() : ready_end) ||
                          (!unreliable_out_.empty() && (full || unreliableReady(now)));
    const bool ack_due = ack_pending_ && now >= ack_deadline_;
    if (!data_due && !ack_due) return;
    if (data_due && pace_tokens_ < 0) {
      // Pacing holds the data back; an ack that is due still goes (it is tiny).
      if (ack_due) buildAndSendPacket(now, false, false);
      return;
    }
    if (!buildAndSendPacket(now, false, data_due)) return;
  }
}

bool Connection::buildAndSendPacket(TimeUs now, bool ping, bool with_data) {
  wire::PacketHeader header;
  header.type = wire::PacketType::Data;
  header.flags = ping ? wire::kFlagAckNow : 0;
  header.from = self_;
  header.to = remote_;
  header.from_conn = local_id_;
  header.to_conn = remote_id_;
  header.packet_number = next_packet_number_;
  // A tracer ping rides on a packet we send anyway, so both ends measure ping while traffic
  // flows in either direction, and an idle connection stays silent.
  const bool tracer = !ping && now >= next_tracer_at_;
  if (tracer) header.flags |= wire::kFlagAckNow;
  // Not zeroed: the writer writes every byte of the datagram it builds.
  std::array<std::uint8_t, wire::kMaxDatagram> buffer;
  wire::PacketWriter writer(buffer, header);

  if (ack_pending_ && !tracker_.ranges().empty()) {
    const TimeUs delay = std::max<TimeUs>(now - largest_received_at_, 0);
    if (writer.writeAck(tracker_.ranges(), tracker_.ackTail(), static_cast<std::uint64_t>(delay))) {
      ack_pending_ = false;
      ack_deadline_ = kNever;
    }
  }
  if (stats_due_ && writer.writeStats(traffic_.rates(now).quality)) stats_due_ = false;

  InFlight record;
  bool eliciting = ping || tracer;
  if (with_data) {
    const bool full = unsentBytes() >= kPayloadCapacity;
    const std::uint64_t ready_end = full ? reliable_out_.end() : reliable_flush_end_;
    while (record.range_count < record.ranges.size()) {
      const std::size_t overhead =
          wire::PacketWriter::reliableSegmentOverhead(reliable_out_.end(), writer.remaining());
      if (writer.remaining() <= overhead) break;
      ByteRange range;
      if (!reliable_out_.take(writer.remaining() - overhead, ready_end, range)) break;
      if (!writer.writeReliableSegment(range.lo, reliable_out_.bytes(range))) {
        reliable_out_.onLost(range.lo, range.hi);  // not sent after all: queue it again
        break;
      }
      record.ranges[record.range_count++] = range;
      eliciting = true;
    }
    while (!unreliable_out_.empty() && (full || unreliableReady(now))) {
      UnreliableQueue::Entry& m = unreliable_out_.front();
      const auto size = m.size;
      if (m.sent == 0 && m.frameSize() <= writer.remaining()) {
        // A run of whole messages that are ready and fit: their frames were encoded when
        // they were queued and lie back to back, so they are copied in one go.
        std::size_t count = 1;
        std::size_t bytes = m.frameSize();
        std::uint64_t pending = m.size + kMessagesHeaderBytes;
        for (const std::size_t run = unreliable_out_.run(); count < run; ++count) {
          const UnreliableQueue::Entry& next = unreliable_out_.at(count);
          if (bytes + next.frameSize() > writer.remaining() ||
              !(full || next.number <= unreliable_flush_number_ || next.ready_at <= now)) {
            break;
          }
          bytes += next.frameSize();
          pending += next.size + kMessagesHeaderBytes;
        }
        writer.writeEncoded(unreliable_out_.frames(count));
        unreliable_pending_bytes_ -= pending;
        unreliable_out_.pop(count);
        eliciting = true;
        continue;
      }
      const std::span<const std::uint8_t> payload = unreliable_out_.frontPayload();
      if (m.sent > 0 || m.frameSize() > kPayloadCapacity - kAckReserve) {
        // Too large for one datagram: send a fragment (losing any fragment loses it all).
        // Size the frame as a fragment (a length short of the whole message), an upper bound.
        const std::size_t overhead =
            wire::PacketWriter::unreliableOverhead(m.number, m.channel, size, m.sent, size - 1);
        if (writer.remaining() < overhead + 64) break;
        const std::size_t len = std::min<std::size_t>(size - m.sent, writer.remaining() - overhead);
        if (!writer.writeUnreliable(m.number, m.channel, size, m.sent,
                                    payload.subspan(m.sent, len))) {
          break;
        }
        m.sent += static_cast<std::uint32_t>(len);
        eliciting = true;
        if (m.sent < size) continue;
      } else {
        break;  // fits in the next datagram
      }
      unreliable_pending_bytes_ -= m.size + kMessagesHeaderBytes;
      unreliable_out_.pop();
      eliciting = true;
    }
  }
  if (writer.size() == wire::kHeaderSize && !ping) return false;
  if (tracer) next_tracer_at_ = now + kTracerPingUs;

  const std::size_t size = writer.finish();
  ++next_packet_number_;
  record.sent_at = now;
  record.bytes = static_cast<std::uint32_t>(size);
  record.ack_eliciting = eliciting;
  if (inflight_.empty()) inflight_base_ = header.packet_number;
  inflight_.push_back(record);
  unacked_.push_back(header.packet_number);
  pace_tokens_ -= static_cast<double>(size);
  traffic_.countOut(now, size);
  if (eliciting && reply_deadline_ == 0) {
    reply_deadline_ = now + replyTimeoutUs();
    reply_expected_since_ = now;
  }
  if (ping) last_ping_sent_ = now;
  host_.sendDatagram(remote_, std::span<const std::uint8_t>(buffer.data(), size));
  return true;
}

// ---------------------------------------------------------------------------------------
// Timers

void Connection::checkLiveness(TimeUs now) {
  const NetworkConfig& config = host_.config();
  if (reply_deadline_ != 0 && now >= reply_deadline_) {
    ++replies_missed_;
    if (timeout_started_ == 0) timeout_started_ = reply_expected_since_;
    reply_deadline_ = 0;
  }
  if (replies_missed_ >= kRepliesMissedForTimeout &&
      now >= std::max(timeout_started_, last_recv_) + config.timeout_connected.count() * 1000) {
    fail(static_cast<int>(ConnectionEnd::Misc_Timeout), "Connection dropped", now);
    return;
  }
  if (reply_deadline_ != 0) return;
  const bool aggressive = replies_missed_ > 0 && now >= last_ping_sent_ + kAggressivePingUs;
  const bool keepalive = replies_missed_ == 0 && now >= last_recv_ + kKeepaliveUs;
  if (aggressive || keepalive) buildAndSendPacket(now, true, false);
}

void Connection::think(TimeUs now) {
  const NetworkConfig& config = host_.config();
  const TimeUs initial_deadline = phase_entered_ + config.timeout_initial.count() * 1000;
  switch (phase_) {
    case Phase::Connecting:
      if (now >= initial_deadline) {
        fail(static_cast<int>(ConnectionEnd::Misc_Timeout), "Timed out attempting to connect", now);
      } else if (now >= next_request_at_) {
        sendControl(wire::PacketType::ConnectRequest, now);
        next_request_at_ = now + kConnectRetryUs;
      }
      return;
    case Phase::AwaitingAccept:
      if (now >= initial_deadline) {
        fail(static_cast<int>(ConnectionEnd::Misc_Timeout), "App did not respond; discarding.",
             now);
      }
      return;
    case Phase::Connected:
      if (now >= next_stats_at_) {
        stats_due_ = true;
        next_stats_at_ = now + kStatsIntervalUs;
      }
      detectLosses(now);
      checkLiveness(now);
      flush(now);
      return;
    default:
      return;
  }
}

TimeUs Connection::nextWake() const {
  const NetworkConfig& config = host_.config();
  const TimeUs initial_deadline = phase_entered_ + config.timeout_initial.count() * 1000;
  switch (phase_) {
    case Phase::Connecting:
      return std::min(initial_deadline, next_request_at_);
    case Phase::AwaitingAccept:
      return initial_deadline;
    case Phase::Connected:
      break;
    default:
      return kNever;
  }
  TimeUs wake = next_stats_at_;
  if (ack_pending_) wake = std::min(wake, ack_deadline_);
  if (reply_deadline_ != 0) {
    wake = std::min(wake, reply_deadline_);
  } else if (replies_missed_ > 0) {
    wake = std::min(wake, last_ping_sent_ + kAggressivePingUs);
  } else {
    wake = std::min(wake, last_recv_ + kKeepaliveUs);
  }
  if (replies_missed_ >= kRepliesMissedForTimeout) {
    wake = std::min(
        wake, std::max(timeout_started_, last_recv_) + config.timeout_connected.count() * 1000);
  }
  const std::uint64_t end_pn = inflight_base_ + inflight_.size();
  for (std::uint64_t pn = std::max(scan_pn_, inflight_base_); pn < end_pn; ++pn) {
    const InFlight& packet = inflight_[static_cast<std::size_t>(pn - inflight_base_)];
    if (!packet.resolved) {
      wake = std::min(wake, packet.sent_at + rtoUs());
      break;
    }
  }
  // Data waiting: for pacing tokens, or for its Nagle deadline.
  switch (dataWait()) {
    case DataWait::None:
      break;
    case DataWait::Pacing: {
      const double wait_us = -pace_tokens_ * 1e6 / config.send_rate;
      wake = std::min(wake, pace_updated_ + static_cast<TimeUs>(wait_us) + 1);
      break;
    }
    case DataWait::Due:
      wake = std::min(wake, pace_updated_);  // due now (pace_updated_ is never in the future)
      break;
    case DataWait::Nagle:
      if (!nagle_marks_.empty()) wake = std::min(wake, nagle_marks_.front().ready_at);
      if (!unreliable_out_.empty()) wake = std::min(wake, unreliable_out_.front().ready_at);
      break;
  }
  return wake;
}

RealTimeStatus Connection::status(TimeUs now) {
  const NetworkConfig& config = host_.config();
  RealTimeStatus s;
  s.state = apiState();
  s.ping = ping_.pingMs();
  const TrafficWindow::Rates rates = traffic_.rates(now);
  s.local_quality = rates.quality;
  s.remote_quality = remote_quality_;
  s.packets_out_per_second = rates.packets_out_per_second;
  s.bytes_out_per_second = rates.bytes_out_per_second;
  s.packets_in_per_second = rates.packets_in_per_second;
  s.bytes_in_per_second = rates.bytes_in_per_second;
  s.send_rate = config.send_rate;
  s.pending_unreliable = static_cast<int>(unreliable_pending_bytes_);
  s.pending_reliable = static_cast<int>(reliable_out_.pendingBytes());
  s.sent_unacknowledged_reliable = static_cast<int>(reliable_out_.unackedBytes());
  if (phase_ == Phase::Connected) {
    const auto pending = static_cast<std::int64_t>(pendingBytes());
    const std::int64_t rounded = pending / kQueueTimeUnitBytes * kQueueTimeUnitBytes;
    s.queue_time = rounded * 1'000'000 / config.send_rate;
  } else {
    s.queue_time = std::numeric_limits<std::int64_t>::max();
  }
  return s;
}

}  // namespace steamsim::detail
