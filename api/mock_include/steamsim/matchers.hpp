#pragma once
/// \file
/// GoogleMock matchers and value builders for game unit tests written against
/// `steamsim::MockNetworkingMessages`. Included by `<steamsim/mock.hpp>`.
///
/// Payload matchers accept the `std::span<const std::uint8_t> data` argument of
/// `sendMessageToUser`, a `std::vector<std::uint8_t>` or a whole `Message`; flag matchers
/// accept the `int flags` argument or a `Message`:
///
/// \code
///   using namespace steamsim;
///   using ::testing::_;
///   ::testing::StrictMock<MockNetworkingMessages> net;
///   EXPECT_CALL(net, sendMessageToUser(kHost, PayloadEq("hello"), IsReliable(), 0))
///       .WillOnce(::testing::Return(Result::OK));
///   EXPECT_CALL(net, receiveMessagesOnChannel(0, _))
///       .WillOnce(::testing::Return(std::vector{makeMessage(kHost, 0, "welcome")}));
///   net.emitSessionFailed(makeSessionFailed(kHost));
/// \endcode

#include <gmock/gmock.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "steamsim/message.hpp"
#include "steamsim/printers.hpp"
#include "steamsim/types.hpp"

namespace steamsim {

namespace detail {

inline std::span<const std::uint8_t> payloadOf(std::span<const std::uint8_t> bytes) {
  return bytes;
}
inline std::span<const std::uint8_t> payloadOf(const Message& message) {
  return message.payload;
}

inline int flagsOf(int flags) {
  return flags;
}
inline int flagsOf(const Message& message) {
  return message.flags;
}

inline std::vector<std::uint8_t> bytesOf(std::string_view text) {
  return {text.begin(), text.end()};
}

class PayloadEqMatcher {
 public:
  using is_gtest_matcher = void;

  explicit PayloadEqMatcher(std::vector<std::uint8_t> expected) : expected_(std::move(expected)) {}

  template <typename T>
  bool MatchAndExplain(const T& value, std::ostream* os) const {
    const std::span<const std::uint8_t> actual = payloadOf(value);
    const bool equal = std::equal(actual.begin(), actual.end(), expected_.begin(), expected_.end());
    if (!equal && os != nullptr) {
      *os << "whose payload is ";
      printBytes(actual, *os);
      const auto mismatch =
          std::mismatch(actual.begin(), actual.end(), expected_.begin(), expected_.end());
      *os << ", first difference at byte " << (mismatch.first - actual.begin());
    }
    return equal;
  }
  void DescribeTo(std::ostream* os) const {
    *os << "payload is ";
    printBytes(expected_, *os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "payload isn't ";
    printBytes(expected_, *os);
  }

 private:
  std::vector<std::uint8_t> expected_;
};

class PayloadSizeMatcher {
 public:
  using is_gtest_matcher = void;

  explicit PayloadSizeMatcher(::testing::Matcher<std::size_t> size) : size_(std::move(size)) {}

  template <typename T>
  bool MatchAndExplain(const T& value, std::ostream* os) const {
    const std::size_t size = payloadOf(value).size();
    ::testing::StringMatchResultListener inner;
    const bool matched = size_.MatchAndExplain(size, &inner);
    if (os != nullptr) {
      *os << "whose payload size is " << size;
      if (!inner.str().empty()) *os << ", " << inner.str();
    }
    return matched;
  }
  void DescribeTo(std::ostream* os) const {
    *os << "payload size ";
    size_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "payload size ";
    size_.DescribeNegationTo(os);
  }

 private:
  ::testing::Matcher<std::size_t> size_;
};

class FlagsMatcher {
 public:
  using is_gtest_matcher = void;

  /// Matches when `flags & mask` equals `want`.
  FlagsMatcher(int mask, int want, std::string description)
      : mask_(mask), want_(want), description_(std::move(description)) {}

  template <typename T>
  bool MatchAndExplain(const T& value, std::ostream* os) const {
    const int flags = flagsOf(value);
    if (os != nullptr) *os << "whose flags are " << flags;
    return (flags & mask_) == want_;
  }
  void DescribeTo(std::ostream* os) const { *os << description_; }
  void DescribeNegationTo(std::ostream* os) const { *os << "not (" << description_ << ")"; }

