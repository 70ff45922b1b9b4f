// SPDX-License-Identifier: MIT
// steamsim_bench [--quick] [--json FILE] [--only P1,P3,...] [--runs N] [--idle-wait S]
//                [--max-others CORES] [--retries N] [--messages N]
// Runs the SPEC §7 workloads in interleaved rounds (raw UDP baseline, workload, baseline,
// ...), measures the CPU other processes use during every window, and prints medians with
// their spread and a verdict that uses only windows taken on an idle enough machine (or
// refuses to give one). Exit status 0 unless a workload crashed or the options are wrong:
// missed targets and a busy machine are reported, not failed.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench.hpp"
#include "series.hpp"

namespace steamsim::bench {
namespace {

using namespace std::chrono_literals;

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::vector<std::string> splitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

/// The real-time throughput workloads: row id, what it sends, its send flags.
struct ThroughputKind {
  const char* id;
  const char* what;
  int flags;
};
constexpr ThroughputKind kThroughputKinds[] = {
    {"P1", "64 B unreliable, Nagle", NETWORKING_SEND_UNRELIABLE},
    {"P2", "64 B unreliable, NoNagle", NETWORKING_SEND_UNRELIABLE_NO_NAGLE},
    {"P6", "64 B reliable", NETWORKING_SEND_RELIABLE}};

const char* verdictText(Series::Verdict v) {
  switch (v) {
    case Series::Verdict::Info:
      return "-";
    case Series::Verdict::Met:
      return "yes";
    case Series::Verdict::Missed:
      return "NO";
    case Series::Verdict::NoVerdict:
      return "busy";
    case Series::Verdict::Unsteady:
      return "unsteady";
  }
  return "?";
}

class Bench {
 public:
  explicit Bench(Options options) : o_(std::move(options)), idle_budget_s_(o_.idle_wait_s) {}

  bool wanted(const std::string& id) const {
    if (o_.only.empty()) return true;
    for (const std::string& prefix : o_.only) {
      if (id.rfind(prefix, 0) == 0) return true;
    }
    return false;
  }

  void run() {
    defineRows();
    const int rounds = o_.quick ? 1 : std::max(1, o_.runs);
    for (int round = 1; round <= rounds; ++round) {
      std::printf("round %d of %d\n", round, rounds);
      if (wanted("P1") || wanted("P2") || wanted("P6")) {
        // Each workload's two-core and one-core runs back to back, their order swapped every
        // round: the machine's drift over seconds falls on both sides of the ratio alike.
        rawThroughput();
        for (const ThroughputKind& k : kThroughputKinds) {
          if (!wanted(k.id)) continue;
          const bool one_core_first = round % 2 == 0;
          throughput(k.id, k.flags, one_core_first);
          throughput(k.id, k.flags, !one_core_first);
          coreRatio(k.id);
        }
        rawThroughput();
      }
      if (wanted("P5")) latency();
      if (wanted("P3")) p3();
      if (wanted("R")) remote();
    }
    // Not repeated: memory, virtual-time fidelity and the (long) scaling rows.
    if (wanted("P4")) p4();
    if (wanted("F")) fidelity();
    if (wanted("S")) scaling();
    if (wanted("SC")) {
      for (Series& s :
           scenarioScaleRows(o_.quick, [&](const auto& work) { return window(work); })) {
        order_.push_back(s.id);
        rows_.emplace(s.id, std::move(s));
      }
    }
    print();
    if (!o_.json_path.empty()) writeJson();
  }

 private:
  Series& row(const std::string& id) { return rows_.at(id); }

  void define(const std::string& id, const std::string& workload, const std::string& unit,
              Series::Goal goal = Series::Goal::None, double target = 0.0,
              const std::string& target_text = "", bool load_sensitive = true) {
    Series s;
    s.id = id;
    s.workload = workload;
    s.unit = unit;
    s.goal = goal;
    s.target = target;
    s.target_text = target_text;
    s.load_sensitive = load_sensitive;
    order_.push_back(id);
    rows_.emplace(id, std::move(s));
  }

