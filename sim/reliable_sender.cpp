// SPDX-License-Identifier: MIT
#include "reliable_sender.hpp"

#include <algorithm>
#include <cstring>

#include "stream_message.hpp"

namespace steamsim::detail {

std::uint64_t ReliableSender::append(std::span<const std::uint8_t> bytes) {
  if (!bytes.empty()) std::memcpy(buffer_.append(bytes.size()), bytes.data(), bytes.size());
  end_ += bytes.size();
  return end_;
}

std::uint64_t ReliableSender::appendMessage(std::uint64_t number, std::int32_t channel,
                                            std::span<const std::uint8_t> payload) {
  const std::size_t start = buffer_.size();
  const std::size_t n = encodeStreamMessage(
      number, channel, payload, buffer_.append(kMaxStreamMessageHeader + payload.size()));
  buffer_.truncate(start + n);
  end_ += n;
  return end_;
}

bool ReliableSender::take(std::uint64_t max_len, std::uint64_t ready_end, ByteRange& out) {
  if (max_len == 0) return false;
  if (const ByteRange* r = retransmit_.front()) {
    out.lo = r->lo;
    out.hi = std::min(r->hi, r->lo + max_len);
    retransmit_.subtract(out.lo, out.hi);
    return true;
  }
  if (send_next_ >= ready_end || send_next_ >= end_) return false;
  out.lo = send_next_;
  out.hi = std::min({ready_end, end_, send_next_ + max_len});
  send_next_ = out.hi;
  return true;
}

std::span<const std::uint8_t> ReliableSender::bytes(const ByteRange& range) const {
  const auto begin = static_cast<std::size_t>(range.lo - buffer_base_);
  return {buffer_.data() + begin, static_cast<std::size_t>(range.size())};
}

void ReliableSender::onAcked(std::uint64_t lo, std::uint64_t hi) {
  lo = std::max(lo, acked_floor_);
  if (lo >= hi) return;
  acked_.add(lo, hi);
  retransmit_.subtract(lo, hi);
  advanceFloor();
}

void ReliableSender::onLost(std::uint64_t lo, std::uint64_t hi) {
  lo = std::max(lo, acked_floor_);
  if (lo >= hi) return;
  // Queue only the parts not acknowledged.
  std::uint64_t cursor = lo;
  for (const ByteRange& a : acked_.ranges()) {
    if (a.hi <= cursor) continue;
    if (a.lo >= hi) break;
    if (a.lo > cursor) retransmit_.add(cursor, a.lo);
    cursor = std::max(cursor, a.hi);
  }
  if (cursor < hi) retransmit_.add(cursor, hi);
}

void ReliableSender::advanceFloor() {
  const ByteRange* first = acked_.front();
  if (first == nullptr || first->lo > acked_floor_) return;
  acked_floor_ = first->hi;
  acked_.popFront();
  // Release acknowledged bytes: all at once when nothing is left unacknowledged, else in
  // large steps so appends stay amortised O(1).
  const std::uint64_t releasable = acked_floor_ - buffer_base_;
  if (acked_floor_ == end_) {
    buffer_.clear();
    buffer_base_ = acked_floor_;
  } else if (releasable >= 65536 && releasable * 2 >= buffer_.size()) {
    buffer_.erasePrefix(static_cast<std::size_t>(releasable));
    buffer_base_ = acked_floor_;
  }
}

void ReliableSender::clear() {
  buffer_.clear();
  buffer_base_ = end_;
  acked_floor_ = end_;
  send_next_ = end_;
  acked_.clear();
  retransmit_.clear();
}

}  // namespace steamsim::detail
