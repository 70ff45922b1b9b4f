// Process helpers: peak RSS, file-descriptor limit, CPU time, and running the crowd workload
// in a child process so its peak RSS is measured alone.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

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

Crowd crowdInChild(int peers, int sessions, std::chrono::seconds virtual_duration) {
  Crowd c;
  int fds[2];
  if (pipe(fds) != 0) return c;
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) return c;
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    const std::string p = std::to_string(peers);
    const std::string s = std::to_string(sessions);
    const std::string d = std::to_string(virtual_duration.count());
    execl("/proc/self/exe", "steamsim_bench", "--child-crowd", p.c_str(), s.c_str(), d.c_str(),
          static_cast<char*>(nullptr));
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
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return c;
  unsigned long long sent = 0;
  unsigned long long delivered = 0;
  int finished = 0;
  if (std::sscanf(out.c_str(), "CROWD %lf %lf %llu %llu %ld %d", &c.wall_s, &c.virtual_s, &sent,
                  &delivered, &c.peak_rss_kb, &finished) == 6) {
    c.sent = sent;
    c.delivered = delivered;
    c.finished = finished != 0;
  }
  return c;
}

}  // namespace steamsim::bench
