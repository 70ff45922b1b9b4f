// What the rest of the machine is doing while the benchmark measures: CPU used by other
// processes (all of /proc/stat's busy time minus this process's and its reaped children's
// getrusage time), waiting for an idle machine, and running a workload on one core only.

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "bench.hpp"

namespace steamsim::bench {
namespace {

double seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

/// Busy CPU seconds of the whole machine so far (all CPUs), or a negative value where
/// /proc/stat is not available.
double machineBusySeconds() {
  std::FILE* f = std::fopen("/proc/stat", "r");
  if (f == nullptr) return -1.0;
  unsigned long long v[8] = {};
  const int n = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                            &v[3], &v[4], &v[5], &v[6], &v[7]);
  std::fclose(f);
  if (n < 8) return -1.0;
  // user nice system [idle iowait] irq softirq steal
  const auto busy = static_cast<double>(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]);
  return busy / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

double processCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

LoadSample sampleLoad() {
  LoadSample s;
  s.wall = wallSeconds();
  s.machine_busy = machineBusySeconds();
  rusage self{};
  rusage children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  s.own_cpu = seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(children.ru_utime) +
              seconds(children.ru_stime);
  return s;
}

double othersCores(const LoadSample& before, const LoadSample& after) {
  const double wall = after.wall - before.wall;
  if (before.machine_busy < 0 || after.machine_busy < 0 || wall <= 0) return 0.0;
  const double others =
      (after.machine_busy - before.machine_busy) - (after.own_cpu - before.own_cpu);
  return std::max(0.0, others / wall);
}

double waitForIdle(double max_cores, double& budget_s) {
  for (;;) {
    const LoadSample a = sampleLoad();
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const LoadSample b = sampleLoad();
    const double others = othersCores(a, b);
    budget_s -= b.wall - a.wall;
    if (others < max_cores || budget_s <= 0) return others;
  }
}

OneCore::OneCore(bool active) {
  if (!active) return;
  cpu_set_t current;
  CPU_ZERO(&current);
  if (sched_getaffinity(0, sizeof current, &current) != 0) return;
  saved_ = current;
  const int here = sched_getcpu();
  const std::size_t cpu = here >= 0 && CPU_ISSET(static_cast<std::size_t>(here), &current)
                              ? static_cast<std::size_t>(here)
                              : 0;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  pinned_ = sched_setaffinity(0, sizeof one, &one) == 0;
}

OneCore::~OneCore() {
  if (pinned_) (void)sched_setaffinity(0, sizeof saved_, &saved_);
}

}  // namespace steamsim::bench
