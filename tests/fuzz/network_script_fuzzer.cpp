// SPDX-License-Identifier: MIT
// Structured fuzz target: the input is a script of API calls, link changes, partitions,
// crashes and time advances on a 3-peer virtual network.
//
// Each operation is one opcode byte followed by its argument bytes (missing bytes read as
// 0). Invariants checked throughout:
//  - nothing crashes or throws;
//  - every received payload is intact (self-verifying, tests/soak/verified_payload.hpp) and
//    comes from the peer that sent it;
//  - reliable messages from one sender on one channel arrive in order and never twice;
//  - a pair whose session was never disturbed (no close, crash, failure or cap drop) gets
//    every reliable message once the network heals and settles;
//  - unreliable messages never arrive twice;
//  - memory stays bounded: queued callbacks and queued bytes stay within fixed limits.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <set>
#include <span>
#include <vector>

#include <steamsim/steamsim.hpp>

#include "verified_payload.hpp"

namespace {

using namespace std::chrono_literals;
using steamsim::ConnectionState;
using steamsim::LinkConditions;
using steamsim::Message;
using steamsim::Network;
using steamsim::NetworkConfig;
using steamsim::Peer;
using steamsim::Result;
using steamsim::SteamId;
using steamsim::testing::makePayload;
using steamsim::testing::parsePayload;
using steamsim::testing::senderTag;

constexpr int kPeers = 3;
constexpr SteamId kIds[kPeers] = {76561198000000001ULL, 76561198000000002ULL, 76561198000000003ULL};
constexpr int kChannels[] = {0, 1, -2147483647 - 1, 2147483647};
constexpr int kChannelCount = 4;
constexpr std::uint32_t kUnreliableBit = 0x80000000U;
constexpr std::size_t kMaxOps = 200;
constexpr std::size_t kMaxReliableBytes = 2 * 1024 * 1024;
constexpr std::size_t kSendBuffer = 512 * 1024;
constexpr std::size_t kMaxUnread = 4 * 1024 * 1024;

/// Aborts (which libFuzzer and CTest report) naming the broken invariant.
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

  std::uint8_t byte() {
    if (pos_ >= in_.size()) return 0;
    return in_[pos_++];
  }
  std::uint16_t u16() {
    const auto lo = byte();
    return static_cast<std::uint16_t>(lo | (byte() << 8U));
  }
  bool done() const { return pos_ >= in_.size(); }

 private:
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
};

class World {
 public:
  World() : net_(config()) {
    for (const SteamId id : kIds) {
      Peer& p = net_.addPeer(id);
      p.onSessionRequest([this, &p](SteamId remote) {
        if (accept_) p.acceptSessionWithUser(remote);
      });
      p.onSessionFailed([this, id](const steamsim::SessionFailed& f) {
        disturb(index(id), index(f.remote_steam_id));
      });
    }
  }

  static NetworkConfig config() {
    NetworkConfig c;
    c.max_unread_bytes = kMaxUnread;
    c.send_buffer = static_cast<int>(kSendBuffer);
    return c;
  }

  void run(Script& s) {
    for (std::size_t op = 0; op < kMaxOps && !s.done(); ++op) {
      step(s);
      checkBounds();
    }
    settle();
  }

 private:
  static int index(SteamId id) {
    for (int i = 0; i < kPeers; ++i) {
      if (kIds[i] == id) return i;
    }
    return -1;
  }

  void disturb(int a, int b) {
    if (a < 0 || b < 0) return;
    disturbed_[a][b] = true;
    disturbed_[b][a] = true;
  }

  void disturbAll(int a) {
    for (int b = 0; b < kPeers; ++b) disturb(a, b);
  }