 private:
  int mask_;
  int want_;
  std::string description_;
};

}  // namespace detail

/// Matches a payload equal to `bytes`, byte for byte.
/// \code
///   std::vector<std::uint8_t> hello{0x01, 0x02};
///   EXPECT_CALL(net, sendMessageToUser(kHost, PayloadEq(hello), _, _));
///   EXPECT_THAT(message, PayloadEq({0x01, 0x02}));
/// \endcode
inline auto PayloadEq(std::span<const std::uint8_t> bytes) {
  return detail::PayloadEqMatcher({bytes.begin(), bytes.end()});
}
/// Matches a payload equal to `bytes` (brace list of byte values).
inline auto PayloadEq(std::initializer_list<std::uint8_t> bytes) {
  return detail::PayloadEqMatcher(bytes);
}
/// Matches a payload equal to the bytes of `text`, without a terminating NUL.
/// \code
///   EXPECT_CALL(net, sendMessageToUser(kHost, PayloadEq("hello"), IsReliable(), 0));
/// \endcode
inline auto PayloadEq(std::string_view text) {
  return detail::PayloadEqMatcher(detail::bytesOf(text));
}

/// Matches a payload whose size in bytes matches `size`: a number or a matcher.
/// \code
///   EXPECT_CALL(net, sendMessageToUser(_, PayloadSize(12), _, 1));
///   EXPECT_CALL(net, sendMessageToUser(_, PayloadSize(::testing::Le(1200)), _, _));
/// \endcode
inline auto PayloadSize(::testing::Matcher<std::size_t> size) {
  return detail::PayloadSizeMatcher(std::move(size));
}

/// Matches send flags (or a Message's flags) with every bit of `flags` set.
/// \code
///   EXPECT_CALL(net, sendMessageToUser(
///       kHost, _, FlagsInclude(NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION), _));
/// \endcode
inline auto FlagsInclude(int flags) {
  return detail::FlagsMatcher(flags, flags, "flags include all of " + std::to_string(flags));
}

/// Matches send flags (or a Message) with the Reliable bit (8) set.
/// \code
///   EXPECT_CALL(net, sendMessageToUser(kHost, _, IsReliable(), 0));
///   EXPECT_THAT(received, ::testing::Each(IsReliable()));
/// \endcode
inline auto IsReliable() {
  return detail::FlagsMatcher(NETWORKING_SEND_RELIABLE, NETWORKING_SEND_RELIABLE,
                              "is reliable (flag 8 set)");
}

/// Matches send flags (or a Message) without the Reliable bit (8).
/// \code
///   EXPECT_CALL(net, sendMessageToUser(kHost, PayloadSize(12), IsUnreliable(), 1));
/// \endcode
inline auto IsUnreliable() {
  return detail::FlagsMatcher(NETWORKING_SEND_RELIABLE, 0, "is unreliable (flag 8 clear)");
}

/// A received message as `receiveMessagesOnChannel` would return it: `payload`, `size`,
/// `identity` = `from`, `channel`, and `flags` 8 if `reliable` else 0. Other fields are 0;
/// set them on the result if a test needs them.
/// \code
///   EXPECT_CALL(net, receiveMessagesOnChannel(0, _))
///       .WillOnce(Return(std::vector{makeMessage(kAlice, 0, "hi"),
///                                    makeMessage(kBob, 0, {0x01, 0x02}, false)}))
///       .WillRepeatedly(Return(std::vector<Message>{}));
/// \endcode
inline Message makeMessage(SteamId from, int channel, std::span<const std::uint8_t> payload,
                           bool reliable = true) {
  Message message;
  message.payload.assign(payload.begin(), payload.end());
  message.size = static_cast<int>(payload.size());
  message.identity = from;
  message.channel = channel;
  message.flags = reliable ? NETWORKING_SEND_RELIABLE : 0;
  return message;
}
/// As above, with the payload given as a brace list of byte values.
inline Message makeMessage(SteamId from, int channel, std::initializer_list<std::uint8_t> payload,
                           bool reliable = true) {
  return makeMessage(from, channel, std::span<const std::uint8_t>(payload.begin(), payload.size()),
                     reliable);
}
/// As above, with the payload given as text (no terminating NUL).
inline Message makeMessage(SteamId from, int channel, std::string_view text, bool reliable = true) {
  const std::vector<std::uint8_t> bytes = detail::bytesOf(text);
  return makeMessage(from, channel, std::span<const std::uint8_t>(bytes), reliable);
}

/// Arguments of `network_messages_session_failed`, for `emitSessionFailed`.
/// \code
///   net.emitSessionFailed(makeSessionFailed(kHost, ConnectionEnd::P2PSessionClosed,
///                                           ConnectionState::ClosedByPeer,
///                                           "CloseSessionWithUser"));
/// \endcode
inline SessionFailed makeSessionFailed(SteamId remote_steam_id, ConnectionEnd reason,
                                       ConnectionState connection_state,
                                       std::string debug_message) {
  return SessionFailed{static_cast<int>(reason), remote_steam_id, connection_state,
                       std::move(debug_message)};
}
/// The most common failure: a connection attempt to `remote_steam_id` timed out (reason
/// 5003, state ProblemDetectedLocally (5), "Timed out attempting to connect").
/// \code
///   net.emitSessionFailed(makeSessionFailed(kHost));
/// \endcode
inline SessionFailed makeSessionFailed(SteamId remote_steam_id) {
  return makeSessionFailed(remote_steam_id, ConnectionEnd::Misc_Timeout,
                           ConnectionState::ProblemDetectedLocally,
                           "Timed out attempting to connect");
}

}  // namespace steamsim
