// The attach protocol's codec: little-endian fields, bounds-checked reads, and the
// encoders and decoders of every structure in PROTOCOL.md.

#include <bit>

#include "steamsim/remote/protocol.hpp"

namespace steamsim::remote::protocol {

std::string_view errorName(std::uint32_t code) {
  switch (static_cast<ErrorCode>(code)) {
    case ErrorCode::Malformed:
      return "Malformed";
    case ErrorCode::FrameTooLarge:
      return "FrameTooLarge";
    case ErrorCode::BadMagic:
      return "BadMagic";
    case ErrorCode::VersionMismatch:
      return "VersionMismatch";
    case ErrorCode::BadToken:
      return "BadToken";
    case ErrorCode::SteamIdInUse:
      return "SteamIdInUse";
    case ErrorCode::InvalidSteamId:
      return "InvalidSteamId";
    case ErrorCode::HelloTimeout:
      return "HelloTimeout";
    case ErrorCode::NotPermitted:
      return "NotPermitted";
    case ErrorCode::UnknownType:
      return "UnknownType";
    case ErrorCode::InvalidArgument:
      return "InvalidArgument";
    case ErrorCode::UnknownPeer:
      return "UnknownPeer";
    case ErrorCode::ServerFull:
      return "ServerFull";
    case ErrorCode::ShuttingDown:
      return "ShuttingDown";
    case ErrorCode::Internal:
      return "Internal";
  }
  return "Error";
}

// ---- writer ---------------------------------------------------------------------------------

void Writer::beginFrame(std::uint16_t type, std::uint32_t request_id) {
  frame_start_ = out_.size();
  u32(0);
  u16(type);
  u32(request_id);
}

std::size_t Writer::endFrame() {
  const std::size_t total = out_.size() - frame_start_;
  const auto length = static_cast<std::uint32_t>(total - kLengthSize);
  for (std::size_t i = 0; i < 4; ++i) {
    out_[frame_start_ + i] = static_cast<std::uint8_t>(length >> (8U * i));
  }
  return total;
}

void Writer::f64(double v) {
  u64(std::bit_cast<std::uint64_t>(v));
}

void Writer::bytes(std::span<const std::uint8_t> data) {
  u32(static_cast<std::uint32_t>(data.size()));
  raw(data);
}

void Writer::string(std::string_view text) {
  u32(static_cast<std::uint32_t>(text.size()));
  out_.insert(out_.end(), text.begin(), text.end());
}

// ---- reader ---------------------------------------------------------------------------------

std::span<const std::uint8_t> Reader::raw(std::size_t n) {
  if (n > remaining()) {
    throw DecodeError("field of " + std::to_string(n) + " bytes at offset " + std::to_string(pos_) +
                      " runs past the end of a " + std::to_string(data_.size()) + "-byte body");
  }
  auto out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

std::uint8_t Reader::u8() {
  return raw(1)[0];
}

double Reader::f64() {
  return std::bit_cast<double>(u64());
}

bool Reader::boolean() {
  const std::size_t at = pos_;
  const std::uint8_t v = u8();
  if (v > 1) {
    throw DecodeError("bool at offset " + std::to_string(at) + " is " + std::to_string(v) +
                      ", expected 0 or 1");
  }
  return v == 1;
}

std::span<const std::uint8_t> Reader::bytes() {
  const std::uint32_t n = u32();
  return raw(n);
}

std::string Reader::string() {
  const auto b = bytes();
  return std::string(b.begin(), b.end());
}

std::uint32_t Reader::count(std::size_t min_element_size) {
  const std::size_t at = pos_;
  const std::uint32_t n = u32();
  if (min_element_size > 0 && n > remaining() / min_element_size) {
    throw DecodeError("count " + std::to_string(n) + " at offset " + std::to_string(at) +
                      " needs more than the " + std::to_string(remaining()) + " bytes left");
  }
  return n;
}

void Reader::expectEnd() const {
  if (remaining() != 0) {
    throw DecodeError(std::to_string(remaining()) + " unexpected bytes after the last field");
  }
}

std::uint32_t readLength(const std::uint8_t* four_bytes) {
  return static_cast<std::uint32_t>(four_bytes[0]) |
         (static_cast<std::uint32_t>(four_bytes[1]) << 8U) |
         (static_cast<std::uint32_t>(four_bytes[2]) << 16U) |
         (static_cast<std::uint32_t>(four_bytes[3]) << 24U);
}

FrameHeader parseFrame(std::span<const std::uint8_t> frame, std::span<const std::uint8_t>& body) {
  Reader r(frame);
  FrameHeader h;
  h.length = r.u32();
  if (!lengthAllowed(h.length)) {
    throw DecodeError("frame length " + std::to_string(h.length) + " outside " +
                      std::to_string(kMinFrameLength) + ".." + std::to_string(kMaxFrameLength));
  }
  if (h.length != r.remaining()) {
    throw DecodeError("frame length " + std::to_string(h.length) + " but " +
                      std::to_string(r.remaining()) + " bytes follow");
  }
  h.type = r.u16();
  h.request_id = r.u32();
  body = r.raw(r.remaining());
  return h;
}

// ---- handshake --------------------------------------------------------------------------------

void encode(Writer& w, const Hello& v) {
  w.raw(std::span<const std::uint8_t>(v.magic, 4));
  w.u16(v.version);
  w.u8(v.role);
  w.u64(v.steam_id);
  w.string(v.token);
}

Hello decodeHello(Reader& r) {
  Hello v;
  const auto magic = r.raw(4);
  std::memcpy(v.magic, magic.data(), 4);
  v.version = r.u16();
  v.role = r.u8();
  v.steam_id = r.u64();
  v.token = r.string();
  return v;
}

void encode(Writer& w, const Welcome& v) {
  w.u16(v.version);
  w.u8(v.role);
  w.u64(v.steam_id);
  w.i64(v.now_us);
  w.u32(v.max_frame_length);
  w.string(v.server);
}

Welcome decodeWelcome(Reader& r) {
  Welcome v;
  v.version = r.u16();
  v.role = r.u8();
  v.steam_id = r.u64();
  v.now_us = r.i64();
  v.max_frame_length = r.u32();
  v.server = r.string();
  return v;
}

void encode(Writer& w, const ErrorFrame& v) {
  w.u32(v.code);
  w.boolean(v.fatal);
  w.string(v.text);
}

ErrorFrame decodeError(Reader& r) {
  ErrorFrame v;
  v.code = r.u32();
  v.fatal = r.boolean();
  v.text = r.string();
  return v;
}

// ---- API structures -------------------------------------------------------------------------

void encode(Writer& w, const Message& m) {
  w.bytes(m.payload);
  w.i32(m.size);
  w.u32(m.connection);
  w.u64(m.identity);
  w.i64(m.receiver_user_data);
  w.i64(m.time_received);
  w.i64(m.message_number);
  w.i32(m.channel);
  w.i32(m.flags);
  w.i64(m.sender_user_data);
}

std::size_t encodedSize(const Message& m) {
  return 4 + m.payload.size() + 4 + 4 + 8 + 8 + 8 + 8 + 4 + 4 + 8;
}

Message decodeMessage(Reader& r) {
  Message m;
  const auto payload = r.bytes();
  m.payload.assign(payload.begin(), payload.end());
  m.size = r.i32();
  m.connection = r.u32();
  m.identity = r.u64();
  m.receiver_user_data = r.i64();
  m.time_received = r.i64();
  m.message_number = r.i64();
  m.channel = r.i32();
  m.flags = r.i32();
  m.sender_user_data = r.i64();
  return m;
}

void encode(Writer& w, const ConnectionInfo& v) {
  w.u64(v.identity);
  w.i64(v.user_data);
  w.u32(v.listen_socket);
  w.string(v.remote_address);
  w.u32(v.remote_pop);
  w.u32(v.pop_relay);
  w.i32(static_cast<std::int32_t>(v.connection_state));
  w.i32(v.end_reason);
  w.string(v.end_debug);
  w.string(v.debug_description);
  w.i32(v.info_flags);
}

ConnectionInfo decodeConnectionInfo(Reader& r) {
  ConnectionInfo v;
  v.identity = r.u64();
  v.user_data = r.i64();
  v.listen_socket = r.u32();
  v.remote_address = r.string();
  v.remote_pop = r.u32();
  v.pop_relay = r.u32();
  v.connection_state = static_cast<ConnectionState>(r.i32());
  v.end_reason = r.i32();
  v.end_debug = r.string();
  v.debug_description = r.string();
  v.info_flags = r.i32();
  return v;
}

void encode(Writer& w, const RealTimeStatus& v) {
  w.i32(static_cast<std::int32_t>(v.state));
  w.i32(v.ping);
  w.f64(v.local_quality);
  w.f64(v.remote_quality);
  w.f64(v.packets_out_per_second);
  w.f64(v.bytes_out_per_second);
  w.f64(v.packets_in_per_second);
  w.f64(v.bytes_in_per_second);
  w.i32(v.send_rate);
  w.i32(v.pending_unreliable);
  w.i32(v.pending_reliable);
  w.i32(v.sent_unacknowledged_reliable);
  w.i64(v.queue_time);
}

RealTimeStatus decodeRealTimeStatus(Reader& r) {
  RealTimeStatus v;
  v.state = static_cast<ConnectionState>(r.i32());
  v.ping = r.i32();
  v.local_quality = static_cast<float>(r.f64());
  v.remote_quality = static_cast<float>(r.f64());
  v.packets_out_per_second = static_cast<float>(r.f64());
  v.bytes_out_per_second = static_cast<float>(r.f64());
  v.packets_in_per_second = static_cast<float>(r.f64());
  v.bytes_in_per_second = static_cast<float>(r.f64());
  v.send_rate = r.i32();
  v.pending_unreliable = r.i32();
  v.pending_reliable = r.i32();
  v.sent_unacknowledged_reliable = r.i32();
  v.queue_time = r.i64();
  return v;
}

void encode(Writer& w, const SessionConnectionInfo& v) {
  w.i32(static_cast<std::int32_t>(v.connection_state));
  w.boolean(v.connection.has_value());
  if (v.connection) encode(w, *v.connection);
  w.boolean(v.status.has_value());
  if (v.status) encode(w, *v.status);
}

SessionConnectionInfo decodeSessionConnectionInfo(Reader& r) {
  SessionConnectionInfo v;
  v.connection_state = static_cast<ConnectionState>(r.i32());
  if (r.boolean()) v.connection = decodeConnectionInfo(r);
  if (r.boolean()) v.status = decodeRealTimeStatus(r);
  return v;
}

void encode(Writer& w, const Signal& s) {
  w.u8(static_cast<std::uint8_t>(s.kind));
  if (s.kind == Signal::Kind::SessionRequest) {
    w.u64(s.remote_steam_id);
    return;
  }
  w.i32(s.failed.reason);
  w.u64(s.failed.remote_steam_id);
  w.i32(static_cast<std::int32_t>(s.failed.connection_state));
  w.string(s.failed.debug_message);
}

Signal decodeSignal(Reader& r) {
  Signal s;
  const std::uint8_t kind = r.u8();
  if (kind == 1) {
    s.kind = Signal::Kind::SessionRequest;
    s.remote_steam_id = r.u64();
  } else if (kind == 2) {
    s.kind = Signal::Kind::SessionFailed;
    s.failed.reason = r.i32();
    s.failed.remote_steam_id = r.u64();
    s.failed.connection_state = static_cast<ConnectionState>(r.i32());
    s.failed.debug_message = r.string();
    s.remote_steam_id = s.failed.remote_steam_id;
  } else {
    throw DecodeError("signal kind " + std::to_string(kind) + ", expected 1 or 2");
  }
  return s;
}

void encode(Writer& w, const LinkFields& v) {
  w.boolean(v.down);
  w.f64(v.rate_limit_bytes_per_s);
  w.f64(v.rate_limit_burst_bytes);
  w.f64(v.loss_pct);
  w.f64(v.burst_loss_pct);
  w.f64(v.burst_length_mean);
  w.f64(v.latency_ms);
  w.f64(v.jitter_ms);
  w.boolean(v.jitter_reorders);
  w.f64(v.reorder_pct);
  w.f64(v.reorder_ms);
  w.f64(v.duplicate_pct);
  w.f64(v.duplicate_ms);
  w.f64(v.corrupt_pct);
}

LinkFields decodeLinkFields(Reader& r) {
  LinkFields v;
  v.down = r.boolean();
  v.rate_limit_bytes_per_s = r.f64();
  v.rate_limit_burst_bytes = r.f64();
  v.loss_pct = r.f64();
  v.burst_loss_pct = r.f64();
  v.burst_length_mean = r.f64();
  v.latency_ms = r.f64();
  v.jitter_ms = r.f64();
  v.jitter_reorders = r.boolean();
  v.reorder_pct = r.f64();
  v.reorder_ms = r.f64();
  v.duplicate_pct = r.f64();
  v.duplicate_ms = r.f64();
  v.corrupt_pct = r.f64();
  return v;
}

void encode(Writer& w, const PeerEntry& v) {
  w.u64(v.steam_id);
  w.boolean(v.attached);
  w.boolean(v.crashed);
  w.string(v.socket_address);
}

PeerEntry decodePeerEntry(Reader& r) {
  PeerEntry v;
  v.steam_id = r.u64();
  v.attached = r.boolean();
  v.crashed = r.boolean();
  v.socket_address = r.string();
  return v;
}

void encodeGroups(Writer& w, const std::vector<std::vector<SteamId>>& groups) {
  w.u32(static_cast<std::uint32_t>(groups.size()));
  for (const auto& group : groups) {
    w.u32(static_cast<std::uint32_t>(group.size()));
    for (SteamId id : group) w.u64(id);
  }
}

std::vector<std::vector<SteamId>> decodeGroups(Reader& r) {
  std::vector<std::vector<SteamId>> groups(r.count(4));
  for (auto& group : groups) {
    group.resize(r.count(8));
    for (SteamId& id : group) id = r.u64();
  }
  return groups;
}

}  // namespace steamsim::remote::protocol