  void defineRows() {
    using G = Series::Goal;
    define("RAW", "raw UDP sendto+recv, 64 B, 1 thread (reference)", "dgram/s");
    for (const ThroughputKind& k : kThroughputKinds) {
      for (const char* cores : {"", "-1core"}) {
        const std::string id = std::string(k.id) + cores;
        const std::string where = *cores != 0 ? ", one core" : ", two cores";
        define(id + "-cpu", std::string(k.what) + where + ", CPU per delivered message", "us/msg",
               G::AtMost, 0.6, "<= 0.6 us");
        define(id + "-rate", std::string(k.what) + where + ", pacing lifted", "msg/s",
               std::string(k.id) == "P6" ? G::StableWithin : G::None, 0.25,
               std::string(k.id) == "P6" ? "spread <= 25%" : "");
        if (std::string(k.id) == "P6") row(id + "-rate").steadiness_reference = "RAW";
      }
      // The real-time design must not run faster squeezed onto one core than with two. Each
      // round's two figures are taken back to back, in alternating order, so their ratio
      // cancels most of the machine's drift; 0.9 leaves room for what remains, far above a
      // lock fought over.
      define(std::string(k.id) + "-cores", std::string(k.what) + ", msg/s two cores / one core",
             "x", G::AtLeast, 0.9, ">= 0.9x");
    }
    define("RAW-L", "raw UDP one-way latency p50 (reference)", "us");
    define("P5-p50", "real time, one message at a time, one-way p50", "us", G::AtMost, 10.0,
           "<= 10 us");
    define("P5-p99", "real time, one message at a time, one-way p99", "us", G::AtMost, 25.0,
           "<= 25 us");
    define("P3", "10 virtual min, 60 rel msg/s each way, 5% loss, 50 ms", "x real time", G::AtLeast,
           3000.0, ">= 3000x");
    define("P4", "1000 peers x 10 sessions, 1 msg/s each, 60 virtual s", "MB peak RSS", G::AtMost,
           200.0, "<= 200 MB", false);
    define("F-U", "64 B unreliable at default pacing, virtual time, vs Steam", "off Steam",
           G::AtMost, 0.15, "within 15%", false);
    define("F-R", "64 B reliable at default pacing, virtual time, vs Steam", "off Steam", G::AtMost,
           0.15, "within 15%", false);
  }

  /// Runs `measure` once, retrying while other processes use too much CPU (within the idle
  /// budget); returns the cores others used during the kept attempt.
  double window(const std::function<void()>& measure) {
    double others = 0.0;
    for (int attempt = 0;; ++attempt) {
      if (idle_budget_s_ > 0) (void)waitForIdle(o_.max_others, idle_budget_s_);
      const LoadSample before = sampleLoad();
      measure();
      const LoadSample after = sampleLoad();
      others = othersCores(before, after);
      ++windows_;
      if (others < o_.max_others) break;
      ++busy_windows_;
      max_busy_ = std::max(max_busy_, others);
      if (attempt >= o_.retries || idle_budget_s_ <= 0) break;
      std::printf("  (others used %.2f cores: measuring again)\n", others);
    }
    return others;
  }

  void rawThroughput() {
    double dgrams = 0.0;
    const bool short_reference = o_.quick || o_.messages != 0;
    const double others =
        window([&] { dgrams = rawUdpThroughput(short_reference ? 0.05s : 0.5s); });
    row("RAW").add(dgrams, others);
    last_raw_ = dgrams;
  }

  void throughput(const std::string& id, int flags, bool one_core) {
    Throughput t;
    bool pinned = false;
    const double others = window([&] {
      OneCore core(one_core);
      pinned = core.pinned();
      t = realTimeThroughput(flags, o_.quick ? 0.1s : 1.5s, o_.messages);
    });
    const std::string key = id + (one_core ? "-1core" : "");
    row(key + "-cpu").add(t.cpu_us_per_msg, others);
    Series& rate = row(key + "-rate");
    rate.add(t.messages_per_s, others);
    if (one_core && !pinned) rate.note = "could not pin to one core";
    std::printf(
        "  %-10s %9.0f msg/s  %.3f us CPU/msg  %.2f cores  %.1f msg/dgram  %.2fx raw  "
        "others %.2f cores\n",
        key.c_str(), t.messages_per_s, t.cpu_us_per_msg, t.cpu_cores,
        t.messages_per_s / std::max(1.0, t.datagrams_per_s),
        t.messages_per_s / std::max(1.0, last_raw_), others);
  }

