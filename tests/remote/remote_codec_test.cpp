// The attach protocol's codec: every structure survives a round trip field for field, and
// every malformed body is refused with a DecodeError, never read past its end.

#include <gtest/gtest.h>

#include <limits>

#include <steamsim/remote/protocol.hpp>

namespace steamsim::remote::protocol {
namespace {

template <typename T, typename Decode>
T roundTrip(const T& value, Decode decode) {
  std::vector<std::uint8_t> buffer;
  Writer w(buffer);
  encode(w, value);
  Reader r(buffer);
  T out = decode(r);
  r.expectEnd();
  return out;
}

TEST(RemoteCodec, MessageRoundTripKeepsEveryField) {
  Message m;
  m.payload = {1, 2, 3, 250};
  m.size = 4;
  m.connection = 7;
  m.identity = 0xFEDCBA9876543210ULL;
  m.receiver_user_data = -5;
  m.time_received = 123456789012345;
  m.message_number = 42;
  m.channel = -3;
  m.flags = 8;
  m.sender_user_data = std::numeric_limits<std::int64_t>::min();
  const Message out = roundTrip(m, decodeMessage);
  EXPECT_EQ(out.payload, m.payload);
  EXPECT_EQ(out.size, m.size);
  EXPECT_EQ(out.connection, m.connection);
  EXPECT_EQ(out.identity, m.identity);
  EXPECT_EQ(out.receiver_user_data, m.receiver_user_data);
  EXPECT_EQ(out.time_received, m.time_received);
  EXPECT_EQ(out.message_number, m.message_number);
  EXPECT_EQ(out.channel, m.channel);
  EXPECT_EQ(out.flags, m.flags);
  EXPECT_EQ(out.sender_user_data, m.sender_user_data);
  std::vector<std::uint8_t> buffer;
  Writer w(buffer);
  encode(w, m);
  EXPECT_EQ(buffer.size(), encodedSize(m));
}

TEST(RemoteCodec, SessionConnectionInfoRoundTripKeepsEveryField) {
  SessionConnectionInfo v;
  v.connection_state = ConnectionState::ClosedByPeer;
  ConnectionInfo c;
  c.identity = 76561198000000002ULL;
  c.user_data = -1;
  c.listen_socket = 3;
  c.remote_address = "127.0.0.1";
  c.remote_pop = 4;
  c.pop_relay = 5;
  c.connection_state = ConnectionState::ClosedByPeer;
  c.end_reason = 1001;
  c.end_debug = "CloseSessionWithUser";
  c.debug_description = "#12 P2P steamid:76561198000000002 msg vport 0";
  c.info_flags = 8;
  v.connection = c;
  RealTimeStatus s;
  s.state = ConnectionState::Connected;
  s.ping = 17;
  s.local_quality = 0.75F;
  s.remote_quality = -1.0F;
  s.packets_out_per_second = 12.5F;
  s.bytes_out_per_second = 1000.25F;
  s.packets_in_per_second = 3.0F;
  s.bytes_in_per_second = 4.5F;
  s.send_rate = 262144;
  s.pending_unreliable = 6;
  s.pending_reliable = 7;
  s.sent_unacknowledged_reliable = 8;
  s.queue_time = std::numeric_limits<std::int64_t>::max();
  v.status = s;
  const auto out = roundTrip(v, decodeSessionConnectionInfo);
  EXPECT_EQ(out.connection_state, v.connection_state);
  ASSERT_TRUE(out.connection);
  EXPECT_EQ(out.connection->identity, c.identity);
  EXPECT_EQ(out.connection->user_data, c.user_data);
  EXPECT_EQ(out.connection->listen_socket, c.listen_socket);
  EXPECT_EQ(out.connection->remote_address, c.remote_address);
  EXPECT_EQ(out.connection->remote_pop, c.remote_pop);
  EXPECT_EQ(out.connection->pop_relay, c.pop_relay);
  EXPECT_EQ(out.connection->connection_state, c.connection_state);
  EXPECT_EQ(out.connection->end_reason, c.end_reason);
  EXPECT_EQ(out.connection->end_debug, c.end_debug);
  EXPECT_EQ(out.connection->debug_description, c.debug_description);
  EXPECT_EQ(out.connection->info_flags, c.info_flags);
  ASSERT_TRUE(out.status);
  EXPECT_EQ(out.status->state, s.state);
  EXPECT_EQ(out.status->ping, s.ping);
  EXPECT_EQ(out.status->local_quality, s.local_quality);
  EXPECT_EQ(out.status->remote_quality, s.remote_quality);
  EXPECT_EQ(out.status->packets_out_per_second, s.packets_out_per_second);
  EXPECT_EQ(out.status->bytes_out_per_second, s.bytes_out_per_second);
  EXPECT_EQ(out.status->packets_in_per_second, s.packets_in_per_second);
  EXPECT_EQ(out.status->bytes_in_per_second, s.bytes_in_per_second);
  EXPECT_EQ(out.status->send_rate, s.send_rate);
  EXPECT_EQ(out.status->pending_unreliable, s.pending_unreliable);
  EXPECT_EQ(out.status->pending_reliable, s.pending_reliable);
  EXPECT_EQ(out.status->sent_unacknowledged_reliable, s.sent_unacknowledged_reliable);
  EXPECT_EQ(out.status->queue_time, s.queue_time);

  const auto bare = roundTrip(SessionConnectionInfo{}, decodeSessionConnectionInfo);
  EXPECT_FALSE(bare.connection);
  EXPECT_FALSE(bare.status);
}

TEST(RemoteCodec, SignalsHandshakeErrorsLinksAndGroupsRoundTrip) {
  Signal failed;
  failed.kind = Signal::Kind::SessionFailed;
  failed.failed = {5003, 42, ConnectionState::ProblemDetectedLocally, "Connection dropped"};
  const Signal out = roundTrip(failed, decodeSignal);
  EXPECT_EQ(out.kind, Signal::Kind::SessionFailed);
  EXPECT_EQ(out.failed.reason, 5003);
  EXPECT_EQ(out.failed.remote_steam_id, 42U);
  EXPECT_EQ(out.remote_steam_id, 42U);
  EXPECT_EQ(out.failed.connection_state, ConnectionState::ProblemDetectedLocally);
  EXPECT_EQ(out.failed.debug_message, "Connection dropped");

  Hello h;
  h.role = kRolePeer | kRoleControl;
  h.steam_id = 0x8000000000000001ULL;  // above 2^63: negative in GDScript, same bits
  h.token = "tok";
  const Hello ho = roundTrip(h, decodeHello);
  EXPECT_EQ(ho.steam_id, h.steam_id);
  EXPECT_EQ(ho.role, 3);
  EXPECT_EQ(ho.token, "tok");

  Welcome wv;
  wv.role = 1;
  wv.steam_id = 9;
  wv.now_us = -4;
  wv.server = "steamsim 0.1.0";
  const Welcome wo = roundTrip(wv, decodeWelcome);
  EXPECT_EQ(wo.now_us, -4);
  EXPECT_EQ(wo.max_frame_length, kMaxFrameLength);
  EXPECT_EQ(wo.server, wv.server);

  const ErrorFrame eo = roundTrip(ErrorFrame{5, true, "wrong token"}, decodeError);
  EXPECT_EQ(eo.code, 5U);
  EXPECT_TRUE(eo.fatal);
  EXPECT_EQ(eo.text, "wrong token");
  EXPECT_EQ(errorName(5), "BadToken");
  EXPECT_EQ(errorName(999), "Error");

  LinkFields l;
  l.down = true;
  l.loss_pct = 1.5;
  l.burst_length_mean = 3;
  l.jitter_reorders = true;
  l.corrupt_pct = 0.25;
  EXPECT_EQ(roundTrip(l, decodeLinkFields), l);

  std::vector<std::uint8_t> buffer;
  Writer w(buffer);
  encodeGroups(w, {{1, 2}, {3}});
  Reader r(buffer);
  EXPECT_EQ(decodeGroups(r), (std::vector<std::vector<SteamId>>{{1, 2}, {3}}));
}

TEST(RemoteCodec, FramesCarryTheirLengthTypeAndRequestId) {
  std::vector<std::uint8_t> buffer;
  Writer w(buffer);
  w.beginFrame(0x0101, 0xA1B2C3D4);
  w.u32(7);
  EXPECT_EQ(w.endFrame(), 14U);
  EXPECT_EQ(buffer[0], 10);  // length counts type + id + body
  EXPECT_EQ(buffer[4], 0x01);
  EXPECT_EQ(buffer[5], 0x01);
  EXPECT_EQ(buffer[6], 0xD4);
  std::span<const std::uint8_t> body;
  const FrameHeader h = parseFrame(buffer, body);
  EXPECT_EQ(h.type, 0x0101);
  EXPECT_EQ(h.request_id, 0xA1B2C3D4U);
  EXPECT_EQ(body.size(), 4U);
  buffer.push_back(0);
  EXPECT_THROW(parseFrame(buffer, body), DecodeError) << "a byte more than the length says";
  EXPECT_FALSE(lengthAllowed(5));
  EXPECT_TRUE(lengthAllowed(kMaxFrameLength));
  EXPECT_FALSE(lengthAllowed(kMaxFrameLength + 1));
  EXPECT_EQ(responseType(FrameType::RunCallbacks), 0x8107);
}

TEST(RemoteCodec, MalformedBodiesAreRefused) {
  // Truncated at every position.
  Message m;
  m.payload = {1, 2, 3};
  std::vector<std::uint8_t> buffer;
  Writer w(buffer);
  encode(w, m);
  for (std::size_t n = 0; n < buffer.size(); ++n) {
    Reader r(std::span<const std::uint8_t>(buffer.data(), n));
    EXPECT_THROW(decodeMessage(r), DecodeError) << n;
  }
  // A bool that is neither 0 nor 1.
  const std::vector<std::uint8_t> two = {2};
  Reader rb(two);
  EXPECT_THROW(rb.boolean(), DecodeError);
  // A count larger than the bytes left could hold.
  const std::vector<std::uint8_t> count = {0xFF, 0xFF, 0xFF, 0xFF, 0};
  Reader rc(count);
  EXPECT_THROW(rc.count(8), DecodeError);
  // An unknown signal kind.
  const std::vector<std::uint8_t> kind = {9, 0, 0, 0, 0, 0, 0, 0, 0};
  Reader rk(kind);
  EXPECT_THROW(decodeSignal(rk), DecodeError);
  // Bytes left over.
  const std::vector<std::uint8_t> extra = {1, 0};
  Reader re(extra);
  re.u8();
  EXPECT_THROW(re.expectEnd(), DecodeError);
}

}  // namespace
}  // namespace steamsim::remote::protocol
