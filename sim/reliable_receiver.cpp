// SPDX-License-Identifier: MIT
#include "reliable_receiver.hpp"

#include <algorithm>

#include "stream_message.hpp"
#include "wire.hpp"

namespace steamsim::detail {

namespace {

/// wire::readVarint for the message headers parsed here, inlined (the same checks: at most
/// 10 bytes, 64 bits, canonical). \return bytes consumed, 0 if malformed or truncated.
std::size_t readHeaderVarint(const std::uint8_t* in, std::size_t available, std::uint64_t& value) {
  if (available != 0 && in[0] < 0x80U) {  // one byte: always canonical
    value = in[0];
    return 1;
  }
  std::uint64_t result = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    if (i >= available) return 0;
    const std::uint8_t byte = in[i];
    if (i == 9 && byte > 1U) return 0;
    result |= static_cast<std::uint64_t>(byte & 0x7FU) << (7U * i);
    if ((byte & 0x80U) == 0) {
      if (i > 0 && byte == 0) return 0;
      value = result;
      return i + 1;
    }
  }
  return 0;
}

}  // namespace

bool ReliableReceiver::onSegment(std::uint64_t offset, std::span<const std::uint8_t> data) {
  if (!error_.empty()) return false;
  const std::uint64_t end = offset + data.size();
  if (end <= floor_ || data.empty()) return true;  // duplicate
  if (offset <= floor_) {
    const auto skip = static_cast<std::size_t>(floor_ - offset);
    contiguous_.insert(contiguous_.end(), data.begin() + static_cast<std::ptrdiff_t>(skip),
                       data.end());
    floor_ = end;
    absorbAhead();
    return true;
  }
  keepAhead(offset, data);
  return true;
}

void ReliableReceiver::keepAhead(std::uint64_t offset, std::span<const std::uint8_t> data) {
  // Segments mostly arrive in order, so the place is usually the end.
  auto it = ahead_.end();
  if (!ahead_.empty() && ahead_.back().offset >= offset) {
    it = std::lower_bound(ahead_.begin(), ahead_.end(), offset,
                          [](const AheadSegment& s, std::uint64_t o) { return s.offset < o; });
  }
  const bool replaces = it != ahead_.end() && it->offset == offset;
  if (replaces && it->size >= data.size()) return;  // a copy at least as long is held
  // Past twice what is held (and 64 KiB), the bytes of absorbed or replaced segments are
  // dropped, so a stream that always has a hole uses bounded memory.
  if (ahead_bytes_.size() > 65536 && ahead_bytes_.size() > 2 * ahead_live_) {
    std::vector<std::uint8_t> kept;
    kept.reserve(2 * (ahead_live_ + data.size()));
    for (AheadSegment& s : ahead_) {
      const auto from = ahead_bytes_.begin() + static_cast<std::ptrdiff_t>(s.begin);
      s.begin = kept.size();
      kept.insert(kept.end(), from, from + static_cast<std::ptrdiff_t>(s.size));
    }
    ahead_bytes_ = std::move(kept);
  }
  const AheadSegment segment{offset, ahead_bytes_.size(), data.size()};
  ahead_bytes_.insert(ahead_bytes_.end(), data.begin(), data.end());
  ahead_live_ += data.size();
  if (replaces) {
    ahead_live_ -= it->size;
    *it = segment;
  } else {
    ahead_.insert(it, segment);
  }
}

void ReliableReceiver::absorbAhead() {
  std::size_t absorbed = 0;
  for (; absorbed < ahead_.size() && ahead_[absorbed].offset <= floor_; ++absorbed) {
    const AheadSegment& s = ahead_[absorbed];
    const std::uint64_t end = s.offset + s.size;
    if (end > floor_) {
      const auto skip = static_cast<std::ptrdiff_t>(floor_ - s.offset);
      const auto from = ahead_bytes_.begin() + static_cast<std::ptrdiff_t>(s.begin);
      contiguous_.insert(contiguous_.end(), from + skip,
                         from + static_cast<std::ptrdiff_t>(s.size));
      floor_ = end;
    }
    ahead_live_ -= s.size;
  }
  if (absorbed == 0) return;
  ahead_.erase(ahead_.begin(), ahead_.begin() + static_cast<std::ptrdiff_t>(absorbed));
  if (ahead_.empty()) ahead_bytes_.clear();  // keeps the capacity
}

bool ReliableReceiver::nextMessage(StreamMessage& out) {
  if (!error_.empty()) return false;
  std::span<const std::uint8_t> rest(contiguous_.data() + parse_pos_,
                                     contiguous_.size() - parse_pos_);
  std::uint64_t number = 0;
  std::uint64_t channel = 0;
  std::uint64_t size = 0;
  std::size_t used = readHeaderVarint(rest.data(), rest.size(), number);
  if (used == 0) return false;
  std::size_t n = readHeaderVarint(rest.data() + used, rest.size() - used, channel);
  if (n == 0) return false;
  used += n;
  n = readHeaderVarint(rest.data() + used, rest.size() - used, size);
  if (n == 0) return false;
  used += n;
  if (size > kMaxReceiveMessageSize) {
    error_ = "Failed to allocate a buffer of size " + std::to_string(size) + " (limit is " +
             std::to_string(kMaxReceiveMessageSize) + ").";
    return false;
  }
  if (rest.size() - used < size) return false;
  out.message_number = number;
  out.channel = static_cast<std::int32_t>(wire::unzigzag(channel));
  const auto payload = rest.subspan(used, static_cast<std::size_t>(size));
  out.payload.assign(payload.begin(), payload.end());
  parse_pos_ += used + static_cast<std::size_t>(size);
  // Compact once the parsed prefix dominates the buffer.
  if (parse_pos_ == contiguous_.size()) {
    contiguous_.clear();
    parse_pos_ = 0;
  } else if (parse_pos_ >= 65536 && parse_pos_ * 2 >= contiguous_.size()) {
    contiguous_.erase(contiguous_.begin(),
                      contiguous_.begin() + static_cast<std::ptrdiff_t>(parse_pos_));
    parse_pos_ = 0;
  }
  return true;
}

}  // namespace steamsim::detail
