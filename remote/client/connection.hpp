#pragma once
// One TCP connection to a `steamsim serve` server: the handshake, then request/response
// round trips under a lock (thread-safe), with every wait bounded by the options' timeout.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "steamsim/remote.hpp"
#include "steamsim/remote/protocol.hpp"

namespace steamsim::remote {

class Connection {
 public:
  /// Connects and performs the handshake. Throws RemoteError.
  Connection(const RemoteOptions& options, std::uint8_t role, SteamId steam_id);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// One round trip: `encode(Writer&)` writes the request body, `decode(Reader&)` reads the
  /// response body (the lock is held during both). Throws RemoteError for an error frame or
  /// a transport failure (then the connection is closed for good).
  template <typename Encode, typename Decode>
  auto call(protocol::FrameType type, Encode&& encode, Decode&& decode) {
    std::lock_guard lock(mutex_);
    out_.clear();
    protocol::Writer w(out_);
    w.beginFrame(static_cast<std::uint16_t>(type), ++next_request_id_);
    encode(w);
    w.endFrame();
    const std::span<const std::uint8_t> body = roundTrip(type);
    protocol::Reader r(body);
    try {
      if constexpr (std::is_void_v<decltype(decode(r))>) {
        decode(r);
        r.expectEnd();
      } else {
        auto result = decode(r);
        r.expectEnd();
        return result;
      }
    } catch (const protocol::DecodeError& e) {
      fail("malformed response from the server: " + std::string(e.what()));
      throw RemoteError(static_cast<std::uint32_t>(protocol::ErrorCode::Malformed), error_);
    }
  }

  bool alive() const;
  std::string lastError() const;
  const protocol::Welcome& welcome() const { return welcome_; }

 private:
  /// Sends `out_`, reads the response to it. \return its body (valid until the next call).
  std::span<const std::uint8_t> roundTrip(protocol::FrameType type);
  void writeAll(std::span<const std::uint8_t> data);
  void readExactly(std::uint8_t* data, std::size_t size);
  /// Reads one frame into `in_`. \return its header; `body` points into `in_`.
  protocol::FrameHeader readFrame(std::span<const std::uint8_t>& body);
  /// Marks the connection broken (closes the socket) and records why.
  void fail(const std::string& why);
  [[noreturn]] void failAndThrow(const std::string& why);
  std::chrono::steady_clock::time_point deadline() const;

  mutable std::mutex mutex_;
  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::uint32_t next_request_id_ = 0;
  std::vector<std::uint8_t> out_;
  std::vector<std::uint8_t> in_;
  protocol::Welcome welcome_;
  std::string error_;
};

}  // namespace steamsim::remote