  /// This round's two-core rate over its one-core rate.
  void coreRatio(const std::string& id) {
    const Series& two = row(id + "-rate");
    const Series& one = row(id + "-1core-rate");
    if (two.values.empty() || one.values.empty() || one.values.back() <= 0.0) return;
    row(id + "-cores")
        .add(two.values.back() / one.values.back(), std::max(two.others.back(), one.others.back()));
  }

  /// A row's verdict; a stability target is judged against its steadiness reference.
  Series::Verdict verdictOf(const Series& s) const {
    double machine_spread = 0.0;
    if (!s.steadiness_reference.empty()) {
      const auto reference = rows_.find(s.steadiness_reference);
      if (reference != rows_.end()) {
        machine_spread = Series::spread(reference->second.valid(o_.max_others));
      }
    }
    return s.verdict(o_.max_others, needed(s), machine_spread);
  }

  void latency() {
    RawUdp raw;
    double others = window([&] { rawUdpLatency(o_.quick ? 200 : 20000, raw); });
    row("RAW-L").add(raw.p50_us, others);
    row("RAW-L").note = "p99 " + fixed(raw.p99_us, 1) + " us (last round)";
    Latency l;
    others = window([&] { l = realTimeLatency(o_.quick ? 200 : 10000); });
    row("P5-p50").add(l.p50_us, others);
    row("P5-p99").add(l.p99_us, others);
    row("P5-p99").note = fixed(l.over_1ms_pct, 2) + "% of samples over 1 ms, max " +
                         fixed(l.max_us, 0) + " us (last round)";
    std::printf("  P5         p50 %.1f us  p99 %.1f us  (raw p50 %.1f us)  others %.2f cores\n",
                l.p50_us, l.p99_us, raw.p50_us, others);
  }

  void p3() {
    Speed s;
    const double others = window([&] { s = steadyReliable(o_.quick ? 10s : 600s); });
    row("P3").add(s.virtual_s / s.wall_s, others);
    row("P3").note = "wall " + fixed(s.wall_s, 3) + " s, " + std::to_string(s.delivered) +
                     " delivered (last round)";
    std::printf("  P3         %.0fx real time  others %.2f cores\n", s.virtual_s / s.wall_s,
                others);
  }

  /// The attach-protocol rows, one window per round like the other timed rows.
  void remote() {
    std::vector<Row> rows;
    const double others = window([&] { rows = remoteRows(o_); });
    for (const Row& r : rows) {
      if (rows_.count(r.id) == 0) {
        const bool at_most = r.id == "R-rtt50";
        define(r.id, r.workload, r.unit, at_most ? Series::Goal::AtMost : Series::Goal::AtLeast,
               at_most ? 25.0 : 200000.0, r.target);
      }
      row(r.id).add(r.measured, others);
      row(r.id).note = r.note + " (last round)";
      std::printf("  %-10s %.1f %s  others %.2f cores\n", r.id.c_str(), r.measured, r.unit.c_str(),
                  others);
    }
  }

  void p4() {
    const int peers = o_.quick ? 40 : 1000;
    const auto duration = o_.quick ? 3s : 60s;
    const Crowd c = crowdInChild(peers, 10, duration);
    const double mb = static_cast<double>(c.peak_rss_kb) / 1024.0;
    row("P4").add(c.finished ? mb : 1e9, 0.0);
    row("P4").note = std::string(c.finished ? "finished" : "FAILED") + " in " + fixed(c.wall_s, 2) +
                     " s wall, " + std::to_string(c.delivered) + "/" + std::to_string(c.sent) +
                     " delivered";
  }

  void fidelity() {
    const auto measured = o_.quick ? 1s : 5s;
    auto check = [&](const std::string& id, int flags, double steam) {
      Series& s = row(id);
      const double rate = pacedRate(flags, measured);
      s.add(std::abs(rate / steam - 1.0), 0.0);  // relative distance from Steam's figure
      s.note = fixed(rate, 0) + " msg/s (" + fixed(rate / steam, 2) + "x Steam's " +
               fixed(steam, 0) + ")";
    };
    check("F-U", NETWORKING_SEND_UNRELIABLE, 3866);
    check("F-R", NETWORKING_SEND_RELIABLE, 3751);
  }