  void step(Script& s) {
    const std::uint8_t op = s.byte();
    const int from = s.byte() % kPeers;
    const int to_offset = 1 + s.byte() % (kPeers - 1);
    const int to = (from + to_offset) % kPeers;
    switch (op % 12) {
      case 0:
      case 1:
        sendReliable(from, to, s.byte() % kChannelCount, 20 + s.u16(), s.byte());
        break;
      case 2:
        sendUnreliable(from, to, s.byte() % kChannelCount, 20 + s.u16() % 1181);
        break;
      case 3:
      case 4:
        net_.advance(std::chrono::milliseconds(1 + 4 * s.byte()));
        break;
      case 5:
        drain(from);
        break;
      case 6: {
        LinkConditions c;
        c.loss_pct = s.byte() % 60;
        c.latency_ms = s.byte();
        c.jitter_ms = s.byte() % 40;
        c.jitter_reorders = (s.byte() & 1U) != 0;
        c.reorder_pct = s.byte() % 30;
        c.duplicate_pct = s.byte() % 30;
        c.corrupt_pct = s.byte() % 20;
        c.burst_loss_pct = s.byte() % 20;
        c.burst_length_mean = 1 + s.byte() % 5;
        net_.setLink(kIds[from], kIds[to], c);
        break;
      }
      case 7:
        if ((s.byte() & 1U) != 0) {
          net_.partition({{kIds[from]}, {kIds[(from + 1) % kPeers], kIds[(from + 2) % kPeers]}});
        } else {
          net_.heal();
        }
        break;
      case 8: {
        const int channel = kChannels[s.byte() % kChannelCount];
        if ((s.byte() & 1U) != 0) {
          (void)net_.peer(kIds[from]).closeSessionWithUser(kIds[to]);
        } else {
          (void)net_.peer(kIds[from]).closeChannelWithUser(kIds[to], channel);
        }
        disturb(from, to);  // unread and unsent data may be dropped (B9, B10)
        break;
      }
      case 9:
        if (net_.peer(kIds[from]).crashed()) {
          net_.restart(kIds[from]);
        } else {
          net_.crash(kIds[from]);
        }
        disturbAll(from);
        break;
      case 10: {
        Peer& p = net_.peer(kIds[from]);
        (void)p.acceptSessionWithUser(kIds[to]);
        const auto info = p.getSessionConnectionInfo(kIds[to], true, true);
        REQUIRE(info.connection.has_value() && info.status.has_value());
        (void)p.receiveMessagesOnChannel(kChannels[s.byte() % kChannelCount], -5);
        p.runCallbacks();
        break;
      }
      default:
        accept_ = (s.byte() & 1U) != 0 || !accept_;  // mostly accepting
        if (!accept_) {  // a request left unaccepted may time out or stay pending
          for (int i = 0; i < kPeers; ++i) disturbAll(i);
        }
        break;
    }
  }

  void sendReliable(int from, int to, int ch, std::size_t size, std::uint8_t flag_bits) {
    if (reliable_bytes_ + size > kMaxReliableBytes) return;
    std::uint32_t& seq = reliable_sent_[from][to][ch];
    const auto payload = makePayload(senderTag(kIds[from]), seq, kChannels[ch], size);
    int flags = steamsim::NETWORKING_SEND_RELIABLE;
    if ((flag_bits & 1U) != 0) flags |= steamsim::NETWORKING_SEND_NO_NAGLE;
    if ((flag_bits & 2U) != 0) flags |= steamsim::NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION;
    const Result r =
        net_.peer(kIds[from]).sendMessageToUser(kIds[to], payload, flags, kChannels[ch]);
    if (r == Result::OK) {
      ++seq;
      reliable_bytes_ += size;
    } else {
      REQUIRE(r == Result::LimitExceeded || r == Result::ConnectFailed || r == Result::Fail);
    }
  }

  void sendUnreliable(int from, int to, int ch, std::size_t size) {
    std::uint32_t& seq = unreliable_sent_[from][to];
    const auto payload =
        makePayload(senderTag(kIds[from]), seq | kUnreliableBit, kChannels[ch], size);
    const Result r = net_.peer(kIds[from])
                         .sendMessageToUser(kIds[to], payload, steamsim::NETWORKING_SEND_UNRELIABLE,
                                            kChannels[ch]);
    if (r == Result::OK) ++seq;
  }

