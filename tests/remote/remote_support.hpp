// SPDX-License-Identifier: MIT
#pragma once
// Helpers of the remote tests: a real-time network with a server in the test, peers that
// are either in-process handles or RemotePeers attached through the server (so one test
// body checks both give the same answers), and raw protocol sockets for hostile clients.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <steamsim/remote.hpp>
#include <steamsim/remote/protocol.hpp>
#include <steamsim/remote/server.hpp>
#include <steamsim/steamsim.hpp>

namespace steamsim::remote_test {

using namespace std::chrono_literals;

inline constexpr SteamId kA = 76561198000000001ULL;
inline constexpr SteamId kB = 76561198000000002ULL;
inline constexpr SteamId kC = 76561198000000003ULL;
inline constexpr SteamId kNobody = 76561198000000099ULL;

/// Where the peers of a test live.
enum class Mode {
  InProcess,  ///< handles on the network, no server in the path
  Remote,     ///< RemotePeers attached through a Server in the test
};

inline std::string modeName(const ::testing::TestParamInfo<Mode>& info) {
  return info.param == Mode::InProcess ? "InProcess" : "Remote";
}

/// Real time, signals wait for runCallbacks, short timeouts so failures take a fraction of
/// a second.
inline NetworkConfig fastConfig() {
  NetworkConfig config;
  config.clock = ClockMode::RealTime;
  config.embed_callbacks = false;
  config.timeout_initial = 400ms;
  config.timeout_connected = 400ms;
  return config;
}

/// Records one peer's signals in delivery order.
struct SignalLog {
  std::vector<SteamId> requests;
  std::vector<SessionFailed> failures;
  std::vector<std::string> sequence;  ///< "request <id>" / "failed <id> <reason>"
  bool auto_accept = false;

  void attach(NetworkingMessages& api) {
    api.onSessionRequest([this, &api](SteamId remote) {
      requests.push_back(remote);
      sequence.push_back("request " + std::to_string(remote));
      if (auto_accept) (void)api.acceptSessionWithUser(remote);
    });
    api.onSessionFailed([this](const SessionFailed& failed) {
      failures.push_back(failed);
      sequence.push_back("failed " + std::to_string(failed.remote_steam_id) + " " +
                         std::to_string(failed.reason));
    });
  }
};

inline std::vector<std::uint8_t> bytesOf(std::string_view text) {
  return {text.begin(), text.end()};
}

/// `size` bytes carrying `seq` in the first four and a pattern after.
inline std::vector<std::uint8_t> seqPayload(std::uint32_t seq, std::size_t size) {
  std::vector<std::uint8_t> payload(std::max<std::size_t>(size, 4));
  for (std::size_t i = 0; i < 4; ++i) payload[i] = static_cast<std::uint8_t>(seq >> (8U * i));
  for (std::size_t i = 4; i < payload.size(); ++i) {
    payload[i] = static_cast<std::uint8_t>((seq * 131U + static_cast<std::uint32_t>(i)) & 0xFFU);
  }
  return payload;
}

inline std::uint32_t seqOf(const Message& m) {
  std::uint32_t seq = 0;
  for (std::size_t i = 0; i < 4 && i < m.payload.size(); ++i) {
    seq |= static_cast<std::uint32_t>(m.payload[i]) << (8U * i);
  }
  return seq;
}

inline Result send(NetworkingMessages& api, SteamId to, const std::vector<std::uint8_t>& data,
                   int flags, int channel = 0) {
  return api.sendMessageToUser(to, std::span<const std::uint8_t>(data.data(), data.size()), flags,
                               channel);
}

inline ConnectionState stateOf(NetworkingMessages& api, SteamId remote) {
  return api.getSessionConnectionInfo(remote, false, false).connection_state;
}

/// A real-time network, optionally served, and peers in the chosen mode.
class Harness {
 public:
  explicit Harness(Mode mode, NetworkConfig config = fastConfig()) : mode_(mode), net_(config) {
    if (mode_ == Mode::Remote) {
      server_ = std::make_unique<remote::Server>(net_, remote::ServerOptions{});
      server_->start();
      control_ = std::make_unique<RemoteControl>(options());
    }
  }
  ~Harness() {
    peers_.clear();
    if (server_) server_->stop();
  }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  RemoteOptions options() const {
    RemoteOptions o;
    o.address = server_ ? server_->address() : std::string();
    return o;
  }

  /// The peer `id` (created or attached on first use) with its signal log.
  NetworkingMessages& peer(SteamId id) {
    auto it = peers_.find(id);
    if (it != peers_.end()) return *it->second;
    std::shared_ptr<NetworkingMessages> api;
    if (mode_ == Mode::Remote) {
      api = std::make_shared<RemotePeer>(options(), id);
    } else {
      net_.addPeer(id);
      api = net_.handle(id);
    }
    logs_[id].attach(*api);
    peers_[id] = api;
    return *api;
  }
  SignalLog& log(SteamId id) { return logs_[id]; }

  /// Delivers every peer's queued signals.
  void pump() {
    for (auto& [id, api] : peers_) api->runCallbacks();
  }
  /// Polls `done` (pumping signals first) until it holds or `timeout` passes.
  bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = 3s) {
    return net_.runUntil(
        [&] {
          pump();
          return done();
        },
        timeout);
  }

