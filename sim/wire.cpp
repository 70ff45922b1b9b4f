// SPDX-License-Identifier: MIT
// The wire codec: header and frame encoding, bounds-checked decoding, varints and CRC-32C.

#include "wire.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace steamsim::detail::wire {
namespace {

// Header field offsets (see wire.hpp).
constexpr std::size_t kOffMagic = 0;
constexpr std::size_t kOffVersion = 4;
constexpr std::size_t kOffType = 5;
constexpr std::size_t kOffFlags = 6;
constexpr std::size_t kOffFrom = 8;
constexpr std::size_t kOffTo = 16;
constexpr std::size_t kOffFromConn = 24;
constexpr std::size_t kOffToConn = 28;
constexpr std::size_t kOffPacketNumber = 32;
constexpr std::size_t kOffChecksum = 40;
constexpr std::size_t kChecksumSize = 4;
static_assert(kOffChecksum + kChecksumSize == kHeaderSize);

constexpr std::size_t kMaxVarintSize = 10;
/// Largest message an UnreliableFragment may describe (Steam's 512 KiB send limit, plus slack).
constexpr std::uint32_t kMaxFragmentedMessage = 524288 + 16;
/// Stats quality: fixed point in 1/10000, or kQualityUnknown.
constexpr std::uint16_t kQualityScale = 10000;
constexpr std::uint16_t kQualityUnknown = 0xFFFF;
constexpr std::size_t kStatsBodySize = 2;

// ---- Little-endian fixed-width fields -------------------------------------------------
// One load or store on a little-endian machine; byte by byte elsewhere.

template <typename T>
void storeLe(std::uint8_t* out, T value) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, &value, sizeof(T));
  } else {
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      out[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(value) >> (8U * i));
    }
  }
}

template <typename T>
T loadLe(const std::uint8_t* in) {
  if constexpr (std::endian::native == std::endian::little) {
    T value;
    std::memcpy(&value, in, sizeof(T));
    return value;
  } else {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      value |= static_cast<std::uint64_t>(in[i]) << (8U * i);
    }
    return static_cast<T>(value);
  }
}

// ---- CRC-32C, slicing-by-8 tables built at compile time --------------------------------

constexpr std::uint32_t kCrc32cPoly = 0x82F63B78U;  // Castagnoli, reflected

using CrcTables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr CrcTables makeCrcTables() {
  CrcTables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1U) ^ ((crc & 1U) != 0 ? kCrc32cPoly : 0U);
    t[0][i] = crc;
  }
  for (std::size_t k = 1; k < 8; ++k) {
    for (std::size_t i = 0; i < 256; ++i) {
      const std::uint32_t prev = t[k - 1][i];
      t[k][i] = (prev >> 8U) ^ t[0][prev & 0xFFU];
    }
  }
  return t;
}

constexpr CrcTables kCrcTables = makeCrcTables();

/// Feeds `data` into a running (pre-inverted) CRC state: the portable table version.
std::uint32_t crcUpdateTables(std::uint32_t crc, const std::uint8_t* data, std::size_t size) {
  while (size >= 8) {
    const std::uint32_t lo = crc ^ loadLe<std::uint32_t>(data);
    const std::uint32_t hi = loadLe<std::uint32_t>(data + 4);
    crc = kCrcTables[7][lo & 0xFFU] ^ kCrcTables[6][(lo >> 8U) & 0xFFU] ^
          kCrcTables[5][(lo >> 16U) & 0xFFU] ^ kCrcTables[4][lo >> 24U] ^
          kCrcTables[3][hi & 0xFFU] ^ kCrcTables[2][(hi >> 8U) & 0xFFU] ^
          kCrcTables[1][(hi >> 16U) & 0xFFU] ^ kCrcTables[0][hi >> 24U];
    data += 8;
    size -= 8;
  }
  for (std::size_t i = 0; i < size; ++i) {
    crc = (crc >> 8U) ^ kCrcTables[0][(crc ^ data[i]) & 0xFFU];
  }
  return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/// The same with SSE4.2's crc32 instruction (CRC-32C in hardware, 8 bytes at a time).
__attribute__((target("sse4.2"))) std::uint32_t crcUpdateSse42(std::uint32_t crc,
                                                               const std::uint8_t* data,
                                                               std::size_t size) {
  std::uint64_t wide = crc;
  while (size >= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, data, 8);  // x86 is little-endian, as the CRC's byte order
    wide = __builtin_ia32_crc32di(wide, word);
    data += 8;
    size -= 8;
  }
  auto narrow = static_cast<std::uint32_t>(wide);
  for (std::size_t i = 0; i < size; ++i) narrow = __builtin_ia32_crc32qi(narrow, data[i]);
  return narrow;
}

