// Built with nothing but `pkg-config --cflags --libs steamsim`: two simulated peers
// exchange a message. Exits 0 on success.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include <steamsim/remote.hpp>
#include <steamsim/steamsim.hpp>

int main() {
  using namespace std::chrono_literals;
  using namespace steamsim;
  constexpr SteamId kA = 76561198000000001ULL;
  constexpr SteamId kB = 76561198000000002ULL;

  Network net;
  Peer& a = net.addPeer(kA);
  Peer& b = net.addPeer(kB);
  b.onSessionRequest([&](SteamId remote) { b.acceptSessionWithUser(remote); });
  const std::vector<std::uint8_t> hello{'h', 'i'};
  if (a.sendMessageToUser(kB, hello, NETWORKING_SEND_RELIABLE, 0) != Result::OK) return 1;

  std::vector<Message> received;
  const bool ok = net.runUntil(
      [&] {
        received = b.receiveMessagesOnChannel(0, 8);
        return !received.empty();
      },
      5s);
  if (!ok || received[0].payload != hello || toDictionary(received[0])["identity"] != kA) {
    std::fprintf(stderr, "message not received\n");
    return 1;
  }
  // steamsim::remote links too: attaching to no server is a clear error.
  try {
    RemotePeer remote(RemoteOptions{"127.0.0.1:1", "", 1s}, kA);
    return 1;
  } catch (const RemoteError& e) {
    if (e.code() != 0) return 1;
  }
  std::puts("pkg-config consumer: ok");
  return 0;
}