  /// Every message on `channel` of `id` until `count` arrived (or the timeout).
  std::vector<Message> receive(SteamId id, int channel, std::size_t count,
                               std::chrono::milliseconds timeout = 3s) {
    std::vector<Message> got;
    waitUntil(
        [&] {
          for (Message& m : peer(id).receiveMessagesOnChannel(channel, 256)) {
            got.push_back(std::move(m));
          }
          return got.size() >= count;
        },
        timeout);
    return got;
  }

  /// `from` sends to `to`, which accepts; waits until both are
  /// Connected and the hello was read.
  bool connect(SteamId from, SteamId to) {
    peer(to);  // it must exist before the first handshake datagram reaches it
    log(to).auto_accept = true;
    if (send(peer(from), to, bytesOf("hello"), NETWORKING_SEND_RELIABLE, 0) != Result::OK) {
      return false;
    }
    std::size_t got = 0;
    return waitUntil([&] {
      got += peer(to).receiveMessagesOnChannel(0, 16).size();
      return got > 0 && stateOf(peer(from), to) == ConnectionState::Connected &&
             stateOf(peer(to), from) == ConnectionState::Connected;
    });
  }

  // ---- network control: through RemoteControl in Remote mode ----
  void setLink(SteamId from, SteamId to, const LinkConditions& c) {
    if (control_) {
      control_->setLink(from, to, c);
    } else {
      net_.setLink(from, to, c);
    }
  }
  void partition(const std::vector<std::vector<SteamId>>& groups) {
    if (control_) {
      control_->partition(groups);
    } else {
      net_.partition(groups);
    }
  }
  void heal() {
    if (control_) {
      control_->heal();
    } else {
      net_.heal();
    }
  }

  Network& network() { return net_; }
  remote::Server* server() { return server_.get(); }
  RemoteControl* control() { return control_.get(); }

 private:
  Mode mode_;
  Network net_;
  std::unique_ptr<remote::Server> server_;
  std::unique_ptr<RemoteControl> control_;
  std::map<SteamId, std::shared_ptr<NetworkingMessages>> peers_;
  std::map<SteamId, SignalLog> logs_;
};

/// A raw TCP client speaking (or mangling) the protocol, for hostile-client tests.
class RawClient {
 public:
  explicit RawClient(const std::string& address) {
    const auto colon = address.rfind(':');
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1))));
    ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &sa.sin_addr);
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  void sendBytes(const std::vector<std::uint8_t>& bytes) {
    (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }
  void closeNow() {
    ::close(fd_);
    fd_ = -1;
  }

  /// A whole frame of `type` with `body`.
  static std::vector<std::uint8_t> frame(std::uint16_t type, std::uint32_t id,
                                         const std::vector<std::uint8_t>& body) {
    std::vector<std::uint8_t> out;
    remote::protocol::Writer w(out);
    w.beginFrame(type, id);
    w.raw(body);
    w.endFrame();
    return out;
  }
  static std::vector<std::uint8_t> hello(SteamId id, const std::string& token = {},
                                         std::uint16_t version = remote::protocol::kVersion,
                                         std::uint8_t role = remote::protocol::kRolePeer) {
    std::vector<std::uint8_t> body;
    remote::protocol::Writer w(body);
    remote::protocol::Hello h;
    h.steam_id = id;
    h.token = token;
    h.version = version;
    h.role = role;
    encode(w, h);
    return frame(static_cast<std::uint16_t>(remote::protocol::FrameType::Hello), 1, body);
  }

  /// Reads one frame within `timeout`. \return its header and body, or nothing if the
  /// connection closed or nothing came.
  std::optional<std::pair<remote::protocol::FrameHeader, std::vector<std::uint8_t>>> readFrame(
      std::chrono::milliseconds timeout = 3s) {
    std::uint8_t len[4];
    if (!readExactly(len, 4, timeout)) return std::nullopt;
    const std::uint32_t length = remote::protocol::readLength(len);
    if (!remote::protocol::lengthAllowed(length)) return std::nullopt;
    std::vector<std::uint8_t> frame(4 + length);
    std::memcpy(frame.data(), len, 4);
    if (!readExactly(frame.data() + 4, length, timeout)) return std::nullopt;
    std::span<const std::uint8_t> body;
    const auto header = remote::protocol::parseFrame(frame, body);
    return std::make_pair(header, std::vector<std::uint8_t>(body.begin(), body.end()));
  }

  /// Reads one frame and decodes it as an error frame.
  std::optional<remote::protocol::ErrorFrame> readError(std::chrono::milliseconds timeout = 3s) {
    auto f = readFrame(timeout);
    if (!f || f->first.type != static_cast<std::uint16_t>(remote::protocol::FrameType::Error)) {
      return std::nullopt;
    }
    remote::protocol::Reader r(f->second);
    return remote::protocol::decodeError(r);
  }

  /// true if the server closed the connection (EOF) within `timeout`.
  bool closedByServer(std::chrono::milliseconds timeout = 3s) {
    std::uint8_t byte = 0;
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
      const ssize_t n = ::recv(fd_, &byte, 1, 0);
      if (n <= 0) return true;
    }
  }

 private:
  bool readExactly(std::uint8_t* data, std::size_t size, std::chrono::milliseconds timeout) {
    std::size_t done = 0;
    while (done < size) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
      const ssize_t n = ::recv(fd_, data + done, size - done, 0);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace steamsim::remote_test
