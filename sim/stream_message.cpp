// SPDX-License-Identifier: MIT
#include "stream_message.hpp"

#include "wire.hpp"

namespace steamsim::detail {

std::size_t streamMessageSize(std::uint64_t message_number, std::int32_t channel,
                              std::size_t payload_size) {
  return wire::varintSize(message_number) + wire::varintSize(wire::zigzag(channel)) +
         wire::varintSize(payload_size) + payload_size;
}

std::size_t encodeStreamMessage(std::uint64_t message_number, std::int32_t channel,
                                std::span<const std::uint8_t> payload,
                                std::vector<std::uint8_t>& out) {
  const std::size_t start = out.size();
  std::uint8_t header[30];
  std::size_t n = wire::writeVarint(header, message_number);
  n += wire::writeVarint(header + n, wire::zigzag(channel));
  n += wire::writeVarint(header + n, payload.size());
  out.insert(out.end(), header, header + n);
  out.insert(out.end(), payload.begin(), payload.end());
  return out.size() - start;
}

}  // namespace steamsim::detail
