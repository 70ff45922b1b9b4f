// File descriptors (SPEC §8): each peer holds exactly one, its socket, so many peers fit
// under a low `ulimit -n`; running out still gives a clear std::system_error.

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <steamsim/steamsim.hpp>

namespace steamsim {
namespace {

using namespace std::chrono_literals;

constexpr SteamId kFirst = 76561198000000001ULL;

int openFds() {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/fd", ec);
  if (ec) return -1;
  int count = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) ++count;
  return count;
}

/// Runs `body` in a child process whose soft descriptor limit is `limit`; returns its exit
/// status (0: body returned true).
template <typename Body>
int inChildWithLimit(rlim_t limit, Body body) {
  const pid_t pid = fork();
  if (pid == 0) {
    rlimit r{};
    getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = limit;
    if (setrlimit(RLIMIT_NOFILE, &r) != 0) _exit(3);
    try {
      _exit(body() ? 0 : 1);
    } catch (const std::system_error&) {
      _exit(2);
    } catch (...) {
      _exit(4);
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

TEST(Descriptors, EachPeerHoldsOneDescriptor) {
  if (openFds() < 0) GTEST_SKIP() << "/proc/self/fd not available";
  for (const ClockMode clock : {ClockMode::Virtual, ClockMode::RealTime}) {
    NetworkConfig config;
    config.clock = clock;
    Network net(config);
    net.addPeer(kFirst);  // the first socket may create process-wide state
    const int before = openFds();
    constexpr int kPeers = 40;
    for (int i = 1; i <= kPeers; ++i) net.addPeer(kFirst + static_cast<SteamId>(i));
    EXPECT_EQ(openFds() - before, kPeers) << "clock " << static_cast<int>(clock);
  }
}

TEST(Descriptors, ManyPeersFitUnderALowLimit) {
  const int open_now = openFds();
  if (open_now < 0) GTEST_SKIP() << "/proc/self/fd not available";
  // 200 peers under a limit of what is open now + 200 + a few for the process-wide socket
  // context and the real-time driver.
  const auto limit = static_cast<rlim_t>(open_now + 200 + 8);
  for (const ClockMode clock : {ClockMode::Virtual, ClockMode::RealTime}) {
    const int status = inChildWithLimit(limit, [clock] {
      NetworkConfig config;
      config.clock = clock;
      Network net(config);
      for (int i = 0; i < 200; ++i) net.addPeer(kFirst + static_cast<SteamId>(i));
      return true;
    });
    EXPECT_EQ(status, 0) << "clock " << static_cast<int>(clock) << " (2: out of descriptors)";
  }
}

TEST(Descriptors, RunningOutIsAClearError) {
  const int open_now = openFds();
  if (open_now < 0) GTEST_SKIP() << "/proc/self/fd not available";
  const int status = inChildWithLimit(static_cast<rlim_t>(open_now + 20), [] {
    Network net;
    for (int i = 0; i < 100; ++i) net.addPeer(kFirst + static_cast<SteamId>(i));
    return true;
  });
  EXPECT_EQ(status, 2) << "std::system_error when descriptors run out";
}

}  // namespace
}  // namespace steamsim
