// SPDX-License-Identifier: MIT
// Fuzz target: any bytes as a client's byte stream to the attach-protocol server. The input
// is cut into frames as the server cuts a TCP stream (length-prefixed, length checked
// first) and each frame goes through the server's Dispatcher, which talks to a real (virtual
// clock) Network; every body is also run through each decoder of the codec. Nothing may
// crash, throw, read out of range or grow without bound; every answer must be one
// well-formed frame; after a fatal error frame nothing more is handled.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "dispatcher.hpp"
#include "steamsim/remote/protocol.hpp"

namespace {

namespace protocol = steamsim::remote::protocol;

void require(bool condition) {
  if (!condition) std::abort();
}

/// Every decoder on `body`: each may refuse it, none may crash.
void decodeAll(std::span<const std::uint8_t> body) {
  const auto attempt = [body](auto decode) {
    protocol::Reader r(body);
    try {
      decode(r);
      r.expectEnd();
    } catch (const protocol::DecodeError&) {
    }
  };
  attempt([](protocol::Reader& r) { (void)protocol::decodeHello(r); });
  attempt([](protocol::Reader& r) { (void)protocol::decodeWelcome(r); });
  attempt([](protocol::Reader& r) { (void)protocol::decodeError(r); });
  attempt([](protocol::Reader& r) { (void)protocol::decodeMessage(r); });
  attempt([](protocol::Reader& r) { (void)protocol::decodeSessionConnectionInfo(r); });
  attempt([](protocol::Reader& r) { (void)protocol::decodeSignal(r); });
  attempt([](protocol::Reader& r) { (void)protocol::decodeLinkFields(r); });
  attempt([](protocol::Reader& r) { (void)protocol::decodePeerEntry(r); });
  attempt([](protocol::Reader& r) { (void)protocol::decodeGroups(r); });
}

/// Every answer in `out` is whole frames of allowed lengths.
void checkAnswers(const std::vector<std::uint8_t>& out) {
  std::size_t pos = 0;
  while (pos < out.size()) {
    require(out.size() - pos >= 4);
    const std::uint32_t length = protocol::readLength(out.data() + pos);
    require(protocol::lengthAllowed(length));
    require(out.size() - pos >= 4 + length);
    std::span<const std::uint8_t> body;
    (void)protocol::parseFrame(std::span<const std::uint8_t>(out.data() + pos, 4 + length), body);
    pos += 4 + length;
  }
}

struct World {
  steamsim::Network network;
  steamsim::remote::ServerOptions options;
  steamsim::remote::Registry registry{network, options, {}, {}, {}, {}};
  World() {
    // A handful of Steam IDs at most: each attach opens a UDP socket.
    options.attach_policy = [](steamsim::SteamId id) {
      return id <= 4 ? std::string() : std::string("only Steam IDs 1..4 in this target");
    };
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  steamsim::remote::Dispatcher dispatcher(world.registry);
  steamsim::remote::ClientState client;
  std::vector<std::uint8_t> out;
  std::size_t pos = 0;
  int frames = 0;
  while (size - pos >= protocol::kLengthSize && frames < 256) {
    const std::uint32_t length = protocol::readLength(data + pos);
    if (!protocol::lengthAllowed(length) || size - pos - protocol::kLengthSize < length) break;
    std::span<const std::uint8_t> body;
    const auto header = protocol::parseFrame(
        std::span<const std::uint8_t>(data + pos, protocol::kLengthSize + length), body);
    pos += protocol::kLengthSize + length;
    ++frames;
    decodeAll(body);
    out.clear();
    const auto outcome = dispatcher.handle(client, header, body, out);
    require(!out.empty());  // one answer per frame, always
    checkAnswers(out);
    if (outcome == steamsim::remote::Outcome::Close) break;
  }
  dispatcher.disconnected(client);
  return 0;
}
