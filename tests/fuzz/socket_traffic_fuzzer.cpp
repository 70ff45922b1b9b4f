// Fuzz target: other programs writing to the peers' live sockets during a transfer.
//
// Two peers A and B in virtual time; A keeps sending self-verifying reliable and unreliable
// messages to B. The input is a script: each operation is one opcode byte and its argument
// bytes (missing bytes read as 0):
//   0  a stranger's socket writes N bytes to B          (N = next byte, then N bytes)
//   1  A's own socket writes N bytes to B (forged source, same address as A's datagrams)
//   2  B's own socket writes N bytes to A
//   3  a well-formed wire packet from A to B with fields from the input, sent from A's
//      socket (a datagram that decodes and lies, but was not written by the network)
//   4  K copies of the last datagram written by ops 0-3, from the same socket (K = byte)
//   5  advance 1..64 ms and read everything at B
// Invariants:
//  - nothing crashes, throws or hangs (`advance` is bounded whatever is on the sockets);
//  - every message B receives is intact and from A; reliable ones in order, never twice;
//  - once the writes stop, every reliable message arrives;
//  - every datagram written by the script is read and rejected (none is taken for one of
//    the network's own), unless the kernel dropped it.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <steamsim/steamsim.hpp>

#include "verified_payload.hpp"
#include "wire.hpp"

namespace {

using namespace std::chrono_literals;
using steamsim::Message;
using steamsim::Network;
using steamsim::Peer;
using steamsim::Result;
using steamsim::SteamId;
using steamsim::testing::makePayload;
using steamsim::testing::parsePayload;
using steamsim::testing::senderTag;
namespace wire = steamsim::detail::wire;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;
constexpr std::size_t kMaxOps = 300;
constexpr std::uint32_t kUnreliableBit = 0x80000000U;

#define REQUIRE(condition)                                                                   \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

class Script {
 public:
  Script(const std::uint8_t* data, std::size_t size) : in_(data, size) {}
  std::uint8_t byte() { return pos_ < in_.size() ? in_[pos_++] : 0; }
  std::vector<std::uint8_t> bytes(std::size_t n) {
    std::vector<std::uint8_t> out(n);
    for (auto& b : out) b = byte();
    return out;
  }
  bool done() const { return pos_ >= in_.size(); }

 private:
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
};

/// This process's UDP socket bound to `port`, or -1.
int socketBoundTo(std::uint16_t port) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const int fd = std::atoi(entry.path().filename().c_str());
    sockaddr_in address{};
    socklen_t size = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0 &&
        address.sin_family == AF_INET && ntohs(address.sin_port) == port) {
      return fd;
    }
  }
  return -1;
}

