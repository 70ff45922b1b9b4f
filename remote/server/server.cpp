// The attach-protocol server: an asio loop on its own thread accepting TCP connections,
// splitting their byte streams into frames for the Dispatcher, writing the answers back.

#include "steamsim/remote/server.hpp"

#include <array>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>
#include <condition_variable>
#include <cstring>
#include <list>
#include <random>
#include <thread>

#include "dispatcher.hpp"

namespace steamsim::remote {

namespace {

using asio::ip::tcp;
using protocol::ErrorCode;

/// Answers are flushed once this many bytes are waiting, before more frames are handled.
constexpr std::size_t kFlushThreshold = 1U << 20U;
/// Bytes read from a socket at a time.
constexpr std::size_t kReadChunk = 64U * 1024U;
/// Largest frame accepted before the handshake: a Hello with a long token fits easily, and a
/// stranger cannot make the server hold a 512 KiB buffer.
constexpr std::uint32_t kMaxHandshakeFrameLength = 4096;

}  // namespace

std::string generateToken() {
  std::random_device device;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 8; ++i) {
    const std::uint32_t v = device();
    for (int nibble = 0; nibble < 4; ++nibble) token += kHex[(v >> (4 * nibble)) & 0xFU];
  }
  return token;
}

bool constantTimeEquals(const std::string& a, const std::string& b) {
  // Runs over the longer input whatever the contents; a length mismatch still fails.
  const std::size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff = static_cast<unsigned char>(diff | (x ^ y));
  }
  return diff == 0;
}

class Server::Impl {
 public:
  Impl(Network& network, ServerOptions options)
      : options_(std::move(options)),
        registry_{network, options_, {}, {}, {}, {}},
        dispatcher_(registry_),
        acceptor_(io_),
        stop_timer_(io_) {
    registry_.notify_attach = [this] {
      std::lock_guard lock(wait_mutex_);
      attach_changed_.notify_all();
    };
    const tcp::endpoint endpoint(asio::ip::make_address(options_.listen_address), options_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    const tcp::endpoint bound = acceptor_.local_endpoint();
    const std::string ip = bound.address().to_string();
    address_ = (bound.address().is_v6() ? "[" + ip + "]" : ip) + ":" + std::to_string(bound.port());
  }

  ~Impl() { stop(); }

  const std::string& address() const { return address_; }

  void start() {
    if (thread_.joinable()) return;
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }

  void stop() {
    if (!thread_.joinable()) return;
    asio::post(io_, [this] {
      stopping_ = true;
      asio::error_code ignored;
      acceptor_.close(ignored);
      for (auto& client : clients_) {
        if (client->closing) continue;
        Dispatcher::writeError(client->out, 0, ErrorCode::ShuttingDown, true,
                               "the server is stopping");
        client->closing = true;
        if (!client->writing) flush(client);
      }
      if (clients_.empty()) {
        io_.stop();
        return;
      }
      // A client that does not read its last frame does not hold the server up.
      stop_timer_.expires_after(std::chrono::seconds(1));
      stop_timer_.async_wait([this](const asio::error_code&) { io_.stop(); });
    });
    thread_.join();
  }

  ServerStats stats() const {
    ServerStats s;
    s.connections = connections_.load();
    {
      std::lock_guard lock(registry_.mutex);
      s.attached = registry_.attached.size();
    }
    s.accepted = accepted_.load();
    s.requests = requests_.load();
    s.refused = refused_.load();
    return s;
  }

  std::vector<SteamId> attachedPeers() const {
    std::lock_guard lock(registry_.mutex);
    return {registry_.attached.begin(), registry_.attached.end()};
  }

  std::vector<SteamId> waitForAttached(const std::vector<SteamId>& ids,
                                       std::chrono::milliseconds timeout) const {
    const auto missing = [&] {
      std::vector<SteamId> out;
      std::lock_guard lock(registry_.mutex);
      for (SteamId id : ids) {
        if (registry_.attached.count(id) == 0) out.push_back(id);
      }
      return out;
    };
    std::unique_lock lock(wait_mutex_);
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = missing();
      if (left.empty() || std::chrono::steady_clock::now() >= until) return left;
      attach_changed_.wait_until(
          lock, std::min(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(100)));
    }
  }

