// SPDX-License-Identifier: MIT
#pragma once
// Encoding of one message inside a connection's reliable stream:
//   message_number varint | channel zigzag varint | size varint | payload

#include <cstdint>
#include <span>
#include <vector>

namespace steamsim::detail {

/// Largest message a receiver accepts (Steam's send limit plus the Messages header allowance).
inline constexpr std::uint64_t kMaxReceiveMessageSize = 524288 + 16;

/// Appends the encoded message to `out`. \return bytes appended.
std::size_t encodeStreamMessage(std::uint64_t message_number, std::int32_t channel,
                                std::span<const std::uint8_t> payload,
                                std::vector<std::uint8_t>& out);

/// Most header bytes (everything before the payload) of an encoded message.
inline constexpr std::size_t kMaxStreamMessageHeader = 30;

/// Writes the encoded message at `out` (room for kMaxStreamMessageHeader + payload size).
/// \return bytes written.
std::size_t encodeStreamMessage(std::uint64_t message_number, std::int32_t channel,
                                std::span<const std::uint8_t> payload, std::uint8_t* out);

/// Bytes `encodeStreamMessage` produces for these arguments.
std::size_t streamMessageSize(std::uint64_t message_number, std::int32_t channel,
                              std::size_t payload_size);

}  // namespace steamsim::detail
