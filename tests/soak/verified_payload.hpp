// SPDX-License-Identifier: MIT
#pragma once
// Self-verifying message payloads for the soak test and the structured fuzzer.
//
// Every payload is a pure function of (sender, sequence number, channel, size), so the
// receiver can regenerate what it expects and compare byte for byte. Payloads of at least
// kHeaderSize bytes also carry a header that identifies them on their own:
//   sender tag u32 | seq u32 | channel i32 | length u32 | checksum u32 (FNV-1a of the rest)
// all little-endian, followed by a pseudo-random body seeded by (sender, seq).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace steamsim::testing {

inline constexpr std::size_t kHeaderSize = 20;

struct PayloadId {
  std::uint32_t sender_tag = 0;
  std::uint32_t seq = 0;
  std::int32_t channel = 0;
  std::uint32_t length = 0;
};

inline std::uint32_t senderTag(std::uint64_t steam_id) {
  return static_cast<std::uint32_t>(steam_id ^ (steam_id >> 32U));
}

namespace payload_detail {

inline void put32(std::vector<std::uint8_t>& out, std::size_t at, std::uint32_t v) {
  for (std::size_t i = 0; i < 4; ++i) out[at + i] = static_cast<std::uint8_t>(v >> (8U * i));
}

inline std::uint32_t get32(std::span<const std::uint8_t> in, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(in[at + i]) << (8U * i);
  return v;
}

/// FNV-1a over everything but the checksum field (bytes 16..19).
inline std::uint32_t checksum(std::span<const std::uint8_t> payload) {
  std::uint32_t h = 2166136261U;
  for (std::size_t i = 0; i < payload.size(); ++i) {
    if (i >= 16 && i < 20) continue;
    h = (h ^ payload[i]) * 16777619U;
  }
  return h;
}

}  // namespace payload_detail

/// The payload of message `seq` from `sender_tag` on `channel`, `size` bytes (>= 1).
inline std::vector<std::uint8_t> makePayload(std::uint32_t sender_tag, std::uint32_t seq,
                                             std::int32_t channel, std::size_t size) {
  std::vector<std::uint8_t> out(size);
  std::uint64_t x = (static_cast<std::uint64_t>(sender_tag) << 32U) ^ seq ^ 0x9E3779B97F4A7C15ULL;
  for (std::size_t i = 0; i < size; ++i) {
    x ^= x << 13U;
    x ^= x >> 7U;
    x ^= x << 17U;
    out[i] = static_cast<std::uint8_t>(x >> 24U);
  }
  if (size >= kHeaderSize) {
    payload_detail::put32(out, 0, sender_tag);
    payload_detail::put32(out, 4, seq);
    payload_detail::put32(out, 8, static_cast<std::uint32_t>(channel));
    payload_detail::put32(out, 12, static_cast<std::uint32_t>(size));
    payload_detail::put32(out, 16, payload_detail::checksum(out));
  }
  return out;
}

/// The identity a payload of at least kHeaderSize bytes claims, if its header is consistent
/// (length and checksum match, and the body is exactly what makePayload produces).
inline std::optional<PayloadId> parsePayload(std::span<const std::uint8_t> payload) {
  if (payload.size() < kHeaderSize) return std::nullopt;
  PayloadId id;
  id.sender_tag = payload_detail::get32(payload, 0);
  id.seq = payload_detail::get32(payload, 4);
  id.channel = static_cast<std::int32_t>(payload_detail::get32(payload, 8));
  id.length = payload_detail::get32(payload, 12);
  if (id.length != payload.size()) return std::nullopt;
  if (payload_detail::get32(payload, 16) != payload_detail::checksum(payload)) return std::nullopt;
  const std::vector<std::uint8_t> expected =
      makePayload(id.sender_tag, id.seq, id.channel, payload.size());
  if (!std::equal(expected.begin(), expected.end(), payload.begin())) return std::nullopt;
  return id;
}

}  // namespace steamsim::testing
