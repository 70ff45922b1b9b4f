// SPDX-License-Identifier: MIT
#pragma once
// The wire format of steamsim datagrams.
//
// Every datagram starts with a fixed 44-byte header, little-endian:
//   magic u32 "SSIM" | version u8 | type u8 | flags u16 | from SteamID u64 | to SteamID u64
//   | from_conn u32 | to_conn u32 | packet_number u64 | checksum u32 (CRC-32C of the whole
//   datagram with this field zeroed)
// followed by frames, each a type byte and a body. Varints are LEB128 (at most 10 bytes);
// channels are zigzag varints. Decoding is bounds-checked: anything malformed is an error,
// never a crash or an out-of-range read.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "steamsim/types.hpp"

namespace steamsim::detail::wire {

inline constexpr std::uint32_t kMagic = 0x4D495353;  // "SSIM" read as little-endian u32
inline constexpr std::uint8_t kVersion = 1;
inline constexpr std::size_t kHeaderSize = 44;
/// Largest datagram steamsim emits (Steam's k_cbSteamNetworkingSocketsMaxUDPMsgLen).
inline constexpr std::size_t kMaxDatagram = 1300;
/// Largest debug string carried by a Close frame (Steam's m_szEndDebug holds 128 with NUL).
inline constexpr std::size_t kMaxDebugLength = 127;

enum class PacketType : std::uint8_t {
  ConnectRequest = 1,  ///< start (or retry) a connection; from_conn set, to_conn 0
  ConnectAccept = 2,   ///< the receiver accepted; both conn ids set
  Data = 3,            ///< sequenced: frames of acks, reliable and unreliable data, stats
  Close = 4,           ///< connection closed; one Close frame
  NoConnection = 5,    ///< "I have no such connection" (reply to a stale Data packet)
};

/// Header flag: the receiver should acknowledge at once (a ping / keepalive).
inline constexpr std::uint16_t kFlagAckNow = 1;

struct PacketHeader {
  PacketType type = PacketType::Data;
  std::uint16_t flags = 0;
  SteamId from = 0;
  SteamId to = 0;
  std::uint32_t from_conn = 0;
  std::uint32_t to_conn = 0;
  std::uint64_t packet_number = 0;  ///< Data packets: from 1 per connection; else 0
};

enum class FrameType : std::uint8_t {
  Ack = 1,                 ///< acknowledgement ranges
  ReliableSegment = 2,     ///< bytes of the connection's reliable stream
  Unreliable = 3,          ///< a whole unreliable message
  UnreliableFragment = 4,  ///< part of an unreliable message
  Stats = 5,               ///< sender's local connection quality
  Close = 6,               ///< end reason and debug text (Close packets)
};

/// An Ack frame: `largest` and every packet in the ranges were received.
/// Encoding: largest varint, ack_delay_us varint, range_count varint (>= 1), then for the
/// first range its length-1, and for each later range (gap-1 below the previous range's
/// low end, length-1), all varints. Ranges are descending and disjoint.
struct AckFrame {
  std::uint64_t largest = 0;
  std::uint64_t ack_delay_us = 0;  ///< how long the receiver held `largest` before acking
  std::uint32_t range_count = 0;
  std::span<const std::uint8_t> encoded_ranges;  ///< view into the datagram