std::uint32_t crcUpdate(std::uint32_t crc, const std::uint8_t* data, std::size_t size) {
  static const bool hardware = __builtin_cpu_supports("sse4.2") != 0;
  return hardware ? crcUpdateSse42(crc, data, size) : crcUpdateTables(crc, data, size);
}
#else
std::uint32_t crcUpdate(std::uint32_t crc, const std::uint8_t* data, std::size_t size) {
  return crcUpdateTables(crc, data, size);
}
#endif

/// CRC-32C of a datagram as if its checksum field were zero.
std::uint32_t datagramChecksum(std::span<const std::uint8_t> datagram) {
  constexpr std::array<std::uint8_t, kChecksumSize> kZeros{};
  std::uint32_t crc = 0xFFFFFFFFU;
  crc = crcUpdate(crc, datagram.data(), kOffChecksum);
  crc = crcUpdate(crc, kZeros.data(), kZeros.size());
  crc = crcUpdate(crc, datagram.data() + kHeaderSize, datagram.size() - kHeaderSize);
  return ~crc;
}

// ---- Varints ---------------------------------------------------------------------------

/// Reads a canonical LEB128 varint. Truncated: input ended mid-varint; BadFrame: longer than
/// 10 bytes, over 64 bits, or not minimal (a trailing zero byte).
DecodeError readVarintChecked(std::span<const std::uint8_t> in, std::uint64_t& value,
                              std::size_t& consumed) {
  std::uint64_t result = 0;
  for (std::size_t i = 0; i < kMaxVarintSize; ++i) {
    if (i >= in.size()) return DecodeError::Truncated;
    const std::uint8_t byte = in[i];
    const std::uint64_t bits = byte & 0x7FU;
    if (i == kMaxVarintSize - 1 && byte > 1U) return DecodeError::BadFrame;  // > 64 bits
    result |= bits << (7U * i);
    if ((byte & 0x80U) == 0) {
      if (i > 0 && byte == 0) return DecodeError::BadFrame;  // overlong encoding
      value = result;
      consumed = i + 1;
      return DecodeError::None;
    }
  }
  return DecodeError::BadFrame;  // continuation bit on the 10th byte
}

// ---- Bounds-checked reading cursor -----------------------------------------------------

class Cursor {
 public:
  explicit Cursor(std::span<const std::uint8_t> in) : in_(in) {}

  std::size_t position() const { return pos_; }
  DecodeError error() const { return error_; }
  bool ok() const { return error_ == DecodeError::None; }

  bool varint(std::uint64_t& value) {
    if (!ok()) return false;
    if (pos_ < in_.size() && in_[pos_] < 0x80U) {  // one byte: always canonical
      value = in_[pos_++];
      return true;
    }
    std::size_t used = 0;
    error_ = readVarintChecked(in_.subspan(pos_), value, used);
    if (!ok()) return false;
    pos_ += used;
    return true;
  }
  bool varint32(std::uint32_t& value) {
    std::uint64_t wide = 0;
    if (!varint(wide)) return false;
    if (wide > std::numeric_limits<std::uint32_t>::max()) return fail(DecodeError::BadFrame);
    value = static_cast<std::uint32_t>(wide);
    return true;
  }
  bool zigzag32(std::int32_t& value) {
    std::uint64_t wide = 0;
    if (!varint(wide)) return false;
    const std::int64_t v = unzigzag(wide);
    if (v < std::numeric_limits<std::int32_t>::min() ||
        v > std::numeric_limits<std::int32_t>::max()) {
      return fail(DecodeError::BadFrame);
    }
    value = static_cast<std::int32_t>(v);
    return true;
  }
  bool bytes(std::uint64_t count, std::span<const std::uint8_t>& out) {
    if (!ok()) return false;
    if (count > in_.size() - pos_) return fail(DecodeError::Truncated);
    out = in_.subspan(pos_, static_cast<std::size_t>(count));
    pos_ += static_cast<std::size_t>(count);
    return true;
  }
  bool fail(DecodeError error) {
    if (ok()) error_ = error;
    return false;
  }
  /// Moves past `count` bytes the caller read itself (at most what is left).
  void advance(std::size_t count) { pos_ += count; }