 private:
  struct Client {
    explicit Client(asio::io_context& io) : socket(io), hello_timer(io) {}
    tcp::socket socket;
    asio::steady_timer hello_timer;
    ClientState state;
    std::vector<std::uint8_t> in;  // bytes read, not yet handled
    std::size_t in_used = 0;
    std::vector<std::uint8_t> out;  // answers not yet written
    std::vector<std::uint8_t> sending;
    bool writing = false;
    bool reading = false;
    bool closing = false;  // close once `out` is written
    bool closed = false;
    bool counted_handshake = true;
    std::list<std::shared_ptr<Client>>::iterator self;
  };
  using ClientPtr = std::shared_ptr<Client>;

  void accept() {
    acceptor_.async_accept([this](const asio::error_code& ec, tcp::socket socket) {
      if (ec) {
        if (ec != asio::error::operation_aborted && !stopping_) accept();
        return;
      }
      if (stopping_) return;
      ++accepted_;
      auto client = std::make_shared<Client>(io_);
      client->socket = std::move(socket);
      asio::error_code ignored;
      client->socket.set_option(tcp::no_delay(true), ignored);
      clients_.push_front(client);
      client->self = clients_.begin();
      ++connections_;
      ++handshaking_;
      if (clients_.size() > options_.max_connections || handshaking_ > options_.max_handshaking) {
        refuse(client, ErrorCode::ServerFull,
               "too many connections (at most " + std::to_string(options_.max_connections) + ", " +
                   std::to_string(options_.max_handshaking) + " in the handshake)");
      } else {
        client->hello_timer.expires_after(options_.hello_timeout);
        client->hello_timer.async_wait([this, client](const asio::error_code& timer_ec) {
          if (timer_ec || client->state.welcomed || client->closing) return;
          refuse(client, ErrorCode::HelloTimeout,
                 "no Hello within " + std::to_string(options_.hello_timeout.count()) + " ms");
        });
        read(client);
      }
      accept();
    });
  }

  void refuse(const ClientPtr& client, ErrorCode code, const std::string& text) {
    Dispatcher::writeError(client->out, 0, code, true, text);
    ++refused_;
    client->closing = true;
    if (!client->writing) flush(client);
  }

  void read(const ClientPtr& client) {
    if (client->closing || client->reading) return;
    if (client->in.size() < client->in_used + kReadChunk) {
      client->in.resize(client->in_used + kReadChunk);
    }
    client->reading = true;
    client->socket.async_read_some(asio::buffer(client->in.data() + client->in_used, kReadChunk),
                                   [this, client](const asio::error_code& ec, std::size_t n) {
                                     client->reading = false;
                                     if (ec) {
                                       close(client);
                                       return;
                                     }
                                     client->in_used += n;
                                     process(client);
                                   });
  }

