// SPDX-License-Identifier: MIT
// steamsim_demo: two simulated Steam IDs exchange messages over an impaired link and the
// program prints what happened — sessions, delivery, timing, and a failure and recovery.

#include <cstdio>
#include <string>

#include <steamsim/steamsim.hpp>

using namespace std::chrono_literals;
using steamsim::Network;
using steamsim::Peer;

namespace {

constexpr steamsim::SteamId kHost = 76561198000000001ULL;
constexpr steamsim::SteamId kGuest = 76561198000000002ULL;

double seconds(std::chrono::microseconds d) {
  return static_cast<double>(d.count()) / 1e6;
}

}  // namespace

int main() {
  Network net;  // virtual time: the whole run takes milliseconds
  Peer& host = net.addPeer(kHost);
  Peer& guest = net.addPeer(kGuest);
  const auto start = net.now();
  auto at = [&] { return seconds(net.now() - start); };

  host.onSessionRequest([&](steamsim::SteamId from) {
    std::printf("[%7.3f s] host: session request from %llu, accepting\n", at(),
                static_cast<unsigned long long>(from));
    host.acceptSessionWithUser(from);
  });
  auto report_failure = [&](const char* who) {
    return [&, who](const steamsim::SessionFailed& f) {
      std::printf("[%7.3f s] %s: session failed: reason %d, state %d, \"%s\"\n", at(), who,
                  f.reason, static_cast<int>(f.connection_state), f.debug_message.c_str());
    };
  };
  host.onSessionFailed(report_failure("host"));
  guest.onSessionFailed(report_failure("guest"));

  steamsim::LinkConditions link;
  link.latency_ms = 40;
  link.jitter_ms = 5;
  link.loss_pct = 10;
  net.setDefaultLink(link);
  std::printf("link: 40 ms +/- 5 ms latency, 10%% loss, both ways; %s <-> %s\n",
              host.socketAddress().c_str(), guest.socketAddress().c_str());

  int received = 0;
  bool in_order = true;
  for (int i = 0; i < 200; ++i) {
    guest.sendMessageToUser(kHost, "chat " + std::to_string(i), steamsim::NETWORKING_SEND_RELIABLE,
                            1);
    net.advance(16ms);
    for (const auto& m : host.receiveMessagesOnChannel(1, 64)) {
      in_order = in_order && std::string(m.payload.begin(), m.payload.end()) ==
                                 "chat " + std::to_string(received);
      ++received;
    }
  }
  net.runUntil(
      [&] {
        for (const auto& m : host.receiveMessagesOnChannel(1, 64)) {
          in_order = in_order && std::string(m.payload.begin(), m.payload.end()) ==
                                     "chat " + std::to_string(received);
          ++received;
        }
        return received == 200;
      },
      10s);
  const auto info = guest.getSessionConnectionInfo(kHost, true, true);
  std::printf("[%7.3f s] host received %d/200 reliable messages, in order: %s\n", at(), received,
              in_order ? "yes" : "NO");
  std::printf(
      "          guest's view: state %d, ping %d ms, quality local %.2f remote %.2f, %llu "
      "retransmissions\n",
      static_cast<int>(info.connection_state), info.status->ping,
      static_cast<double>(info.status->local_quality),
      static_cast<double>(info.status->remote_quality),
      static_cast<unsigned long long>(guest.counters().retransmissions));

  std::printf("[%7.3f s] partition: host and guest can no longer reach each other\n", at());
  net.partition({{kHost}, {kGuest}});
  guest.sendMessageToUser(kHost, "are you there?", steamsim::NETWORKING_SEND_RELIABLE, 1);
  net.advance(15s);
  const auto result =
      guest.sendMessageToUser(kHost, "hello?", steamsim::NETWORKING_SEND_RELIABLE, 1);
  std::printf("[%7.3f s] guest sends again: result %d (ConnectFailed until restarted)\n", at(),
              static_cast<int>(result));

  net.heal();
  std::printf("[%7.3f s] healed; guest sends with AutoRestartBrokenSession\n", at());
  guest.sendMessageToUser(
      kHost, "back again",
      steamsim::NETWORKING_SEND_RELIABLE | steamsim::NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION,
      1);
  std::string last;
  net.runUntil(
      [&] {
        for (const auto& m : host.receiveMessagesOnChannel(1, 64))
          last.assign(m.payload.begin(), m.payload.end());
        return last == "back again";
      },
      20s);
  std::printf("[%7.3f s] host received \"%s\"\n", at(), last.c_str());
  std::printf("trace hash %016llx (same seed, same run: same hash)\n",
              static_cast<unsigned long long>(net.traceHash()));
  return received == 200 && in_order && last == "back again" ? 0 : 1;
}
