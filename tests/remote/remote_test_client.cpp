// A game-like client process for the multi-process tests: attaches to `steamsim serve` as a
// Steam ID with RemotePeer, accepts every session request, writes --ready-file, then runs
// one command per line from stdin and answers one line on stdout:
//   send TO FLAGS CHANNEL COUNT SIZE     -> "sent OK_COUNT LAST_RESULT"
//   expect FROM CHANNEL COUNT TIMEOUT_MS -> "got N in_order 0|1 dups N"
//   until FROM CHANNEL MARKER_CHANNEL TIMEOUT_MS
//        (reads CHANNEL until one message arrives on MARKER_CHANNEL)
//                                        -> "got N in_order 0|1 dups N"
//   wait-failed FROM TIMEOUT_MS          -> "failed REASON STATE DEBUG..." or "timeout"
//   flush TO TIMEOUT_MS                  -> "flushed" once nothing to TO is pending or
//                                           unacknowledged, else "timeout"
//   state REMOTE                         -> "state N"
//   quit

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <steamsim/remote.hpp>

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::uint8_t> seqPayload(std::uint32_t seq, std::size_t size) {
  std::vector<std::uint8_t> payload(std::max<std::size_t>(size, 4));
  for (std::size_t i = 0; i < 4; ++i) payload[i] = static_cast<std::uint8_t>(seq >> (8U * i));
  return payload;
}

std::uint32_t seqOf(const steamsim::Message& m) {
  std::uint32_t seq = 0;
  for (std::size_t i = 0; i < 4 && i < m.payload.size(); ++i) {
    seq |= static_cast<std::uint32_t>(m.payload[i]) << (8U * i);
  }
  return seq;
}

/// Polls `done` every half millisecond until it holds or `timeout_ms` passes.
template <typename F>
bool pollUntil(F&& done, long timeout_ms) {
  const auto until = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(500));  // polling interval
  }
  return true;
}

struct Stats {
  std::size_t count = 0;
  std::size_t dups = 0;
  bool in_order = true;
  std::uint32_t last = 0;
  std::set<std::uint32_t> seen;
  void add(const steamsim::Message& m) {
    const std::uint32_t seq = seqOf(m);
    ++count;
    if (!seen.insert(seq).second) ++dups;
    if (seq < last) in_order = false;
    last = seq;
  }
  std::string line() const {
    return "got " + std::to_string(count) + " in_order " + (in_order ? "1" : "0") + " dups " +
           std::to_string(dups);
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string address_file;
  std::string token_file;
  std::string ready_file;
  steamsim::SteamId id = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--address-file") address_file = value;
    if (flag == "--token-file") token_file = value;
    if (flag == "--ready-file") ready_file = value;
    if (flag == "--steam-id") id = std::strtoull(value.c_str(), nullptr, 10);
  }
  steamsim::RemoteOptions options;
  {
    std::ifstream in(address_file);
    std::getline(in, options.address);
  }
  if (!token_file.empty()) options.token = steamsim::readTokenFile(token_file);

  try {
    steamsim::RemotePeer peer(options, id);
    std::vector<steamsim::SessionFailed> failures;
    peer.onSessionRequest(
        [&peer](steamsim::SteamId remote) { peer.acceptSessionWithUser(remote); });
    peer.onSessionFailed([&failures](const steamsim::SessionFailed& f) { failures.push_back(f); });
    {
      std::ofstream ready(ready_file + ".tmp");
      ready << id << "\n";
    }
    std::rename((ready_file + ".tmp").c_str(), ready_file.c_str());

    std::string line;
    while (std::getline(std::cin, line)) {
      std::istringstream in(line);
      std::string command;
      in >> command;
      if (command == "quit") break;
      if (command == "send") {
        steamsim::SteamId to = 0;
        int flags = 0;
        int channel = 0;
        int count = 0;
        std::size_t size = 0;
        in >> to >> flags >> channel >> count >> size;
        int ok = 0;
        steamsim::Result last = steamsim::Result::None;
        for (int i = 1; i <= count; ++i) {
          const auto payload = seqPayload(static_cast<std::uint32_t>(i), size);
          last = peer.sendMessageToUser(to, payload, flags, channel);
          if (last == steamsim::Result::OK) ++ok;
        }
        std::cout << "sent " << ok << " " << static_cast<int>(last) << std::endl;
      } else if (command == "expect" || command == "until") {
        steamsim::SteamId from = 0;
        int channel = 0;
        long wanted = 0;
        long timeout_ms = 0;
        in >> from >> channel >> wanted >> timeout_ms;
        Stats stats;
        bool marker = false;
        const auto read = [&] {
          peer.runCallbacks();
          for (const auto& m : peer.receiveMessagesOnChannel(channel, 256)) {
            if (m.identity == from) stats.add(m);
          }
        };
        pollUntil(
            [&] {
              read();
              if (command == "expect") return static_cast<long>(stats.count) >= wanted;
              for (const auto& m : peer.receiveMessagesOnChannel(static_cast<int>(wanted), 16)) {
                marker = marker || m.identity == from;
              }
              if (marker) read();  // everything sent before the marker
              return marker;
            },
            timeout_ms);
        std::cout << stats.line() << std::endl;
      } else if (command == "wait-failed") {
        steamsim::SteamId from = 0;
        long timeout_ms = 0;
        in >> from >> timeout_ms;
        const steamsim::SessionFailed* hit = nullptr;
        pollUntil(
            [&] {
              peer.runCallbacks();
              for (const auto& f : failures) {
                if (f.remote_steam_id == from) hit = &f;
              }
              return hit != nullptr;
            },
            timeout_ms);
        if (hit != nullptr) {
          std::cout << "failed " << hit->reason << " " << static_cast<int>(hit->connection_state)
                    << " " << hit->debug_message << std::endl;
        } else {
          std::cout << "timeout" << std::endl;
        }
      } else if (command == "flush") {
        steamsim::SteamId to = 0;
        long timeout_ms = 0;
        in >> to >> timeout_ms;
        const bool flushed = pollUntil(
            [&] {
              const auto status = peer.getSessionConnectionInfo(to, false, true).status;
              return status && status->pending_unreliable == 0 && status->pending_reliable == 0 &&
                     status->sent_unacknowledged_reliable == 0;
            },
            timeout_ms);
        std::cout << (flushed ? "flushed" : "timeout") << std::endl;
      } else if (command == "state") {
        steamsim::SteamId remote = 0;
        in >> remote;
        std::cout << "state "
                  << static_cast<int>(
                         peer.getSessionConnectionInfo(remote, false, false).connection_state)
                  << std::endl;
      } else {
        std::cout << "unknown command " << command << std::endl;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "remote_test_client: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