 private:
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  DecodeError error_ = DecodeError::None;
};

// ---- Frame bodies ----------------------------------------------------------------------

void parseAck(Cursor& c, std::span<const std::uint8_t> in, AckFrame& ack) {
  if (!c.varint(ack.largest) || !c.varint(ack.ack_delay_us) || !c.varint32(ack.range_count)) {
    return;
  }
  if (ack.range_count == 0) {
    c.fail(DecodeError::BadFrame);
    return;
  }
  // The ranges are most of an ack: read them in a tight loop, one-byte varints inline and
  // longer ones through the checked reader (the same checks and errors as Cursor::varint).
  const std::size_t ranges_begin = c.position();
  const std::uint8_t* p = in.data() + ranges_begin;
  const std::uint8_t* const end = in.data() + in.size();
  const auto next = [&](std::uint64_t& value) {
    if (p < end && *p < 0x80U) {
      value = *p++;
      return true;
    }
    std::size_t used = 0;
    const DecodeError error =
        readVarintChecked({p, static_cast<std::size_t>(end - p)}, value, used);
    if (error != DecodeError::None) return c.fail(error);
    p += used;
    return true;
  };
  std::uint64_t hi = ack.largest;
  std::uint64_t lo = 0;
  for (std::uint32_t i = 0; i < ack.range_count; ++i) {
    if (i > 0) {
      std::uint64_t gap = 0;
      if (!next(gap)) return;
      // next hi = previous lo - gap - 2, which must not go below zero.
      if (lo < 2 || gap > lo - 2) {
        c.fail(DecodeError::BadFrame);
        return;
      }
      hi = lo - gap - 2;
    }
    std::uint64_t len = 0;
    if (!next(len)) return;
    if (len > hi) {
      c.fail(DecodeError::BadFrame);
      return;
    }
    lo = hi - len;
  }
  const auto size = static_cast<std::size_t>(p - (in.data() + ranges_begin));
  c.advance(size);
  ack.encoded_ranges = in.subspan(ranges_begin, size);
}

void parseReliable(Cursor& c, ReliableSegmentFrame& seg) {
  std::uint64_t length = 0;
  if (!c.varint(seg.stream_offset) || !c.varint(length)) return;
  if (length > std::numeric_limits<std::uint64_t>::max() - seg.stream_offset) {
    c.fail(DecodeError::BadFrame);
    return;
  }
  c.bytes(length, seg.data);
}

void parseUnreliable(Cursor& c, bool fragment, UnreliableFrame& msg) {
  if (!c.varint(msg.message_number) || !c.zigzag32(msg.channel)) return;
  if (fragment) {
    if (!c.varint32(msg.message_size) || !c.varint32(msg.fragment_offset)) return;
  }
  std::uint32_t length = 0;
  if (!c.varint32(length)) return;
  if (!fragment) {
    msg.message_size = length;
    msg.fragment_offset = 0;
  } else if (msg.message_size > kMaxFragmentedMessage || msg.fragment_offset > msg.message_size ||
             length > msg.message_size - msg.fragment_offset) {
    c.fail(DecodeError::BadFrame);
    return;
  }
  c.bytes(length, msg.data);
}

void parseStats(Cursor& c, float& quality) {
  std::span<const std::uint8_t> raw;
  if (!c.bytes(kStatsBodySize, raw)) return;
  const auto value = loadLe<std::uint16_t>(raw.data());
  if (value == kQualityUnknown) {
    quality = -1.0F;
  } else if (value > kQualityScale) {
    c.fail(DecodeError::BadFrame);
  } else {
    quality = static_cast<float>(value) / static_cast<float>(kQualityScale);
  }
}

void parseClose(Cursor& c, CloseFrame& close) {
  std::uint64_t length = 0;
  if (!c.zigzag32(close.reason) || !c.varint(length)) return;
  if (length > kMaxDebugLength) {
    c.fail(DecodeError::BadFrame);
    return;
  }
  std::span<const std::uint8_t> text;
  if (!c.bytes(length, text)) return;
  close.debug = std::string_view(reinterpret_cast<const char*>(text.data()), text.size());
}

