// SPDX-License-Identifier: MIT
#include "reliable_receiver.hpp"

#include "stream_message.hpp"
#include "wire.hpp"

namespace steamsim::detail {

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
  std::size_t used = wire::readVarint(rest, number);
  if (used == 0) return false;
  std::size_t n = wire::readVarint(rest.subspan(used), channel);
  if (n == 0) return false;
  used += n;
  n = wire::readVarint(rest.subspan(used), size);
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
