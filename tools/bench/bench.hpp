// SPDX-License-Identifier: MIT
#pragma once
// steamsim_bench: the SPEC §7 performance targets P1..P6, the calibration fidelity row and
// cost-scaling rows. Every wall-clock window is accompanied by the CPU other processes used
// during it; figures from a busy machine are marked and give no verdict.

#include <sched.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <steamsim/steamsim.hpp>

#include "series.hpp"

namespace steamsim::bench {

/// Sizes of one run.
struct Options {
  bool quick = false;             ///< tiny sizes, for the CTest smoke run
  std::string json_path;          ///< write the rows as JSON here when not empty
  std::vector<std::string> only;  ///< row-id prefixes to run (empty: all)
  int runs = 3;                   ///< interleaved rounds of the wall-clock workloads
  double max_others = 0.25;       ///< cores other processes may use during a valid window
  double idle_wait_s = 60.0;      ///< total time spent waiting for an idle machine
  int retries = 2;                ///< extra attempts of a window taken on a busy machine
  std::uint64_t messages = 0;     ///< != 0: throughput windows deliver this many messages
                                  ///< (for instruction counts under valgrind)
};

/// A point in time: wall clock, the machine's busy CPU time, this process's CPU time.
struct LoadSample {
  double wall = 0.0;
  double machine_busy = 0.0;  ///< all CPUs, seconds; negative if /proc/stat is missing
  double own_cpu = 0.0;       ///< this process and its reaped children, seconds
};
LoadSample sampleLoad();
/// Cores other processes used between two samples (machine busy time minus ours).
double othersCores(const LoadSample& before, const LoadSample& after);
/// Waits until other processes use fewer than `max_cores` (0.25 s samples) or `budget_s`
/// runs out (it is decreased by the time waited). \return the last sample's figure.
double waitForIdle(double max_cores, double& budget_s);

/// While alive, the calling thread (and threads it starts) run on one CPU only.
class OneCore {
 public:
  explicit OneCore(bool active);
  ~OneCore();
  OneCore(const OneCore&) = delete;
  OneCore& operator=(const OneCore&) = delete;
  bool pinned() const { return pinned_; }

 private:
  cpu_set_t saved_{};
  bool pinned_ = false;
};

/// Raw-UDP baselines: a plain one-thread sendto/recv loop on 127.0.0.1.
struct RawUdp {
  double datagrams_per_s = 0.0;  ///< 64-byte datagrams, send one then receive it
  double p50_us = 0.0;           ///< one-way latency (sendto start -> recv return)
  double p99_us = 0.0;
  double threaded_p50_us = 0.0;  ///< receiver thread blocked in poll(), sender spinning
  double threaded_p99_us = 0.0;
};
double rawUdpThroughput(std::chrono::duration<double> duration);
void rawUdpLatency(int samples, RawUdp& out);
/// Informational: the same with a cross-thread wake-up, as the RealTime driver has.
void rawUdpThreadedLatency(int samples, RawUdp& out);

/// P1/P2/P6: messages per second delivered over two RealTime peers with pacing lifted.
struct Throughput {
  double messages_per_s = 0.0;
  double cpu_cores = 0.0;       ///< process CPU time / wall time during the measurement
  double cpu_us_per_msg = 0.0;  ///< process CPU time (all threads) per delivered message
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  double datagrams_per_s = 0.0;  ///< datagrams written to sockets during the measurement
};
/// `messages` != 0: the window ends once that many messages were delivered instead.
Throughput realTimeThroughput(int flags, std::chrono::duration<double> duration,
                              std::uint64_t messages = 0);

/// Row R: remote peers through the attach server (tools/bench/remote.cpp).
struct RemoteFigures {
  double round_trip_p50_us = 0.0;  ///< one API call, client -> server -> client
  double round_trip_p99_us = 0.0;
  double messages_per_s = 0.0;  ///< 64 B messages read by the receiving process per second
  std::uint64_t sent = 0;       ///< sends that returned OK
  std::uint64_t received = 0;   ///< messages the receiving process read
  double seconds = 0.0;
};
RemoteFigures remoteFigures(int round_trips, std::chrono::duration<double> duration);
/// One figure of the R rows, with its target.
struct Row {
  std::string id;
  std::string workload;
  double measured = 0.0;
  std::string unit;
  double baseline = 0.0;   ///< the same-run reference (0 when there is none)
  std::string comparison;  ///< "2.31x", "+12.3 us", ...
  std::string target;
  bool has_target = false;  ///< false: informational row
  bool met = false;
  std::string note;
};
/// The R rows of the report.
std::vector<Row> remoteRows(const Options& options);

/// Fidelity: messages per second of 64-byte messages at default pacing, in virtual time.
double pacedRate(int flags, std::chrono::microseconds measured);

/// P3: virtual seconds run per wall second.
struct Speed {
  double virtual_s = 0.0;
  double wall_s = 0.0;
  std::uint64_t delivered = 0;
};
Speed steadyReliable(std::chrono::seconds virtual_duration);

/// P4 / scaling: `peers` peers, each with `sessions` sessions, one message per second on
/// each session in each direction.
struct Crowd {
  double wall_s = 0.0;
  double virtual_s = 0.0;
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  long peak_rss_kb = 0;  ///< VmHWM of the process running it
  bool finished = false;
};
Crowd crowd(int peers, int sessions, std::chrono::seconds virtual_duration);
/// Runs this program again as a child with `args` and returns what it printed, or nullopt
/// if it could not start or did not exit with status 0.
std::optional<std::string> childOutput(const std::vector<std::string>& args);
/// Runs `crowd` in a fresh child process (so its peak RSS is its own). Returns finished=false
/// if the child failed.
Crowd crowdInChild(int peers, int sessions, std::chrono::seconds virtual_duration);

/// P5: one-way delivery latency, one message at a time, RealTime, 0 ms latency.
struct Latency {
  double p50_us = 0.0;
  double p99_us = 0.0;
  double max_us = 0.0;
  double over_1ms_pct = 0.0;  ///< share of samples slower than 1 ms
};
Latency realTimeLatency(int samples);

/// Process helpers (Linux; harmless elsewhere).
long peakRssKb();
void raiseFileLimit();
double processCpuSeconds();

/// A monotonic wall clock in seconds.
double wallSeconds();

/// Scenario scaling rows SC10..SC10000 (scenario_scale.cpp), each run in a child process
/// inside `window` (which measures it and returns the cores other processes used).
std::vector<Series> scenarioScaleRows(
    bool quick, const std::function<double(const std::function<void()>&)>& window);
/// The child's side: validates and runs an N-peer scenario and prints its figures.
int scenarioScaleChild(int peers);

}  // namespace steamsim::bench