  /// Handles every whole frame in `in`, then writes the answers or reads more.
  void process(const ClientPtr& client) {
    std::size_t pos = 0;
    while (!client->closing && client->out.size() < kFlushThreshold) {
      const std::size_t available = client->in_used - pos;
      if (available < protocol::kLengthSize) break;
      const std::uint32_t length = protocol::readLength(client->in.data() + pos);
      const bool too_large_now = !client->state.welcomed && length > kMaxHandshakeFrameLength;
      if (!protocol::lengthAllowed(length) || too_large_now) {
        Dispatcher::writeError(
            client->out, 0, ErrorCode::FrameTooLarge, true,
            "frame length " + std::to_string(length) + " outside " +
                std::to_string(protocol::kMinFrameLength) + ".." +
                std::to_string(client->state.welcomed ? protocol::kMaxFrameLength
                                                      : kMaxHandshakeFrameLength) +
                (client->state.welcomed ? "" : " (before the handshake)"));
        ++refused_;
        client->closing = true;
        break;
      }
      if (available < protocol::kLengthSize + length) {
        // Make room for the whole frame and wait for the rest.
        if (client->in.size() < pos + protocol::kLengthSize + length) {
          client->in.resize(pos + protocol::kLengthSize + length + kReadChunk);
        }
        break;
      }
      std::span<const std::uint8_t> body;
      const auto header = protocol::parseFrame(
          std::span<const std::uint8_t>(client->in.data() + pos, protocol::kLengthSize + length),
          body);
      pos += protocol::kLengthSize + length;
      ++requests_;
      const bool was_welcomed = client->state.welcomed;
      Outcome outcome = Outcome::Close;
      try {
        outcome = dispatcher_.handle(client->state, header, body, client->out);
      } catch (const std::exception& e) {
        Dispatcher::writeError(client->out, header.request_id, ErrorCode::Internal, true, e.what());
      }
      if (!was_welcomed && client->state.welcomed) {
        client->hello_timer.cancel();
        --handshaking_;
        client->counted_handshake = false;
      }
      if (outcome == Outcome::Close) {
        ++refused_;
        client->closing = true;
      }
    }
    // Keep the unhandled tail at the front of the buffer.
    if (pos > 0) {
      std::memmove(client->in.data(), client->in.data() + pos, client->in_used - pos);
      client->in_used -= pos;
    }
    if (client->in.size() > 2 * kReadChunk && client->in_used < kReadChunk) {
      client->in.resize(kReadChunk);
      client->in.shrink_to_fit();
    }
    if (!client->out.empty() || client->closing) {
      if (!client->writing) flush(client);
    } else {
      read(client);
    }
  }

  void flush(const ClientPtr& client) {
    if (client->out.empty()) {
      if (client->closing) close(client);
      return;
    }
    client->writing = true;
    client->sending.swap(client->out);
    client->out.clear();
    asio::async_write(client->socket, asio::buffer(client->sending),
                      [this, client](const asio::error_code& ec, std::size_t) {
                        client->writing = false;
                        client->sending.clear();
                        if (ec) {
                          close(client);
                          return;
                        }
                        if (!client->out.empty() || client->closing) {
                          flush(client);
                          return;
                        }
                        // Frames left over when the flush threshold was reached.
                        if (client->in_used > 0) {
                          process(client);
                        } else {
                          read(client);
                        }
                      });
  }

  void close(const ClientPtr& client) {
    if (client->closed) return;
    client->closed = true;
    client->closing = true;
    client->hello_timer.cancel();
    asio::error_code ignored;
    client->socket.shutdown(tcp::socket::shutdown_both, ignored);
    client->socket.close(ignored);
    dispatcher_.disconnected(client->state);
    if (client->counted_handshake) --handshaking_;
    --connections_;
    clients_.erase(client->self);
    if (stopping_ && clients_.empty()) io_.stop();
  }

  ServerOptions options_;
  std::string address_;
  Registry registry_;
  Dispatcher dispatcher_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::steady_timer stop_timer_;
  std::thread thread_;
  std::list<ClientPtr> clients_;
  bool stopping_ = false;
  std::size_t handshaking_ = 0;
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> refused_{0};
  mutable std::mutex wait_mutex_;
  mutable std::condition_variable attach_changed_;
};

Server::Server(Network& network, ServerOptions options)
    : impl_(std::make_unique<Impl>(network, std::move(options))) {}

Server::~Server() = default;

std::string Server::address() const {
  return impl_->address();
}

void Server::start() {
  impl_->start();
}

void Server::stop() {
  impl_->stop();
}

ServerStats Server::stats() const {
  return impl_->stats();
}

std::vector<SteamId> Server::attachedPeers() const {
  return impl_->attachedPeers();
}

std::vector<SteamId> Server::waitForAttached(const std::vector<SteamId>& steam_ids,
                                             std::chrono::milliseconds timeout) const {
  return impl_->waitForAttached(steam_ids, timeout);
}

}  // namespace steamsim::remote
