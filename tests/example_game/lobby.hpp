#pragma once
/// \file
/// Example game netcode, written only against the steamsim::api seam: a lobby where the
/// host accepts players, relays their chat (reliable, channel 0) and positions (unreliable,
/// channel 1) to everyone else, and players reconnect after a session failure.
///
/// Wire format: a player sends the host bare bodies; the host prefixes what it relays with
/// the author's Steam ID (8 bytes, little-endian). A chat body is UTF-8 text; a position
/// body is a sequence number (uint32) then x and y (float32), little-endian.

#include <steamsim/networking_messages.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace example_game {

using steamsim::SteamId;

inline constexpr int kChatChannel = 0;      ///< reliable chat lines
inline constexpr int kPositionChannel = 1;  ///< unreliable position updates
inline constexpr int kJoinChannel = 2;      ///< a player's hello, which opens the session
/// Messages read per receive call; `poll` reads again while a call returns this many.
inline constexpr int kReceiveBatch = 32;

struct ChatLine {
  SteamId author = 0;
  std::string text;
  friend bool operator==(const ChatLine&, const ChatLine&) = default;
};

struct Position {
  float x = 0.0F;
  float y = 0.0F;
  friend bool operator==(const Position&, const Position&) = default;
};

/// What the host sends players: `author`, then the body the author sent.
std::vector<std::uint8_t> relayed(SteamId author, std::span<const std::uint8_t> body);
std::vector<std::uint8_t> relayed(SteamId author, std::string_view text);
/// A position update body.
std::vector<std::uint8_t> positionBody(std::uint32_t sequence, Position position);

class Lobby {
 public:
  /// Joins the lobby of `host` as `self`, or hosts it when `self == host`. Connects signal
  /// handlers to `net` for the lobby's lifetime (they are disconnected when it is
  /// destroyed); a player says hello to the host at once.
  Lobby(steamsim::NetworkingMessages& net, SteamId self, SteamId host);
  Lobby(const Lobby&) = delete;
  Lobby& operator=(const Lobby&) = delete;

  bool isHost() const { return self_ == host_; }

  /// Sends a chat line, reliably: a player to the host, the host to every player.
  void say(std::string_view text);
  /// Sends our position, unreliably; receivers keep only the newest.
  void moveTo(Position position);
  /// Delivers queued signals (Steam.run_callbacks()) and drains every channel. Call once a
  /// frame.
  void poll();

  /// Chat lines received, oldest first (our own lines are not echoed).
  const std::vector<ChatLine>& chat() const { return chat_; }
  /// Newest known position of `player`.
  std::optional<Position> positionOf(SteamId player) const;
  /// Host: the players whose session it accepted and that have not failed since.
  const std::set<SteamId>& players() const { return players_; }
  /// Player: how many times it reconnected after a session failure.
  int reconnects() const { return reconnects_; }

 private:
  struct Seen {
    std::uint32_t sequence = 0;
    Position position;
  };

  void onSessionRequest(SteamId remote);
  void onSessionFailed(const steamsim::SessionFailed& failed);
  void sayHello();
  void handle(const steamsim::Message& message);
  void handleChat(SteamId author, std::span<const std::uint8_t> body);
  void handlePosition(SteamId author, std::span<const std::uint8_t> body);
  /// Host: sends `body` from `author` to every player but the author.
  void relay(SteamId author, std::span<const std::uint8_t> body, int flags, int channel);

  steamsim::NetworkingMessages& net_;
  SteamId self_;
  SteamId host_;
  std::set<SteamId> players_;
  std::vector<ChatLine> chat_;
  std::map<SteamId, Seen> positions_;
  std::uint32_t next_sequence_ = 1;
  int reconnects_ = 0;
  steamsim::ScopedSignalConnection on_request_;
  steamsim::ScopedSignalConnection on_failed_;
};

}  // namespace example_game