  /// Calls `visit(lo, hi)` for each range, highest first. Only valid on decoded frames.
  template <typename Visitor>
  void forEachRange(Visitor&& visit) const;
  /// As forEachRange, but stops as soon as `visit(lo, hi)` returns false.
  template <typename Visitor>
  void forEachRangeWhile(Visitor&& visit) const;
};

/// One inclusive range of packet numbers, for writing acks.
struct PacketRange {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
};

/// The encoded Ack ranges after the first (gap and length varints, see AckFrame), which do
/// not change while only the highest range grows: a receiver keeps them between acks.
struct AckTail {
  std::vector<std::uint8_t> bytes;
  /// ends[i]: bytes of the ranges 1..i+1; one entry per range the list holds after the first.
  std::vector<std::uint16_t> ends;
};

/// Encodes `ranges[1..]` (descending, disjoint) into `tail`, stopping at the first range that
/// is not strictly below the previous one with a gap (PacketWriter::writeAck's rule).
void encodeAckTail(std::span<const PacketRange> ranges, AckTail& tail);

struct ReliableSegmentFrame {
  std::uint64_t stream_offset = 0;
  std::span<const std::uint8_t> data;
};

struct UnreliableFrame {
  std::uint64_t message_number = 0;
  std::int32_t channel = 0;
  std::uint32_t message_size = 0;      ///< whole message size
  std::uint32_t fragment_offset = 0;   ///< 0 for whole messages
  std::span<const std::uint8_t> data;  ///< the whole message, or this fragment
};

struct CloseFrame {
  std::int32_t reason = 0;
  std::string_view debug;
};

struct Frame {
  FrameType type = FrameType::Ack;
  AckFrame ack;
  ReliableSegmentFrame reliable;
  UnreliableFrame unreliable;  ///< Unreliable and UnreliableFragment
  float quality = 0.0F;        ///< Stats, 0..1, or -1 unknown
  CloseFrame close;
};

enum class DecodeError : std::uint8_t {
  None,
  Truncated,  ///< shorter than a header, or a frame runs past the end
  BadMagic,   ///< not a steamsim datagram
  BadVersion,
  BadType,      ///< unknown packet or frame type
  BadChecksum,  ///< corrupted
  BadFrame,     ///< a field out of range (varint overflow, fragment beyond message, ...)
  TooLarge,     ///< over kMaxDatagram
};

const char* toString(DecodeError error);

/// Writes one datagram into a caller-owned buffer (at least kMaxDatagram bytes).
/// Each write returns false, writing nothing, when the frame does not fit.
class PacketWriter {
 public:
  PacketWriter(std::span<std::uint8_t> buffer, const PacketHeader& header);

  std::size_t size() const { return size_; }
  std::size_t remaining() const { return capacity_ - size_; }

  /// Writes as many of `ranges` (descending, disjoint) as fit; false if not even one.
  bool writeAck(std::span<const PacketRange> ranges, std::uint64_t ack_delay_us);
  /// The same bytes as writeAck(ranges, ...) with `tail` = encodeAckTail(ranges), copied.
  bool writeAck(std::span<const PacketRange> ranges, const AckTail& tail,
                std::uint64_t ack_delay_us);
  bool writeReliableSegment(std::uint64_t stream_offset, std::span<const std::uint8_t> data);
  /// Writes a whole message (fragment_offset 0, data = message) or a fragment.
  bool writeUnreliable(std::uint64_t message_number, std::int32_t channel,
                       std::uint32_t message_size, std::uint32_t fragment_offset,
                       std::span<const std::uint8_t> data);
  /// Appends frames encoded beforehand (see encodeWholeUnreliableHeader), back to back.
  bool writeEncoded(std::span<const std::uint8_t> frames);
  bool writeStats(float quality);
  bool writeClose(std::int32_t reason, std::string_view debug);

  /// Fills in the checksum. \return the datagram's size.
  std::size_t finish();

  /// Bytes a reliable segment frame takes besides its data.
  static std::size_t reliableSegmentOverhead(std::uint64_t stream_offset, std::size_t length);
  /// Most bytes encodeWholeUnreliableHeader writes.
  static constexpr std::size_t kMaxWholeUnreliableHeader = 31;
  /// Encodes at `out` everything of a whole-message Unreliable frame that precedes its
  /// `size` payload bytes: with the payload after it, the bytes writeUnreliable writes for
  /// (message_number, channel, size, 0, payload). \return the header's size.
  static std::size_t encodeWholeUnreliableHeader(std::uint64_t message_number, std::int32_t channel,
                                                 std::size_t size, std::uint8_t* out);
  /// Bytes an unreliable frame takes besides its data.
  static std::size_t unreliableOverhead(std::uint64_t message_number, std::int32_t channel,
                                        std::uint32_t message_size, std::uint32_t fragment_offset,
                                        std::size_t length);