/// Parses the frame at the front of `in`. \return the error, and on success its size.
DecodeError parseFrame(std::span<const std::uint8_t> in, Frame& frame, std::size_t& consumed) {
  // Only the member for the frame's type is set (and read by callers); the others keep
  // whatever they held, so no time goes into clearing the whole Frame per frame.
  if (in.empty()) return DecodeError::Truncated;
  const std::uint8_t type = in[0];
  if (type < static_cast<std::uint8_t>(FrameType::Ack) ||
      type > static_cast<std::uint8_t>(FrameType::Close)) {
    return DecodeError::BadType;
  }
  frame.type = static_cast<FrameType>(type);
  const auto body = in.subspan(1);
  Cursor c(body);
  switch (frame.type) {
    case FrameType::Ack:
      parseAck(c, body, frame.ack);
      break;
    case FrameType::ReliableSegment:
      parseReliable(c, frame.reliable);
      break;
    case FrameType::Unreliable:
      parseUnreliable(c, false, frame.unreliable);
      break;
    case FrameType::UnreliableFragment:
      parseUnreliable(c, true, frame.unreliable);
      break;
    case FrameType::Stats:
      parseStats(c, frame.quality);
      break;
    case FrameType::Close:
      parseClose(c, frame.close);
      break;
  }
  if (!c.ok()) return c.error();
  consumed = 1 + c.position();
  return DecodeError::None;
}

// ---- Frame writing ---------------------------------------------------------------------

/// Appends fields to a frame being built; the caller checked the total size beforehand.
class Emitter {
 public:
  explicit Emitter(std::uint8_t* out) : out_(out) {}
  void byte(std::uint8_t b) { out_[n_++] = b; }
  void varint(std::uint64_t v) { n_ += writeVarint(out_ + n_, v); }
  void bytes(std::span<const std::uint8_t> data) {
    std::copy(data.begin(), data.end(), out_ + n_);
    n_ += data.size();
  }
  std::size_t size() const { return n_; }

 private:
  std::uint8_t* out_;
  std::size_t n_ = 0;
};

std::uint16_t encodeQuality(float quality) {
  if (!(quality >= 0.0F)) return kQualityUnknown;  // negative or NaN
  const float clamped = std::min(quality, 1.0F);
  return static_cast<std::uint16_t>(std::lround(clamped * static_cast<float>(kQualityScale)));
}

bool isWholeMessage(std::uint32_t message_size, std::uint32_t fragment_offset, std::size_t length) {
  return fragment_offset == 0 && length == message_size;
}

}  // namespace

const char* toString(DecodeError error) {
  switch (error) {
    case DecodeError::None:
      return "none";
    case DecodeError::Truncated:
      return "truncated";
    case DecodeError::BadMagic:
      return "bad magic";
    case DecodeError::BadVersion:
      return "bad version";
    case DecodeError::BadType:
      return "bad type";
    case DecodeError::BadChecksum:
      return "bad checksum";
    case DecodeError::BadFrame:
      return "bad frame";
    case DecodeError::TooLarge:
      return "too large";
  }
  return "unknown";
}

// ---- Varints and CRC -------------------------------------------------------------------

std::size_t varintSize(std::uint64_t value) {
  std::size_t size = 1;
  while (value >= 0x80U) {
    value >>= 7U;
    ++size;
  }
  return size;
}

std::size_t readVarint(std::span<const std::uint8_t> in, std::uint64_t& value) {
  std::size_t consumed = 0;
  if (readVarintChecked(in, value, consumed) != DecodeError::None) return 0;
  return consumed;
}

std::uint32_t crc32c(std::span<const std::uint8_t> data) {
  return ~crcUpdate(0xFFFFFFFFU, data.data(), data.size());
}

// ---- PacketWriter ----------------------------------------------------------------------

