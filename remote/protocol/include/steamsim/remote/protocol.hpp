// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// The attach protocol's codec (PROTOCOL.md beside this code): frame constants, a writer
/// and a bounds-checked reader of little-endian fields, and the encoders and decoders of
/// every structure the server and its clients exchange. Shared by the server and
/// steamsim::remote; depends on steamsim::api only.

#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "steamsim/link_conditions.hpp"
#include "steamsim/message.hpp"
#include "steamsim/types.hpp"

namespace steamsim::remote::protocol {

/// `Hello.magic`: the ASCII bytes "SSIM".
inline constexpr std::uint8_t kMagic[4] = {'S', 'S', 'I', 'M'};
/// The protocol version this codec speaks.
inline constexpr std::uint16_t kVersion = 1;
/// Bytes of the `length` field.
inline constexpr std::size_t kLengthSize = 4;
/// Bytes `length` counts before the body: type (2) + request id (4).
inline constexpr std::uint32_t kMinFrameLength = 6;
/// Largest `length`: a 512 KiB message plus 1024 bytes of headers.
inline constexpr std::uint32_t kMaxFrameLength = 524288 + 1024;
/// A response's type is its request's type with this bit set.
inline constexpr std::uint16_t kResponseBit = 0x8000;

/// Role bits of `Hello.role`.
inline constexpr std::uint8_t kRolePeer = 1;
inline constexpr std::uint8_t kRoleControl = 2;

/// Frame types (PROTOCOL.md §3-§6).
enum class FrameType : std::uint16_t {
  Hello = 0x0001,
  Welcome = 0x8001,
  Error = 0x7FFF,

  SendMessageToUser = 0x0101,
  ReceiveMessagesOnChannel = 0x0102,
  AcceptSessionWithUser = 0x0103,
  CloseSessionWithUser = 0x0104,
  CloseChannelWithUser = 0x0105,
  GetSessionConnectionInfo = 0x0106,
  RunCallbacks = 0x0107,
  SendMessagesToUser = 0x0108,

  SetDefaultLink = 0x0201,
  SetLink = 0x0202,
  ClearLink = 0x0203,
  GetLink = 0x0204,
  Partition = 0x0205,
  Heal = 0x0206,
  CrashPeer = 0x0207,
  RestartPeer = 0x0208,
  NetworkCounters = 0x0209,
  LinkCounters = 0x020A,
  TraceHash = 0x020B,
  ListPeers = 0x020C,
  AddPeer = 0x020D,
  Now = 0x020E,
  PeerCounters = 0x020F,
};

/// The response type of a request type.
constexpr std::uint16_t responseType(FrameType request) {
  return static_cast<std::uint16_t>(static_cast<std::uint16_t>(request) | kResponseBit);
}
/// true for 0x01xx (peer role) request types.
constexpr bool isPeerRequest(std::uint16_t type) {
  return (type & 0xFF00U) == 0x0100U;
}
/// true for 0x02xx (control role) request types.
constexpr bool isControlRequest(std::uint16_t type) {
  return (type & 0xFF00U) == 0x0200U;
}

/// Error frame codes (PROTOCOL.md §4).
enum class ErrorCode : std::uint32_t {
  Malformed = 1,
  FrameTooLarge = 2,
  BadMagic = 3,
  VersionMismatch = 4,
  BadToken = 5,
  SteamIdInUse = 6,
  InvalidSteamId = 7,
  HelloTimeout = 8,
  NotPermitted = 9,
  UnknownType = 10,
  InvalidArgument = 11,
  UnknownPeer = 12,
  ServerFull = 13,
  ShuttingDown = 14,
  Internal = 15,
};

/// The name of an error code ("BadToken"); "Error" for unknown codes.
std::string_view errorName(std::uint32_t code);

/// A body that does not match its type: a field past the end, bytes left over, a bool
/// other than 0/1.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Appends little-endian fields to a byte buffer.
class Writer {
 public:
  explicit Writer(std::vector<std::uint8_t>& out) : out_(out) {}

  /// Starts a frame: a length placeholder, `type`, `request_id`. Finish with `endFrame`.
  void beginFrame(std::uint16_t type, std::uint32_t request_id);
  /// Writes the frame's length. \return the frame's total size in bytes.
  std::size_t endFrame();

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { put(v); }
  void u32(std::uint32_t v) { put(v); }
  void u64(std::uint64_t v) { put(v); }
  void i32(std::int32_t v) { put(static_cast<std::uint32_t>(v)); }
  void i64(std::int64_t v) { put(static_cast<std::uint64_t>(v)); }
  void f64(double v);
  void boolean(bool v) { u8(v ? 1 : 0); }
  void bytes(std::span<const std::uint8_t> data);
  void string(std::string_view text);
  void raw(std::span<const std::uint8_t> data) {
    out_.insert(out_.end(), data.begin(), data.end());
  }

 private:
  template <typename T>
  void put(T v) {
    for (std::size_t i = 0; i < sizeof(T); ++i)
      out_.push_back(static_cast<std::uint8_t>(v >> (8U * i)));
  }
  std::vector<std::uint8_t>& out_;
  std::size_t frame_start_ = 0;
};

/// Reads little-endian fields from a body; every read checks the bounds and throws
/// DecodeError past the end.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> data) : data_(data) {}