  void drain(int to) {
    Peer& p = net_.peer(kIds[to]);
    for (int ch = 0; ch < kChannelCount; ++ch) {
      for (const Message& m : p.receiveMessagesOnChannel(kChannels[ch], 1 << 20)) check(to, ch, m);
    }
    if (p.counters().messages_dropped_cap != cap_drops_[to]) {
      cap_drops_[to] = p.counters().messages_dropped_cap;
      disturbAll(to);
    }
  }

  void check(int to, int ch, const Message& m) {
    const int from = index(m.identity);
    REQUIRE(from >= 0 && from != to);
    REQUIRE(m.channel == kChannels[ch]);
    REQUIRE(m.size == static_cast<int>(m.payload.size()));
    const auto id = parsePayload(m.payload);
    REQUIRE(id.has_value());
    REQUIRE(id->sender_tag == senderTag(kIds[from]) && id->channel == kChannels[ch]);
    if ((id->seq & kUnreliableBit) != 0) {
      REQUIRE((id->seq & ~kUnreliableBit) < unreliable_sent_[from][to]);
      REQUIRE(unreliable_seen_[from][to].insert(id->seq).second);  // never twice
      return;
    }
    std::uint32_t& next = reliable_next_[from][to][ch];
    REQUIRE(id->seq < reliable_sent_[from][to][ch]);
    REQUIRE(id->seq >= next);                             // in order, never twice
    if (!disturbed_[from][to]) REQUIRE(id->seq == next);  // and nothing skipped
    next = id->seq + 1;
  }

  void checkBounds() {
    for (int i = 0; i < kPeers; ++i) {
      Peer& p = net_.peer(kIds[i]);
      REQUIRE(p.pendingCallbacks() < 10000);
      for (int j = 0; j < kPeers; ++j) {
        if (i == j) continue;
        const auto info = p.getSessionConnectionInfo(kIds[j], false, true);
        if (!info.status) continue;
        const auto queued = static_cast<std::size_t>(info.status->pending_reliable) +
                            static_cast<std::size_t>(info.status->pending_unreliable);
        REQUIRE(queued <= 2 * kSendBuffer + 524288);
      }
    }
  }

  /// Heals everything and lets traffic finish; undisturbed pairs must be complete.
  void settle() {
    net_.heal();
    for (int i = 0; i < kPeers; ++i) {
      if (net_.peer(kIds[i]).crashed()) {
        net_.restart(kIds[i]);
        disturbAll(i);
      }
      for (int j = 0; j < kPeers; ++j) {
        if (i != j) net_.clearLink(kIds[i], kIds[j]);
      }
    }
    net_.setDefaultLink(LinkConditions{});
    accept_ = true;
    for (int round = 0; round < 120; ++round) {
      net_.advance(500ms);
      for (int i = 0; i < kPeers; ++i) drain(i);
      if (complete()) break;
    }
    REQUIRE(complete());
  }

  bool complete() const {
    for (int from = 0; from < kPeers; ++from) {
      for (int to = 0; to < kPeers; ++to) {
        if (from == to || disturbed_[from][to]) continue;
        for (int ch = 0; ch < kChannelCount; ++ch) {
          if (reliable_next_[from][to][ch] != reliable_sent_[from][to][ch]) return false;
        }
      }
    }
    return true;
  }

  Network net_;
  bool accept_ = true;
  std::size_t reliable_bytes_ = 0;
  std::uint32_t reliable_sent_[kPeers][kPeers][kChannelCount]{};
  std::uint32_t reliable_next_[kPeers][kPeers][kChannelCount]{};
  std::uint32_t unreliable_sent_[kPeers][kPeers]{};
  std::set<std::uint32_t> unreliable_seen_[kPeers][kPeers];
  bool disturbed_[kPeers][kPeers]{};
  std::uint64_t cap_drops_[kPeers]{};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    World world;
    Script script(data, size);
    world.run(script);
  } catch (const std::exception&) {
    std::abort();  // no call in a script may throw
  }
  return 0;
}