PacketWriter::PacketWriter(std::span<std::uint8_t> buffer, const PacketHeader& header)
    : buffer_(buffer), capacity_(std::min(buffer.size(), kMaxDatagram)) {
  if (capacity_ < kHeaderSize) {  // unusable buffer: every write fails, finish() gives 0
    capacity_ = 0;
    return;
  }
  std::uint8_t* out = buffer_.data();
  storeLe<std::uint32_t>(out + kOffMagic, kMagic);
  out[kOffVersion] = kVersion;
  out[kOffType] = static_cast<std::uint8_t>(header.type);
  storeLe<std::uint16_t>(out + kOffFlags, header.flags);
  storeLe<std::uint64_t>(out + kOffFrom, header.from);
  storeLe<std::uint64_t>(out + kOffTo, header.to);
  storeLe<std::uint32_t>(out + kOffFromConn, header.from_conn);
  storeLe<std::uint32_t>(out + kOffToConn, header.to_conn);
  storeLe<std::uint64_t>(out + kOffPacketNumber, header.packet_number);
  storeLe<std::uint32_t>(out + kOffChecksum, 0);
  size_ = kHeaderSize;
}

bool PacketWriter::writeAck(std::span<const PacketRange> ranges, std::uint64_t ack_delay_us) {
  if (ranges.empty() || ranges[0].lo > ranges[0].hi) return false;
  const std::uint64_t largest = ranges[0].hi;
  const std::size_t fixed = 1 + varintSize(largest) + varintSize(ack_delay_us);

  // Pass 1: how many ranges fit. A range that is not strictly below the previous one with a
  // gap of at least one packet (or is inverted) ends the list.
  std::size_t count = 0;
  std::size_t ranges_bytes = 0;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const PacketRange& r = ranges[i];
    std::size_t bytes = 0;
    if (i == 0) {
      bytes = varintSize(r.hi - r.lo);
    } else {
      const std::uint64_t prev_lo = ranges[i - 1].lo;
      if (r.lo > r.hi || prev_lo < 2 || r.hi > prev_lo - 2) break;
      bytes = varintSize(prev_lo - r.hi - 2) + varintSize(r.hi - r.lo);
    }
    if (fixed + varintSize(count + 1) + ranges_bytes + bytes > remaining()) break;
    ranges_bytes += bytes;
    ++count;
  }
  if (count == 0) return false;

  // Pass 2: write them.
  Emitter e(buffer_.data() + size_);
  e.byte(static_cast<std::uint8_t>(FrameType::Ack));
  e.varint(largest);
  e.varint(ack_delay_us);
  e.varint(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) e.varint(ranges[i - 1].lo - ranges[i].hi - 2);
    e.varint(ranges[i].hi - ranges[i].lo);
  }
  size_ += e.size();
  return true;
}

void encodeAckTail(std::span<const PacketRange> ranges, AckTail& tail) {
  tail.bytes.clear();
  tail.ends.clear();
  if (ranges.empty() || ranges[0].lo > ranges[0].hi) return;
  std::array<std::uint8_t, 2 * kMaxVarintSize> pair{};
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    const PacketRange& r = ranges[i];
    const std::uint64_t prev_lo = ranges[i - 1].lo;
    if (r.lo > r.hi || prev_lo < 2 || r.hi > prev_lo - 2) break;
    std::size_t n = writeVarint(pair.data(), prev_lo - r.hi - 2);
    n += writeVarint(pair.data() + n, r.hi - r.lo);
    tail.bytes.insert(tail.bytes.end(), pair.begin(),
                      pair.begin() + static_cast<std::ptrdiff_t>(n));
    tail.ends.push_back(static_cast<std::uint16_t>(tail.bytes.size()));
  }
}

bool PacketWriter::writeAck(std::span<const PacketRange> ranges, const AckTail& tail,
                            std::uint64_t ack_delay_us) {
  if (ranges.empty() || ranges[0].lo > ranges[0].hi) return false;
  const std::uint64_t largest = ranges[0].hi;
  const std::uint64_t first_len = ranges[0].hi - ranges[0].lo;
  const std::size_t fixed =
      1 + varintSize(largest) + varintSize(ack_delay_us) + varintSize(first_len);
  // As many ranges as fit, as writeAck(ranges, ...) chooses them.
  std::size_t count = 1 + tail.ends.size();
  const auto bytesFor = [&](std::size_t n) {
    return fixed + varintSize(n) + (n > 1 ? std::size_t{tail.ends[n - 2]} : 0);
  };
  while (count > 0 && bytesFor(count) > remaining()) --count;
  if (count == 0) return false;

  Emitter e(buffer_.data() + size_);
  e.byte(static_cast<std::uint8_t>(FrameType::Ack));
  e.varint(largest);
  e.varint(ack_delay_us);
  e.varint(count);
  e.varint(first_len);
  if (count > 1) e.bytes(std::span<const std::uint8_t>(tail.bytes.data(), tail.ends[count - 2]));
  size_ += e.size();
  return true;
}