  std::uint8_t u8();
  std::uint16_t u16() { return get<std::uint16_t>(); }
  std::uint32_t u32() { return get<std::uint32_t>(); }
  std::uint64_t u64() { return get<std::uint64_t>(); }
  std::int32_t i32() { return static_cast<std::int32_t>(get<std::uint32_t>()); }
  std::int64_t i64() { return static_cast<std::int64_t>(get<std::uint64_t>()); }
  double f64();
  bool boolean();
  /// A `bytes` field; the span points into the body.
  std::span<const std::uint8_t> bytes();
  std::string string();
  /// `n` raw bytes.
  std::span<const std::uint8_t> raw(std::size_t n);
  /// A u32 element count, checked against the bytes left: each element takes at least
  /// `min_element_size` bytes, so a forged count cannot make the caller allocate much.
  std::uint32_t count(std::size_t min_element_size);
  /// Throws DecodeError unless every byte was read.
  void expectEnd() const;
  std::size_t remaining() const { return data_.size() - pos_; }

 private:
  template <typename T>
  T get() {
    const auto b = raw(sizeof(T));
    T v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
      v = static_cast<T>(v | (static_cast<T>(b[i]) << (8U * i)));
    return v;
  }
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
};

/// A parsed frame header.
struct FrameHeader {
  std::uint32_t length = 0;  ///< bytes after the length field
  std::uint16_t type = 0;
  std::uint32_t request_id = 0;
};

/// Reads the `length` field from its 4 bytes.
std::uint32_t readLength(const std::uint8_t* four_bytes);
/// true if `length` is within kMinFrameLength..kMaxFrameLength.
constexpr bool lengthAllowed(std::uint32_t length) {
  return length >= kMinFrameLength && length <= kMaxFrameLength;
}
/// Splits one whole frame (`length` field included) into header and body. Throws
/// DecodeError if it is not exactly one frame of an allowed length.
FrameHeader parseFrame(std::span<const std::uint8_t> frame, std::span<const std::uint8_t>& body);

// ---- handshake and errors ----------------------------------------------------------------

struct Hello {
  std::uint8_t magic[4] = {'S', 'S', 'I', 'M'};
  std::uint16_t version = kVersion;
  std::uint8_t role = kRolePeer;
  SteamId steam_id = 0;
  std::string token;
};

struct Welcome {
  std::uint16_t version = kVersion;
  std::uint8_t role = 0;
  SteamId steam_id = 0;
  std::int64_t now_us = 0;
  std::uint32_t max_frame_length = kMaxFrameLength;
  std::string server;
};

struct ErrorFrame {
  std::uint32_t code = 0;
  bool fatal = false;
  std::string text;
};

void encode(Writer& w, const Hello& v);
Hello decodeHello(Reader& r);
void encode(Writer& w, const Welcome& v);
Welcome decodeWelcome(Reader& r);
void encode(Writer& w, const ErrorFrame& v);
ErrorFrame decodeError(Reader& r);

// ---- API structures ------------------------------------------------------------------------

void encode(Writer& w, const Message& m);
Message decodeMessage(Reader& r);
void encode(Writer& w, const ConnectionInfo& v);
ConnectionInfo decodeConnectionInfo(Reader& r);
void encode(Writer& w, const RealTimeStatus& v);
RealTimeStatus decodeRealTimeStatus(Reader& r);
void encode(Writer& w, const SessionConnectionInfo& v);
SessionConnectionInfo decodeSessionConnectionInfo(Reader& r);
/// Wire size of `m` as `encode` writes it.
std::size_t encodedSize(const Message& m);

/// A queued signal as `runCallbacks` returns it.
struct Signal {
  enum class Kind : std::uint8_t { SessionRequest = 1, SessionFailed = 2 };
  Kind kind = Kind::SessionRequest;
  SteamId remote_steam_id = 0;  ///< both kinds
  SessionFailed failed;         ///< kind SessionFailed only
};
void encode(Writer& w, const Signal& s);
Signal decodeSignal(Reader& r);

/// A link's conditions, as the protocol carries them (every field, in declaration order).
using LinkFields = steamsim::LinkConditions;
void encode(Writer& w, const LinkFields& v);
LinkFields decodeLinkFields(Reader& r);

/// One entry of the `list peers` response.
struct PeerEntry {
  SteamId steam_id = 0;
  bool attached = false;
  bool crashed = false;
  std::string socket_address;
};
void encode(Writer& w, const PeerEntry& v);
PeerEntry decodePeerEntry(Reader& r);

/// Partition groups.
void encodeGroups(Writer& w, const std::vector<std::vector<SteamId>>& groups);
std::vector<std::vector<SteamId>> decodeGroups(Reader& r);

/// One send of a `sendMessagesToUser` batch (the payload points into caller's memory).
struct SendItem {
  SteamId remote_steam_id = 0;
  int flags = 0;
  int channel = 0;
  std::span<const std::uint8_t> data;
};

}  // namespace steamsim::remote::protocol
