// SPDX-License-Identifier: MIT
// Process helpers: peak RSS, file-descriptor limit, CPU time, and running the crowd workload
// in a child process so its peak RSS is measured alone.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "bench.hpp"

namespace steamsim::bench {

double wallSeconds() {
  using Clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

long peakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

void raiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::optional<std::string> childOutput(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) return std::nullopt;
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return std::nullopt;
  }
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>("steamsim_bench"));
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buffer[512];
  for (;;) {
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return out;
}

Crowd crowdInChild(int peers, int sessions, std::chrono::seconds virtual_duration) {
  Crowd c;
  const std::optional<std::string> out =
      childOutput({"--child-crowd", std::to_string(peers), std::to_string(sessions),
                   std::to_string(virtual_duration.count())});
  if (!out) return c;
  unsigned long long sent = 0;
  unsigned long long delivered = 0;
  int finished = 0;
  if (std::sscanf(out->c_str(), "CROWD %lf %lf %llu %llu %ld %d", &c.wall_s, &c.virtual_s, &sent,
                  &delivered, &c.peak_rss_kb, &finished) == 6) {
    c.sent = sent;
    c.delivered = delivered;
    c.finished = finished != 0;
  }
  return c;
}

}  // namespace steamsim::bench