bool PacketWriter::writeReliableSegment(std::uint64_t stream_offset,
                                        std::span<const std::uint8_t> data) {
  if (data.size() > std::numeric_limits<std::uint64_t>::max() - stream_offset) return false;
  const std::size_t overhead = reliableSegmentOverhead(stream_offset, data.size());
  if (overhead > remaining() || data.size() > remaining() - overhead) return false;
  Emitter e(buffer_.data() + size_);
  e.byte(static_cast<std::uint8_t>(FrameType::ReliableSegment));
  e.varint(stream_offset);
  e.varint(data.size());
  e.bytes(data);
  size_ += e.size();
  return true;
}

bool PacketWriter::writeUnreliable(std::uint64_t message_number, std::int32_t channel,
                                   std::uint32_t message_size, std::uint32_t fragment_offset,
                                   std::span<const std::uint8_t> data) {
  const bool whole = isWholeMessage(message_size, fragment_offset, data.size());
  if (!whole && (message_size > kMaxFragmentedMessage || fragment_offset > message_size ||
                 data.size() > message_size - fragment_offset)) {
    return false;
  }
  const std::size_t overhead =
      unreliableOverhead(message_number, channel, message_size, fragment_offset, data.size());
  if (overhead > remaining() || data.size() > remaining() - overhead) return false;
  Emitter e(buffer_.data() + size_);
  e.byte(static_cast<std::uint8_t>(whole ? FrameType::Unreliable : FrameType::UnreliableFragment));
  e.varint(message_number);
  e.varint(zigzag(channel));
  if (!whole) {
    e.varint(message_size);
    e.varint(fragment_offset);
  }
  e.varint(data.size());
  e.bytes(data);
  size_ += e.size();
  return true;
}

std::size_t PacketWriter::encodeWholeUnreliableHeader(std::uint64_t message_number,
                                                      std::int32_t channel, std::size_t size,
                                                      std::uint8_t* out) {
  std::uint8_t* end = out;
  *end++ = static_cast<std::uint8_t>(FrameType::Unreliable);
  end += writeVarint(end, message_number);
  end += writeVarint(end, zigzag(channel));
  end += writeVarint(end, size);
  return static_cast<std::size_t>(end - out);
}

bool PacketWriter::writeEncoded(std::span<const std::uint8_t> frames) {
  if (frames.size() > remaining()) return false;
  if (!frames.empty()) std::memcpy(buffer_.data() + size_, frames.data(), frames.size());
  size_ += frames.size();
  return true;
}

bool PacketWriter::writeStats(float quality) {
  if (1 + kStatsBodySize > remaining()) return false;
  std::uint8_t* out = buffer_.data() + size_;
  out[0] = static_cast<std::uint8_t>(FrameType::Stats);
  storeLe<std::uint16_t>(out + 1, encodeQuality(quality));
  size_ += 1 + kStatsBodySize;
  return true;
}

bool PacketWriter::writeClose(std::int32_t reason, std::string_view debug) {
  debug = debug.substr(0, kMaxDebugLength);  // as Steam truncates its end-debug text
  const std::size_t total =
      1 + varintSize(zigzag(reason)) + varintSize(debug.size()) + debug.size();
  if (total > remaining()) return false;
  Emitter e(buffer_.data() + size_);
  e.byte(static_cast<std::uint8_t>(FrameType::Close));
  e.varint(zigzag(reason));
  e.varint(debug.size());
  e.bytes(std::span(reinterpret_cast<const std::uint8_t*>(debug.data()), debug.size()));
  size_ += e.size();
  return true;
}

std::size_t PacketWriter::finish() {
  if (size_ < kHeaderSize) return 0;
  const auto datagram = buffer_.first(size_);
  storeLe<std::uint32_t>(datagram.data() + kOffChecksum, datagramChecksum(datagram));
  return size_;
}

