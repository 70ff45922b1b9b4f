// SPDX-License-Identifier: MIT
#include "reliable_receiver.hpp"

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
  auto it = ahead_.find(offset);
  if (it == ahead_.end() || it->second.size() < data.size()) {
    ahead_[offset].assign(data.begin(), data.end());
  }
  return true;
}

void ReliableReceiver::absorbAhead() {
  auto it = ahead_.begin();
  while (it != ahead_.end() && it->first <= floor_) {
    const std::uint64_t end = it->first + it->second.size();
    if (end > floor_) {
      const auto skip = static_cast<std::size_t>(floor_ - it->first);
      contiguous_.insert(contiguous_.end(), it->second.begin() + static_cast<std::ptrdiff_t>(skip),
                         it->second.end());
      floor_ = end;
    }
    it = ahead_.erase(it);
  }
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