  void scaling() {
    const std::vector<int> sizes =
        o_.quick ? std::vector<int>{10, 30} : std::vector<int>{10, 100, 1000};
    const auto duration = o_.quick ? 2s : 10s;
    double first = 0.0;
    for (int peers : sizes) {
      Crowd c;
      const double others = window([&] { c = crowdInChild(peers, 8, duration); });
      const double per_peer = c.wall_s * 1e6 / c.virtual_s / peers;
      if (first == 0.0) first = per_peer;
      const std::string id = "S" + std::to_string(peers);
      define(id, std::to_string(peers) + " peers x 8 sessions, 1 msg/s each, per peer",
             "us wall/virt s");
      row(id).add(per_peer, others);
      row(id).note = fixed(per_peer / first, 2) + "x the 10-peer cost, peak RSS " +
                     fixed(static_cast<double>(c.peak_rss_kb) / 1024.0, 1) + " MB" +
                     (c.finished ? "" : ", FAILED");
    }
  }

  /// Idle measurements a row needs for a verdict: every round's worth for wall-clock rows
  /// (at least 3), one for rows measured once and not affected by load.
  std::size_t needed(const Series& s) const { return s.load_sensitive ? minValid() : 1; }

  std::size_t minValid() const {
    return o_.quick ? 1 : static_cast<std::size_t>(std::min(3, o_.runs));
  }

  void print() const {
    std::printf("\n%-14s %-62s %12s %-14s %-17s %-7s %-7s %-16s %s\n", "id", "workload", "median",
                "unit", "range", "valid", "others", "target", "met?");
    std::vector<std::string> missed;
    std::vector<std::string> busy;
    std::vector<std::string> unsteady;
    for (const std::string& id : order_) {
      const Series& s = rows_.at(id);
      if (s.values.empty()) continue;
      const auto [lo, hi] = std::minmax_element(s.values.begin(), s.values.end());
      const std::size_t valid = s.valid(o_.max_others).size();
      const double others = *std::max_element(s.others.begin(), s.others.end());
      const Series::Verdict v = verdictOf(s);
      const int decimals =
          s.unit == "us/msg" || s.unit == "off Steam" ? 3 : (s.unit == "x" ? 2 : 1);
      std::printf("%-14s %-62s %12s %-14s %-17s %-7s %-7s %-16s %s\n", id.c_str(),
                  s.workload.c_str(), fixed(s.figure(o_.max_others), decimals).c_str(),
                  s.unit.c_str(), (fixed(*lo, decimals) + ".." + fixed(*hi, decimals)).c_str(),
                  (std::to_string(valid) + "/" + std::to_string(s.values.size())).c_str(),
                  s.load_sensitive ? fixed(others, 2).c_str() : "n/a", s.target_text.c_str(),
                  verdictText(v));
      if (!s.note.empty()) std::printf("%-14s   %s\n", "", s.note.c_str());
      if (v == Series::Verdict::Missed) missed.push_back(id);
      if (v == Series::Verdict::NoVerdict) busy.push_back(id);
      if (v == Series::Verdict::Unsteady) unsteady.push_back(id);
    }
    std::printf(
        "\n%d of %d measurement windows were taken while other processes used >= %.2f "
        "cores (worst %.2f); those figures count for no verdict.\n",
        busy_windows_, windows_, o_.max_others, max_busy_);
    std::printf(
        "Not measured here: msg/s >= 2x GameNetworkingSockets "
        "(../shared/gnsbench/compare.sh).\n");
    if (!unsteady.empty()) {
      const Series& reference = rows_.at(rows_.at(unsteady.front()).steadiness_reference);
      std::printf(
          "No verdict on %s: %s, measured in the same rounds, varied %.0f%% by itself, more "
          "than the spread these rows are held to, so theirs shows the machine. Run again "
          "when the machine is steadier.\n",
          join(unsteady).c_str(), reference.id.c_str(),
          100.0 * Series::spread(reference.valid(o_.max_others)));
    }
    if (!busy.empty()) {
      std::printf(
          "VERDICT: none - the machine was busy: fewer than %zu idle windows for %s. "
          "Run again on an idle machine.\n",
          minValid(), join(busy).c_str());
    } else if (missed.empty()) {
      std::printf("VERDICT: every target measured here is met%s.\n",
                  unsteady.empty() ? "" : " (stability not judged: the machine was unsteady)");
    } else {
      std::printf("VERDICT: missed: %s.\n", join(missed).c_str());
    }
  }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  }