std::size_t PacketWriter::reliableSegmentOverhead(std::uint64_t stream_offset, std::size_t length) {
  return 1 + varintSize(stream_offset) + varintSize(length);
}

std::size_t PacketWriter::unreliableOverhead(std::uint64_t message_number, std::int32_t channel,
                                             std::uint32_t message_size,
                                             std::uint32_t fragment_offset, std::size_t length) {
  std::size_t size = 1 + varintSize(message_number) + varintSize(zigzag(channel));
  if (!isWholeMessage(message_size, fragment_offset, length)) {
    size += varintSize(message_size) + varintSize(fragment_offset);
  }
  return size + varintSize(length);
}

// ---- Decoding --------------------------------------------------------------------------

DecodeError decode(std::span<const std::uint8_t> datagram, PacketHeader& header,
                   std::span<const std::uint8_t>& frames) {
  return decode(datagram, header, frames, nullptr);
}

DecodeError decode(std::span<const std::uint8_t> datagram, PacketHeader& header,
                   std::span<const std::uint8_t>& frames, ParsedFrames* parsed) {
  if (parsed != nullptr) {
    parsed->count = 0;
    parsed->complete = false;
  }
  if (datagram.size() < kHeaderSize) return DecodeError::Truncated;
  if (datagram.size() > kMaxDatagram) return DecodeError::TooLarge;
  const std::uint8_t* in = datagram.data();
  if (loadLe<std::uint32_t>(in + kOffMagic) != kMagic) return DecodeError::BadMagic;
  if (in[kOffVersion] != kVersion) return DecodeError::BadVersion;
  const std::uint8_t type = in[kOffType];
  if (type < static_cast<std::uint8_t>(PacketType::ConnectRequest) ||
      type > static_cast<std::uint8_t>(PacketType::NoConnection)) {
    return DecodeError::BadType;
  }
  if (loadLe<std::uint32_t>(in + kOffChecksum) != datagramChecksum(datagram)) {
    return DecodeError::BadChecksum;
  }

  const auto body = datagram.subspan(kHeaderSize);
  std::span<const std::uint8_t> rest = body;
  Frame scratch;
  std::size_t count = 0;
  while (!rest.empty()) {
    std::size_t consumed = 0;
    const bool keep = parsed != nullptr && count < ParsedFrames::kCapacity;
    const DecodeError error = parseFrame(rest, keep ? parsed->frames[count] : scratch, consumed);
    if (error != DecodeError::None) return error;
    ++count;
    rest = rest.subspan(consumed);
  }
  if (parsed != nullptr) {
    parsed->count = std::min(count, ParsedFrames::kCapacity);
    parsed->complete = count <= ParsedFrames::kCapacity;
  }

  header.type = static_cast<PacketType>(type);
  header.flags = loadLe<std::uint16_t>(in + kOffFlags);
  header.from = loadLe<std::uint64_t>(in + kOffFrom);
  header.to = loadLe<std::uint64_t>(in + kOffTo);
  header.from_conn = loadLe<std::uint32_t>(in + kOffFromConn);
  header.to_conn = loadLe<std::uint32_t>(in + kOffToConn);
  header.packet_number = loadLe<std::uint64_t>(in + kOffPacketNumber);
  frames = body;
  return DecodeError::None;
}

bool FrameReader::next(Frame& frame) {
  if (parsed_ != nullptr) {
    if (next_parsed_ >= parsed_->count) return false;
    frame = parsed_->frames[next_parsed_++];
    return true;
  }
  if (rest_.empty() || error_ != DecodeError::None) return false;
  std::size_t consumed = 0;
  error_ = parseFrame(rest_, frame, consumed);
  if (error_ != DecodeError::None) {
    rest_ = {};
    return false;
  }
  rest_ = rest_.subspan(consumed);
  return true;
}

std::size_t writeControlPacket(std::span<std::uint8_t> buffer, const PacketHeader& header,
                               std::int32_t reason, std::string_view debug) {
  PacketWriter writer(buffer, header);
  if (header.type == PacketType::Close) {
    writer.writeClose(reason, debug.substr(0, std::min(debug.size(), kMaxDebugLength)));
  }
  return writer.finish();
}

}  // namespace steamsim::detail::wire