 private:
  std::span<std::uint8_t> buffer_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

/// Writes a control datagram (ConnectRequest, ConnectAccept, Close, NoConnection) into
/// `buffer`; a Close carries `reason` and `debug` (cut to kMaxDebugLength).
/// \return the datagram's size.
std::size_t writeControlPacket(std::span<std::uint8_t> buffer, const PacketHeader& header,
                               std::int32_t reason = 0, std::string_view debug = {});

/// Frames parsed while a datagram was validated, so they need not be parsed again: up to
/// kCapacity of them (a datagram with more is read again by FrameReader).
struct ParsedFrames {
  static constexpr std::size_t kCapacity = 48;
  std::array<Frame, kCapacity> frames;
  std::size_t count = 0;
  bool complete = false;  ///< every frame of the datagram is in `frames`
};

/// Decodes and checks the header and checksum, and validates every frame.
/// On success `header` is filled and `frames` views the frame bytes inside `datagram`;
/// `parsed`, when given, receives the frames (see ParsedFrames).
DecodeError decode(std::span<const std::uint8_t> datagram, PacketHeader& header,
                   std::span<const std::uint8_t>& frames, ParsedFrames* parsed);
DecodeError decode(std::span<const std::uint8_t> datagram, PacketHeader& header,
                   std::span<const std::uint8_t>& frames);

/// Iterates frames already validated by `decode`.
class FrameReader {
 public:
  explicit FrameReader(std::span<const std::uint8_t> frames) : rest_(frames) {}
  /// Reads `frames`, from `parsed` when it holds all of them (null: parse the bytes).
  FrameReader(std::span<const std::uint8_t> frames, const ParsedFrames* parsed)
      : rest_(frames), parsed_(parsed != nullptr && parsed->complete ? parsed : nullptr) {}
  /// Reads the next frame. \return false at the end, or on a malformed frame (`error()`).
  bool next(Frame& frame);
  DecodeError error() const { return error_; }

 private:
  std::span<const std::uint8_t> rest_;
  DecodeError error_ = DecodeError::None;
  const ParsedFrames* parsed_ = nullptr;
  std::size_t next_parsed_ = 0;
};

// Varint helpers, shared with the reliable stream's message headers.
std::size_t varintSize(std::uint64_t value);
/// Writes `value` at `out` (needs varintSize bytes). \return bytes written.
inline std::size_t writeVarint(std::uint8_t* out, std::uint64_t value) {
  std::size_t n = 0;
  while (value >= 0x80U) {
    out[n++] = static_cast<std::uint8_t>((value & 0x7FU) | 0x80U);
    value >>= 7U;
  }
  out[n++] = static_cast<std::uint8_t>(value);
  return n;
}
/// Reads a varint from the front of `in`. \return bytes consumed, 0 if malformed/truncated.
std::size_t readVarint(std::span<const std::uint8_t> in, std::uint64_t& value);
constexpr std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1U) ^ static_cast<std::uint64_t>(v >> 63);
}
constexpr std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1U) ^ -static_cast<std::int64_t>(v & 1U);
}

/// CRC-32C (Castagnoli).
std::uint32_t crc32c(std::span<const std::uint8_t> data);

namespace detail_varint {
/// Reads a varint already validated by `decode` (one byte in the common case).
inline std::size_t readValidated(std::span<const std::uint8_t> in, std::uint64_t& value) {
  if (!in.empty() && in[0] < 0x80U) {
    value = in[0];
    return 1;
  }
  return readVarint(in, value);
}
}  // namespace detail_varint

template <typename Visitor>
void AckFrame::forEachRangeWhile(Visitor&& visit) const {
  std::span<const std::uint8_t> in = encoded_ranges;
  std::uint64_t hi = largest;
  for (std::uint32_t i = 0; i < range_count; ++i) {
    if (i > 0) {
      std::uint64_t gap = 0;
      in = in.subspan(detail_varint::readValidated(in, gap));
      hi = hi - gap - 2;  // validated by decode: no underflow
    }
    std::uint64_t len = 0;
    in = in.subspan(detail_varint::readValidated(in, len));
    const std::uint64_t lo = hi - len;
    if (!visit(lo, hi)) return;
    hi = lo;
  }
}

template <typename Visitor>
void AckFrame::forEachRange(Visitor&& visit) const {
  forEachRangeWhile([&](std::uint64_t lo, std::uint64_t hi) {
    visit(lo, hi);
    return true;
  });
}

}  // namespace steamsim::detail::wire
