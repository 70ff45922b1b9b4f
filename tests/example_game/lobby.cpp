#include "lobby.hpp"

#include <bit>

namespace example_game {
namespace {

using steamsim::NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION;
using steamsim::NETWORKING_SEND_RELIABLE;
using steamsim::NETWORKING_SEND_UNRELIABLE;
using Bytes = std::vector<std::uint8_t>;

constexpr std::size_t kAuthorSize = 8;
constexpr std::size_t kPositionSize = 12;

void putLe(Bytes& out, std::uint64_t value, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

std::uint64_t getLe(std::span<const std::uint8_t> in, std::size_t size) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i) value |= std::uint64_t{in[i]} << (8 * i);
  return value;
}

float getFloat(std::span<const std::uint8_t> in) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(getLe(in, 4)));
}

Bytes bytesOf(std::string_view text) {
  return {text.begin(), text.end()};
}

}  // namespace

std::vector<std::uint8_t> relayed(SteamId author, std::span<const std::uint8_t> body) {
  Bytes out;
  putLe(out, author, kAuthorSize);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

std::vector<std::uint8_t> relayed(SteamId author, std::string_view text) {
  return relayed(author, bytesOf(text));
}

std::vector<std::uint8_t> positionBody(std::uint32_t sequence, Position position) {
  Bytes out;
  putLe(out, sequence, 4);
  putLe(out, std::bit_cast<std::uint32_t>(position.x), 4);
  putLe(out, std::bit_cast<std::uint32_t>(position.y), 4);
  return out;
}

Lobby::Lobby(steamsim::NetworkingMessages& net, SteamId self, SteamId host)
    : net_(net), self_(self), host_(host) {
  on_request_ = net_.onSessionRequest([this](SteamId remote) { onSessionRequest(remote); });
  on_failed_ =
      net_.onSessionFailed([this](const steamsim::SessionFailed& f) { onSessionFailed(f); });
  if (!isHost()) sayHello();
}

void Lobby::say(std::string_view text) {
  const Bytes body = bytesOf(text);
  if (isHost()) {
    relay(self_, body, NETWORKING_SEND_RELIABLE, kChatChannel);
  } else {
    net_.sendMessageToUser(host_, body, NETWORKING_SEND_RELIABLE, kChatChannel);
  }
}

void Lobby::moveTo(Position position) {
  const Bytes body = positionBody(next_sequence_++, position);
  if (isHost()) {
    relay(self_, body, NETWORKING_SEND_UNRELIABLE, kPositionChannel);
  } else {
    net_.sendMessageToUser(host_, body, NETWORKING_SEND_UNRELIABLE, kPositionChannel);
  }
}

void Lobby::poll() {
  net_.runCallbacks();
  for (int channel : {kChatChannel, kPositionChannel, kJoinChannel}) {
    std::vector<steamsim::Message> batch;
    do {
      batch = net_.receiveMessagesOnChannel(channel, kReceiveBatch);
      for (const steamsim::Message& message : batch) handle(message);
    } while (batch.size() == static_cast<std::size_t>(kReceiveBatch));
  }
}

std::optional<Position> Lobby::positionOf(SteamId player) const {
  const auto it = positions_.find(player);
  if (it == positions_.end()) return std::nullopt;
  return it->second.position;
}

void Lobby::onSessionRequest(SteamId remote) {
  // The host lets everyone in; a player talks to its host only.
  if (isHost()) {
    if (net_.acceptSessionWithUser(remote)) players_.insert(remote);
  } else if (remote == host_) {
    net_.acceptSessionWithUser(remote);
  }
}

void Lobby::onSessionFailed(const steamsim::SessionFailed& failed) {
  if (isHost()) {
    players_.erase(failed.remote_steam_id);  // it comes back with a new session request
    positions_.erase(failed.remote_steam_id);
  } else if (failed.remote_steam_id == host_) {
    ++reconnects_;
    sayHello();
  }
}

void Lobby::sayHello() {
  // AutoRestartBrokenSession: wipe a recorded failure and connect again (else ConnectFailed).
  net_.sendMessageToUser(host_, bytesOf("hello"),
                         NETWORKING_SEND_RELIABLE | NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION,
                         kJoinChannel);
}

void Lobby::handle(const steamsim::Message& message) {
  SteamId author = message.identity;
  std::span<const std::uint8_t> body = message.payload;
  if (!isHost()) {
    if (message.identity != host_ || body.size() < kAuthorSize) return;
    author = getLe(body, kAuthorSize);
    body = body.subspan(kAuthorSize);
  }
  if (message.channel == kChatChannel) {
    handleChat(author, body);
  } else if (message.channel == kPositionChannel) {
    handlePosition(author, body);
  }
}

void Lobby::handleChat(SteamId author, std::span<const std::uint8_t> body) {
  chat_.push_back({author, std::string(body.begin(), body.end())});
  if (isHost()) relay(author, body, NETWORKING_SEND_RELIABLE, kChatChannel);
}

void Lobby::handlePosition(SteamId author, std::span<const std::uint8_t> body) {
  if (body.size() != kPositionSize) return;
  const auto sequence = static_cast<std::uint32_t>(getLe(body, 4));
  Seen& seen = positions_[author];
  if (sequence <= seen.sequence) return;  // late or duplicate: keep the newer one
  seen = {sequence, {getFloat(body.subspan(4)), getFloat(body.subspan(8))}};
  if (isHost()) relay(author, body, NETWORKING_SEND_UNRELIABLE, kPositionChannel);
}

void Lobby::relay(SteamId author, std::span<const std::uint8_t> body, int flags, int channel) {
  const Bytes payload = relayed(author, body);
  for (SteamId player : players_) {
    if (player != author) net_.sendMessageToUser(player, payload, flags, channel);
  }
}

}  // namespace example_game
