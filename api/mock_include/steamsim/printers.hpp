#pragma once
/// \file
/// How GoogleTest prints steamsim's values in failure messages: payloads as quoted text when
/// printable, else as hex bytes (never as raw characters); `Result` and `ConnectionState`
/// by name and value; whole `Message`s and `SessionFailed`s field by field. Included by
/// `<steamsim/mock.hpp>` and `<steamsim/matchers.hpp>`.

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <vector>

#include "steamsim/message.hpp"
#include "steamsim/types.hpp"

namespace steamsim {

namespace detail {

/// Prints bytes as a quoted string when all are printable ASCII, else as hex values (the
/// first 32), then the size.
inline void printBytes(std::span<const std::uint8_t> bytes, std::ostream& os) {
  bool printable = true;
  for (std::uint8_t b : bytes) printable = printable && b >= 0x20 && b < 0x7f;
  if (printable) {
    os << '"';
    for (std::uint8_t b : bytes) {
      if (b == '"' || b == '\\') os << '\\';
      os << static_cast<char>(b);
    }
    os << '"';
  } else {
    constexpr std::size_t kShown = 32;
    constexpr char kHex[] = "0123456789abcdef";
    os << '{';
    for (std::size_t i = 0; i < bytes.size() && i < kShown; ++i) {
      os << (i == 0 ? "" : ", ") << "0x" << kHex[bytes[i] >> 4] << kHex[bytes[i] & 0xf];
    }
    if (bytes.size() > kShown) os << ", ...";
    os << '}';
  }
  os << " (" << bytes.size() << (bytes.size() == 1 ? " byte)" : " bytes)");
}

}  // namespace detail

/// `OK (1)`.
inline void PrintTo(Result result, std::ostream* os) {
  *os << toString(result) << " (" << static_cast<int>(result) << ")";
}

/// `Connected (3)`.
inline void PrintTo(ConnectionState state, std::ostream* os) {
  *os << toString(state) << " (" << static_cast<int>(state) << ")";
}

/// `Message{from 76561198000000001, channel 0, flags 8, "hello" (5 bytes)}`.
inline void PrintTo(const Message& message, std::ostream* os) {
  *os << "Message{from " << message.identity << ", channel " << message.channel << ", flags "
      << message.flags << ", ";
  detail::printBytes(message.payload, *os);
  *os << "}";
}

/// `SessionFailed{remote 76561198000000001, reason 5003, state 5, "Connection dropped"}`.
inline void PrintTo(const SessionFailed& failed, std::ostream* os) {
  *os << "SessionFailed{remote " << failed.remote_steam_id << ", reason " << failed.reason
      << ", state " << static_cast<int>(failed.connection_state) << ", \"" << failed.debug_message
      << "\"}";
}

}  // namespace steamsim

// A payload is a std::span or std::vector of bytes: types of namespace std, which PrintTo
// cannot be added to, so GoogleTest's printer for exactly these types is specialized.
namespace testing::internal {

template <>
class UniversalPrinter<std::span<const std::uint8_t>> {
 public:
  static void Print(std::span<const std::uint8_t> bytes, std::ostream* os) {
    ::steamsim::detail::printBytes(bytes, *os);
  }
};

template <>
class UniversalPrinter<std::vector<std::uint8_t>> {
 public:
  static void Print(const std::vector<std::uint8_t>& bytes, std::ostream* os) {
    ::steamsim::detail::printBytes(bytes, *os);
  }
};

}  // namespace testing::internal
