// Game code against the seam only: an adapter that counts what it is asked to send.
#include <cstdio>
#include <string_view>

#include <steamsim/api.hpp>

namespace {

class CountingMessages final : public steamsim::NetworkingMessages {
 public:
  using NetworkingMessages::sendMessageToUser;
  bool acceptSessionWithUser(steamsim::SteamId) override { return true; }
  bool closeChannelWithUser(steamsim::SteamId, int) override { return true; }
  bool closeSessionWithUser(steamsim::SteamId) override { return true; }
  steamsim::SessionConnectionInfo getSessionConnectionInfo(steamsim::SteamId, bool,
                                                           bool) override {
    return {};
  }
  std::vector<steamsim::Message> receiveMessagesOnChannel(int, int) override { return {}; }
  steamsim::Result sendMessageToUser(steamsim::SteamId, std::span<const std::uint8_t> data, int,
                                     int) override {
    bytes += data.size();
    return steamsim::Result::OK;
  }
  void runCallbacks() override {}
  std::size_t bytes = 0;
};

}  // namespace

int main() {
  CountingMessages net;
  int requests = 0;
  {
    steamsim::ScopedSignalConnection keep = net.onSessionRequest([&](steamsim::SteamId) {
      ++requests;
    });
  }
  const auto result = net.sendMessageToUser(76561198000000001ULL, std::string_view("hello"),
                                            steamsim::NETWORKING_SEND_RELIABLE, 0);
  if (result != steamsim::Result::OK || net.bytes != 5 || requests != 0) {
    std::puts("unexpected result");
    return 1;
  }
  std::puts("ok");
  return 0;
}
