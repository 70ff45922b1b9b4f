// SPDX-License-Identifier: MIT
// Virtual-time workloads: calibration fidelity (default pacing), P3 (steady reliable
// traffic under loss and lag) and P4/scaling (many peers).

#include <stdexcept>
#include <vector>

#include "bench.hpp"

namespace steamsim::bench {
namespace {

using namespace std::chrono_literals;

constexpr SteamId kA = 76561198000000001ULL;
constexpr SteamId kB = 76561198000000002ULL;
constexpr SteamId kFirst = 76561198000000001ULL;

std::size_t drainAll(Peer& peer, int channel) {
  std::size_t total = 0;
  for (;;) {
    const std::size_t n = peer.receiveMessagesOnChannel(channel, 1024).size();
    total += n;
    if (n < 1024) return total;
  }
}

void connectVirtual(Network& net, Peer& a, Peer& b) {
  (void)a.sendMessageToUser(b.steamId(), std::string_view("hello"), NETWORKING_SEND_RELIABLE, 0);
  (void)b.sendMessageToUser(a.steamId(), std::string_view("hello"), NETWORKING_SEND_RELIABLE, 0);
  const bool ok = net.runUntil(
      [&] {
        return a.getSessionConnectionInfo(b.steamId(), false, false).connection_state ==
                   ConnectionState::Connected &&
               b.getSessionConnectionInfo(a.steamId(), false, false).connection_state ==
                   ConnectionState::Connected;
      },
      5s);
  if (!ok) throw std::runtime_error("peers did not connect");
}

}  // namespace

double pacedRate(int flags, std::chrono::microseconds measured) {
  Network net;  // default: virtual time, Steam's pacing
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  connectVirtual(net, a, b);
  net.advance(1s);
  (void)drainAll(a, 0);
  (void)drainAll(b, 0);
  const std::vector<std::uint8_t> message(64, 0x11);
  const std::span<const std::uint8_t> data(message);
  auto top_up = [&] {
    for (;;) {
      const RealTimeStatus st =
          a.getSessionConnectionInfo(kB, false, true).status.value_or(RealTimeStatus{});
      if (st.pending_reliable + st.pending_unreliable >= 60000) return;
      for (int i = 0; i < 100; ++i) (void)a.sendMessageToUser(kB, data, flags, 0);
    }
  };
  for (int step = 0; step < 100; ++step) {  // 1 s warm-up
    top_up();
    net.advance(10ms);
    (void)drainAll(b, 0);
  }
  std::size_t received = 0;
  const auto t0 = net.now();
  while (net.now() - t0 < measured) {
    top_up();
    net.advance(10ms);
    received += drainAll(b, 0);
  }
  const double seconds = static_cast<double>((net.now() - t0).count()) / 1e6;
  return static_cast<double>(received) / seconds;
}

Speed steadyReliable(std::chrono::seconds virtual_duration) {
  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  LinkConditions link;
  link.loss_pct = 5;
  link.latency_ms = 50;
  net.setDefaultLink(link);
  const std::vector<std::uint8_t> message(100, 0x22);
  const std::span<const std::uint8_t> data(message);
  Speed s;
  const double wall0 = wallSeconds();
  connectVirtual(net, a, b);
  const auto t0 = net.now();
  const auto tick = std::chrono::microseconds(1000000 / 60);
  const auto end = t0 + std::chrono::duration_cast<std::chrono::microseconds>(virtual_duration);
  while (net.now() < end) {
    (void)a.sendMessageToUser(kB, data, NETWORKING_SEND_RELIABLE, 0);
    (void)b.sendMessageToUser(kA, data, NETWORKING_SEND_RELIABLE, 0);
    net.advance(tick);
    s.delivered += drainAll(a, 0) + drainAll(b, 0);
  }
  s.wall_s = wallSeconds() - wall0;
  s.virtual_s = static_cast<double>((net.now() - t0).count()) / 1e6;
  return s;
}

Crowd crowd(int peers, int sessions, std::chrono::seconds virtual_duration) {
  if (sessions % 2 != 0 || sessions >= peers) {
    throw std::invalid_argument("sessions must be even and below the number of peers");
  }
  raiseFileLimit();
  Crowd c;
  const double wall0 = wallSeconds();
  Network net;
  std::vector<Peer*> all;
  all.reserve(static_cast<std::size_t>(peers));
  for (int i = 0; i < peers; ++i) {
    Peer& p = net.addPeer(kFirst + static_cast<SteamId>(i));
    p.onSessionRequest([&p](SteamId from) { (void)p.acceptSessionWithUser(from); });
    all.push_back(&p);
  }
  // Peer i has sessions with i±1 .. i±sessions/2 (a ring): `sessions` sessions each.
  auto partner = [&](int i, int k) {
    const int offset = k < sessions / 2 ? k + 1 : -(k - sessions / 2 + 1);
    return kFirst + static_cast<SteamId>(((i + offset) % peers + peers) % peers);
  };
  const std::vector<std::uint8_t> message(64, 0x44);
  const std::span<const std::uint8_t> data(message);
  // Peer i sends on each of its sessions once per second, in slot i % 100 of 10 ms steps.
  constexpr int kSlots = 100;
  const auto step = 10ms;
  const auto t0 = net.now();
  const auto end = t0 + std::chrono::duration_cast<std::chrono::microseconds>(virtual_duration);
  int slot = 0;
  while (net.now() < end) {
    for (int i = slot; i < peers; i += kSlots) {
      for (int k = 0; k < sessions; ++k) {
        if (all[static_cast<std::size_t>(i)]->sendMessageToUser(
                partner(i, k), data, NETWORKING_SEND_RELIABLE, 0) == Result::OK) {
          ++c.sent;
        }
      }
    }
    net.advance(step);
    if (slot % 10 == 9) {  // the games poll every 100 ms
      for (Peer* p : all) c.delivered += drainAll(*p, 0);
    }
    slot = (slot + 1) % kSlots;
  }
  net.advance(1s);  // let the last messages land
  for (Peer* p : all) c.delivered += drainAll(*p, 0);
  c.virtual_s = static_cast<double>((net.now() - t0).count()) / 1e6;
  c.wall_s = wallSeconds() - wall0;
  c.peak_rss_kb = peakRssKb();
  c.finished = true;
  return c;
}

}  // namespace steamsim::bench
