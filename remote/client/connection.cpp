// The client side of one attach-protocol connection over POSIX sockets.

#include "connection.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace steamsim {

std::string readTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the token file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  const auto first = token.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = token.find_last_not_of(" \t\r\n");
  return token.substr(first, last - first + 1);
}

namespace remote {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint32_t kTransport = 0;

std::string trimmed(const std::string& token) {
  const auto first = token.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = token.find_last_not_of(" \t\r\n");
  return token.substr(first, last - first + 1);
}

int remainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

/// Connects a TCP socket to "HOST:PORT" within the deadline. \return the socket.
int connectTo(const std::string& address, Clock::time_point deadline) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    throw RemoteError(kTransport, "server address \"" + address + "\" is not HOST:PORT");
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = address.substr(colon + 1);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    throw RemoteError(kTransport,
                      "cannot resolve server address " + address + ": " + ::gai_strerror(rc));
  }
  std::string last_error = "no address";
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    const int fd =
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, remainingMs(deadline));
      int err = 0;
      socklen_t len = sizeof err;
      if (rc == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
        rc = 0;
      } else {
        last_error = rc == 0 ? std::string("timed out") : std::strerror(err != 0 ? err : errno);
        rc = -1;
      }
    } else if (rc != 0) {
      last_error = std::strerror(errno);
    }
    if (rc == 0) {
      ::freeaddrinfo(found);
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return fd;
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  throw RemoteError(kTransport,
                    "cannot connect to steamsim serve at " + address + ": " + last_error);
}

}  // namespace

Connection::Connection(const RemoteOptions& options, std::uint8_t role, SteamId steam_id)
    : timeout_(options.timeout) {
  fd_ = connectTo(options.address, deadline());
  protocol::Hello hello;
  hello.role = role;
  hello.steam_id = steam_id;
  hello.token = trimmed(options.token);
  protocol::Writer w(out_);
  w.beginFrame(static_cast<std::uint16_t>(protocol::FrameType::Hello), 0);
  encode(w, hello);
  w.endFrame();
  std::lock_guard lock(mutex_);
  try {
    const auto body = roundTrip(protocol::FrameType::Hello);
    protocol::Reader r(body);
    welcome_ = protocol::decodeWelcome(r);
  } catch (const protocol::DecodeError& e) {
    fail(std::string("malformed welcome: ") + e.what());
    throw RemoteError(static_cast<std::uint32_t>(protocol::ErrorCode::Malformed), error_);
  } catch (...) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    throw;
  }
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

bool Connection::alive() const {
  std::lock_guard lock(mutex_);
  return fd_ >= 0;
}

std::string Connection::lastError() const {
  std::lock_guard lock(mutex_);
  return error_;
}

Clock::time_point Connection::deadline() const {
  return Clock::now() + timeout_;
}

void Connection::fail(const std::string& why) {
  if (error_.empty()) error_ = why;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Connection::failAndThrow(const std::string& why) {
  fail(why);
  throw RemoteError(kTransport, error_);
}

void Connection::writeAll(std::span<const std::uint8_t> data) {
  const auto until = deadline();
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, remainingMs(until)) <= 0) failAndThrow("timed out writing to the server");
      continue;
    }
    failAndThrow(std::string("connection to the server lost: ") + std::strerror(errno));
  }
}

void Connection::readExactly(std::uint8_t* data, std::size_t size) {
  const auto until = deadline();
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::recv(fd_, data + done, size - done, 0);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n == 0) failAndThrow("the server closed the connection");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, remainingMs(until)) <= 0) {
        failAndThrow("no response from the server within " + std::to_string(timeout_.count()) +
                     " ms");
      }
      continue;
    }
    failAndThrow(std::string("connection to the server lost: ") + std::strerror(errno));
  }
}

protocol::FrameHeader Connection::readFrame(std::span<const std::uint8_t>& body) {
  std::uint8_t length_bytes[4];
  readExactly(length_bytes, 4);
  const std::uint32_t length = protocol::readLength(length_bytes);
  if (!protocol::lengthAllowed(length)) {
    failAndThrow("the server sent a frame of length " + std::to_string(length));
  }
  in_.resize(4 + length);
  std::memcpy(in_.data(), length_bytes, 4);
  readExactly(in_.data() + 4, length);
  return protocol::parseFrame(in_, body);
}

std::span<const std::uint8_t> Connection::roundTrip(protocol::FrameType type) {
  if (fd_ < 0) {
    throw RemoteError(kTransport, "not connected to the server: " + error_);
  }
  writeAll(out_);
  std::span<const std::uint8_t> body;
  const protocol::FrameHeader h = readFrame(body);
  if (h.type == static_cast<std::uint16_t>(protocol::FrameType::Error)) {
    protocol::Reader r(body);
    protocol::ErrorFrame e;
    try {
      e = protocol::decodeError(r);
    } catch (const protocol::DecodeError& d) {
      failAndThrow(std::string("malformed error frame: ") + d.what());
    }
    const std::string text =
        "steamsim serve: " + std::string(protocol::errorName(e.code)) + ": " + e.text;
    if (e.fatal) fail(text);
    throw RemoteError(e.code, text);
  }
  if (h.type != protocol::responseType(type)) {
    failAndThrow("the server answered with frame type " + std::to_string(h.type) +
                 " to a request of type " + std::to_string(static_cast<int>(type)));
  }
  return body;
}

}  // namespace remote
}  // namespace steamsim
