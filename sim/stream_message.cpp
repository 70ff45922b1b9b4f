// SPDX-License-Identifier: MIT
#include "stream_message.hpp"

#include <cstring>

#include "wire.hpp"

namespace steamsim::detail {

std::size_t streamMessageSize(std::uint64_t message_number, std::int32_t channel,
                              std::size_t payload_size) {
  return wire::varintSize(message_number) + wire::varintSize(wire::zigzag(channel)) +
         wire::varintSize(payload_size) + payload_size;
}

std::size_t encodeStreamMessage(std::uint64_t message_number, std::int32_t channel,
                                std::span<const std::uint8_t> payload, std::uint8_t* out) {
  std::uint8_t* end = out + wire::writeVarint(out, message_number);
  end += wire::writeVarint(end, wire::zigzag(channel));
  end += wire::writeVarint(end, payload.size());
  if (!payload.empty()) std::memcpy(end, payload.data(), payload.size());
  return static_cast<std::size_t>(end - out) + payload.size();
}

std::size_t encodeStreamMessage(std::uint64_t message_number, std::int32_t channel,
                                std::span<const std::uint8_t> payload,
                                std::vector<std::uint8_t>& out) {
  const std::size_t start = out.size();
  out.resize(start + kMaxStreamMessageHeader + payload.size());
  const std::size_t n = encodeStreamMessage(message_number, channel, payload, out.data() + start);
  out.resize(start + n);
  return n;
}

}  // namespace steamsim::detail
