// RemotePeer: the NetworkingMessages API of one Steam ID of a served network.

#include "connection.hpp"

namespace steamsim {

using remote::protocol::FrameType;
using remote::protocol::Reader;
using remote::protocol::Writer;
namespace protocol = remote::protocol;

RemotePeer::RemotePeer(const RemoteOptions& options, SteamId steam_id)
    : connection_(std::make_unique<remote::Connection>(options, protocol::kRolePeer, steam_id)),
      steam_id_(steam_id) {}

RemotePeer::~RemotePeer() = default;

bool RemotePeer::connected() const {
  return connection_->alive();
}

std::string RemotePeer::lastError() const {
  return connection_->lastError();
}

namespace {
/// Runs one call; a lost connection or a refused request gives `fallback` (what
/// GodotSteam answers without Steam).
template <typename F, typename T>
T orFallback(F&& call, T fallback) {
  try {
    return call();
  } catch (const RemoteError&) {
    return fallback;
  }
}
}  // namespace

bool RemotePeer::acceptSessionWithUser(SteamId remote_steam_id) {
  return orFallback(
      [&] {
        return connection_->call(
            FrameType::AcceptSessionWithUser, [&](Writer& w) { w.u64(remote_steam_id); },
            [](Reader& r) { return r.boolean(); });
      },
      false);
}

bool RemotePeer::closeChannelWithUser(SteamId remote_steam_id, int channel) {
  return orFallback(
      [&] {
        return connection_->call(
            FrameType::CloseChannelWithUser,
            [&](Writer& w) {
              w.u64(remote_steam_id);
              w.i32(channel);
            },
            [](Reader& r) { return r.boolean(); });
      },
      false);
}

bool RemotePeer::closeSessionWithUser(SteamId remote_steam_id) {
  return orFallback(
      [&] {
        return connection_->call(
            FrameType::CloseSessionWithUser, [&](Writer& w) { w.u64(remote_steam_id); },
            [](Reader& r) { return r.boolean(); });
      },
      false);
}

SessionConnectionInfo RemotePeer::getSessionConnectionInfo(SteamId remote_steam_id,
                                                           bool get_connection, bool get_status) {
  return orFallback(
      [&] {
        return connection_->call(
            FrameType::GetSessionConnectionInfo,
            [&](Writer& w) {
              w.u64(remote_steam_id);
              w.boolean(get_connection);
              w.boolean(get_status);
            },
            [](Reader& r) { return protocol::decodeSessionConnectionInfo(r); });
      },
      SessionConnectionInfo{});
}

std::vector<Message> RemotePeer::receiveMessagesOnChannel(int channel, int max_messages) {
  if (max_messages <= 0) return {};
  return orFallback(
      [&] {
        return connection_->call(
            FrameType::ReceiveMessagesOnChannel,
            [&](Writer& w) {
              w.i32(channel);
              w.i32(max_messages);
            },
            [](Reader& r) {
              std::vector<Message> out(r.count(60));  // a message takes at least 60 bytes
              for (Message& m : out) m = protocol::decodeMessage(r);
              return out;
            });
      },
      std::vector<Message>{});
}

Result RemotePeer::sendMessageToUser(SteamId remote_steam_id, std::span<const std::uint8_t> data,
                                     int flags, int channel) {
  // A payload that cannot fit one frame is over Steam's limit anyway: answer as Steam does
  // without a round trip.
  if (data.size() > static_cast<std::size_t>(kMaxMessageSizeSend)) return Result::InvalidParam;
  return orFallback(
      [&] {
        return connection_->call(
            FrameType::SendMessageToUser,
            [&](Writer& w) {
              w.u64(remote_steam_id);
              w.i32(flags);
              w.i32(channel);
              w.bytes(data);
            },
            [](Reader& r) { return static_cast<Result>(r.i32()); });
      },
      Result::None);
}

Result RemotePeer::sendMessageToUser(SteamId remote_steam_id, std::string_view text, int flags,
                                     int channel) {
  return sendMessageToUser(remote_steam_id,
                           std::span<const std::uint8_t>(
                               reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                           flags, channel);
}

std::vector<Result> RemotePeer::sendMessagesToUser(
    std::span<const remote::OutgoingMessage> messages) {
  std::vector<Result> results;
  results.reserve(messages.size());
  constexpr std::size_t kBudget = protocol::kMaxFrameLength - 64;
  std::size_t i = 0;
  while (i < messages.size()) {
    // Oversized payloads are refused locally, as in sendMessageToUser.
    if (messages[i].data.size() > static_cast<std::size_t>(kMaxMessageSizeSend)) {
      results.push_back(Result::InvalidParam);
      ++i;
      continue;
    }
    std::size_t end = i;
    std::size_t bytes = 4;
    while (end < messages.size() &&
           messages[end].data.size() <= static_cast<std::size_t>(kMaxMessageSizeSend) &&
           bytes + 20 + messages[end].data.size() <= kBudget) {
      bytes += 20 + messages[end].data.size();
      ++end;
    }
    const auto chunk = messages.subspan(i, end - i);
    std::vector<Result> got = orFallback(
        [&] {
          return connection_->call(
              FrameType::SendMessagesToUser,
              [&](Writer& w) {
                w.u32(static_cast<std::uint32_t>(chunk.size()));
                for (const auto& m : chunk) {
                  w.u64(m.remote_steam_id);
                  w.i32(m.flags);
                  w.i32(m.channel);
                  w.bytes(m.data);
                }
              },
              [&](Reader& r) {
                const std::uint32_t n = r.count(4);
                if (n != chunk.size()) {
                  throw protocol::DecodeError("batch of " + std::to_string(chunk.size()) +
                                              " sends answered with " + std::to_string(n) +
                                              " results");
                }
                std::vector<Result> out(n);
                for (Result& result : out) result = static_cast<Result>(r.i32());
                return out;
              });
        },
        std::vector<Result>(chunk.size(), Result::None));
    results.insert(results.end(), got.begin(), got.end());
    i = end;
  }
  return results;
}

void RemotePeer::runCallbacks() {
  std::lock_guard<std::recursive_mutex> lock(callbacks_mutex_);
  const std::vector<protocol::Signal> signals = orFallback(
      [&] {
        return connection_->call(
            FrameType::RunCallbacks, [](Writer&) {},
            [](Reader& r) {
              std::vector<protocol::Signal> out(r.count(9));
              for (auto& s : out) s = protocol::decodeSignal(r);
              return out;
            });
      },
      std::vector<protocol::Signal>{});
  // No connection lock is held here: handlers may call any API function.
  for (const protocol::Signal& s : signals) {
    if (s.kind == protocol::Signal::Kind::SessionRequest) {
      emitSessionRequestSignal(s.remote_steam_id);
    } else {
      emitSessionFailedSignal(s.failed);
    }
  }
}

}  // namespace steamsim