  void writeJson() const {
    nlohmann::json rows = nlohmann::json::array();
    bool any_busy = false;
    bool any_missed = false;
    for (const std::string& id : order_) {
      const Series& s = rows_.at(id);
      if (s.values.empty()) continue;
      const Series::Verdict v = verdictOf(s);
      any_busy = any_busy || v == Series::Verdict::NoVerdict;
      any_missed = any_missed || v == Series::Verdict::Missed;
      rows.push_back({{"id", s.id},
                      {"workload", s.workload},
                      {"unit", s.unit},
                      {"median", s.figure(o_.max_others)},
                      {"values", s.values},
                      {"others_cores", s.others},
                      {"valid", s.valid(o_.max_others).size()},
                      {"spread", Series::spread(s.values)},
                      {"target", s.target_text},
                      {"verdict", verdictText(v)},
                      {"note", s.note}});
    }
    const char* verdict = any_busy ? "none (busy)" : (any_missed ? "missed" : "met");
    std::ofstream out(o_.json_path);
    out << nlohmann::json{{"quick", o_.quick},
                          {"runs", o_.quick ? 1 : o_.runs},
                          {"max_others_cores", o_.max_others},
                          {"busy_windows", busy_windows_},
                          {"windows", windows_},
                          {"verdict", verdict},
                          {"rows", rows}}
               .dump(2)
        << "\n";
  }

  Options o_;
  double idle_budget_s_;
  double last_raw_ = 0.0;
  int windows_ = 0;
  int busy_windows_ = 0;
  double max_busy_ = 0.0;
  std::vector<std::string> order_;
  std::map<std::string, Series> rows_;
};

int usage() {
  std::fprintf(stderr,
               "usage: steamsim_bench [--quick] [--json FILE] [--only P1,P3,...] [--runs N] "
               "[--idle-wait SECONDS] [--max-others CORES] [--retries N] [--messages N]\n");
  return 2;
}

}  // namespace
}  // namespace steamsim::bench

int main(int argc, char** argv) {
  using namespace steamsim::bench;
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.size() == 2 && args[0] == "--child-scenario") {
      return scenarioScaleChild(std::stoi(args[1]));
    }
    if (args.size() == 4 && args[0] == "--child-crowd") {
      const Crowd c =
          crowd(std::stoi(args[1]), std::stoi(args[2]), std::chrono::seconds(std::stoi(args[3])));
      std::printf("CROWD %.6f %.6f %llu %llu %ld %d\n", c.wall_s, c.virtual_s,
                  static_cast<unsigned long long>(c.sent),
                  static_cast<unsigned long long>(c.delivered), c.peak_rss_kb, c.finished ? 1 : 0);
      return 0;
    }
    Options options;
    for (std::size_t i = 0; i < args.size(); ++i) {
      const bool has_value = i + 1 < args.size();
      if (args[i] == "--quick") {
        options.quick = true;
        options.idle_wait_s = 0;
        options.retries = 0;
      } else if (args[i] == "--json" && has_value) {
        options.json_path = args[++i];
      } else if (args[i] == "--only" && has_value) {
        options.only = splitCommas(args[++i]);
      } else if (args[i] == "--runs" && has_value) {
        options.runs = std::stoi(args[++i]);
        if (options.runs < 1 || options.runs > 100) return usage();
      } else if (args[i] == "--idle-wait" && has_value) {
        options.idle_wait_s = std::stod(args[++i]);
      } else if (args[i] == "--max-others" && has_value) {
        options.max_others = std::stod(args[++i]);
      } else if (args[i] == "--retries" && has_value) {
        options.retries = std::stoi(args[++i]);
      } else if (args[i] == "--messages" && has_value) {
        options.messages = std::stoull(args[++i]);
      } else {
        return usage();
      }
    }
    Bench bench(options);
    bench.run();
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "steamsim_bench: bad number: %s\n", e.what());
    return usage();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "steamsim_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