class Harness {
 public:
  Harness() : a_(net_.addPeer(kA)), b_(net_.addPeer(kB)) {
    b_.onSessionRequest([this](SteamId from) { b_.acceptSessionWithUser(from); });
    stranger_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    a_socket_ = socketBoundTo(a_.port());
    b_socket_ = socketBoundTo(b_.port());
    REQUIRE(stranger_ >= 0 && a_socket_ >= 0 && b_socket_ >= 0);
  }
  ~Harness() { ::close(stranger_); }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  void write(int from_fd, const Peer& to, std::span<const std::uint8_t> bytes) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(to.port());
    if (::sendto(from_fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&address),
                 sizeof address) == static_cast<ssize_t>(bytes.size())) {
      ++written_;
    }
    last_ = {bytes.begin(), bytes.end()};
    last_fd_ = from_fd;
    last_to_ = &to;
  }

  void sendSome() {
    const std::uint32_t seq = next_reliable_;
    if (a_.sendMessageToUser(kB, makePayload(tag_, seq, 0, 20 + seq % 300),
                             steamsim::NETWORKING_SEND_RELIABLE, 0) == Result::OK) {
      ++next_reliable_;
    }
    const std::uint32_t useq = kUnreliableBit | next_unreliable_++;
    (void)a_.sendMessageToUser(kB, makePayload(tag_, useq, 0, 40),
                               steamsim::NETWORKING_SEND_UNRELIABLE, 0);
  }

  void readAll() {
    for (;;) {
      const std::vector<Message> got = b_.receiveMessagesOnChannel(0, 256);
      for (const Message& m : got) {
        REQUIRE(m.identity == kA);
        const auto id = parsePayload(m.payload);
        REQUIRE(id.has_value() && id->sender_tag == tag_);
        if ((id->seq & kUnreliableBit) != 0) continue;
        REQUIRE(id->seq == received_reliable_);  // in order, never twice
        ++received_reliable_;
      }
      if (got.size() < 256) return;
    }
  }

  void run(Script& script) {
    for (std::size_t op = 0; op < kMaxOps && !script.done(); ++op) {
      sendSome();
      switch (script.byte() % 6) {
        case 0:
          write(stranger_, b_, script.bytes(script.byte()));
          break;
        case 1:
          write(a_socket_, b_, script.bytes(script.byte()));
          break;
        case 2:
          write(b_socket_, a_, script.bytes(script.byte()));
          break;
        case 3:
          write(a_socket_, b_, forgedPacket(script));
          break;
        case 4: {
          const int copies = script.byte() % 64;
          if (last_to_ == nullptr) break;
          const std::vector<std::uint8_t> again = last_;
          for (int i = 0; i < copies; ++i) write(last_fd_, *last_to_, again);
          break;
        }
        default:
          net_.advance(std::chrono::milliseconds(1 + script.byte() % 64));
          readAll();
      }
    }
    // The writes stop: everything sent reliably arrives.
    net_.runUntil(
        [&] {
          readAll();
          return received_reliable_ == next_reliable_;
        },
        30s);
    REQUIRE(received_reliable_ == next_reliable_);
    // One more datagram of the network's own each way: each socket is read up to it, so
    // every datagram the script wrote has been read.
    REQUIRE(b_.sendMessageToUser(kA, "last", steamsim::NETWORKING_SEND_RELIABLE, 1) == Result::OK);
    REQUIRE(net_.runUntil([&] { return !a_.receiveMessagesOnChannel(1, 1).empty(); }, 30s));
    sendSome();
    net_.runUntil(
        [&] {
          readAll();
          return received_reliable_ == next_reliable_;
        },
        30s);
    REQUIRE(received_reliable_ == next_reliable_);
    const steamsim::PeerCounters ca = a_.counters();
    const steamsim::PeerCounters cb = b_.counters();
    const std::uint64_t rejected = ca.rejected_malformed + ca.rejected_checksum +
                                   ca.rejected_foreign + cb.rejected_malformed +
                                   cb.rejected_checksum + cb.rejected_foreign;
    if (net_.counters().kernel_lost == 0) REQUIRE(rejected == written_);
  }

 private:
  std::vector<std::uint8_t> forgedPacket(Script& script) {
    wire::PacketHeader h;
    h.type = static_cast<wire::PacketType>(1 + script.byte() % 5);
    h.flags = script.byte();
    h.from = script.byte() % 2 ? kA : kB;
    h.to = script.byte() % 2 ? kB : kA;
    h.from_conn = script.byte() % 4;
    h.to_conn = script.byte() % 4;
    h.packet_number = script.byte();
    std::array<std::uint8_t, wire::kMaxDatagram> buffer{};
    wire::PacketWriter w(buffer, h);
    if (h.type == wire::PacketType::Data) {
      const std::vector<std::uint8_t> junk = script.bytes(script.byte());
      w.writeReliableSegment(script.byte(), junk);
      w.writeUnreliable(1 + script.byte(), 0, static_cast<std::uint32_t>(junk.size()), 0, junk);
    }
    const std::size_t size = w.finish();
    return {buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size)};
  }

  Network net_;
  Peer& a_;
  Peer& b_;
  int stranger_ = -1;
  int a_socket_ = -1;
  int b_socket_ = -1;
  std::uint32_t tag_ = senderTag(kA);
  std::uint32_t next_reliable_ = 0;
  std::uint32_t received_reliable_ = 0;
  std::uint32_t next_unreliable_ = 0;
  std::uint64_t written_ = 0;
  std::vector<std::uint8_t> last_;
  int last_fd_ = -1;
  const Peer* last_to_ = nullptr;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Script script(data, size);
  Harness harness;
  harness.run(script);
  return 0;
}
