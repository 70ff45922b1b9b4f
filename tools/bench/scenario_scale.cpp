// SPDX-License-Identifier: MIT
// Scenario scaling rows (SC*): a scenario of N peers, each opening one session with its
// neighbour, validated and run through the scenario loader and runner, in a child process
// so its peak RSS is its own. The per-peer cost (CPU time of validate + run, which a busy
// machine does not inflate the way it does wall time) must stay flat from 10 to 10,000 peers:
// each larger size's row is its per-peer cost over the 10-peer size's, measured side by side.

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <steamsim/scenario/loader.hpp>
#include <steamsim/scenario/runner.hpp>

#include "bench.hpp"

namespace steamsim::bench {

namespace {

constexpr int kDurationMs = 2000;

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

/// N peers p0..pN-1; pi sends 10 reliable messages to p(i+1) mod N on channel 1; each
/// expects them all.
std::string ringScenarioText(int peers) {
  std::string text = "{\"name\": \"ring of " + std::to_string(peers) +
                     "\", \"duration_ms\": " + std::to_string(kDurationMs) +
                     ", \"links\": [{\"from\": \"*\", \"to\": \"*\", \"latency_ms\": 20}]," +
                     " \"peers\": {";
  for (int i = 0; i < peers; ++i) {
    text += (i > 0 ? ", " : "") + std::string("\"p") + std::to_string(i) + "\": {\"steam_id\": " +
            std::to_string(76561198000000001ULL + static_cast<unsigned long long>(i)) + "}";
  }
  text += "}, \"timeline\": [";
  for (int i = 0; i < peers; ++i) {
    text += (i > 0 ? ", " : "") + std::string("{\"at_ms\": 0, \"peer\": \"p") + std::to_string(i) +
            "\", \"send\": {\"to\": \"p" + std::to_string((i + 1) % peers) +
            "\", \"channel\": 1, \"payload\": \"m{i}\", \"count\": 10, \"every_ms\": 100}}";
  }
  text += "], \"expect\": [";
  for (int i = 0; i < peers; ++i) {
    text += (i > 0 ? ", " : "") + std::string("{\"peer\": \"p") + std::to_string((i + 1) % peers) +
            "\", \"received\": {\"from\": \"p" + std::to_string(i) +
            "\", \"channel\": 1, \"count\": 10, \"in_order\": true}}";
  }
  return text + "]}";
}

struct ScaleRun {
  double validate_s = 0.0;  ///< wall
  double run_s = 0.0;       ///< wall
  double cpu_s = 0.0;       ///< CPU of validate + run (the cost: robust to a busy machine)
  long peak_rss_kb = 0;
  bool passed = false;
  bool finished = false;
};

ScaleRun scaleInChild(int peers) {
  ScaleRun r;
  const std::optional<std::string> out = childOutput({"--child-scenario", std::to_string(peers)});
  if (!out) return r;
  int passed = 0;
  if (std::sscanf(out->c_str(), "SCENARIO %lf %lf %lf %ld %d", &r.validate_s, &r.run_s, &r.cpu_s,
                  &r.peak_rss_kb, &passed) == 5) {
    r.finished = true;
    r.passed = passed != 0;
  }
  return r;
}

}  // namespace

int scenarioScaleChild(int peers) {
  raiseFileLimit();
  const std::string text = ringScenarioText(peers);
  const double cpu0 = processCpuSeconds();
  const double t0 = wallSeconds();
  const scenario::LoadResult loaded = scenario::loadScenarioText(text, "ring.json");
  const double t1 = wallSeconds();
  if (!loaded.ok()) {
    std::fprintf(stderr, "invalid: %s\n", loaded.errors.front().toString().c_str());
    return 1;
  }
  const scenario::RunResult result = scenario::runScenario(*loaded.scenario);
  const double t2 = wallSeconds();
  const double cpu = processCpuSeconds() - cpu0;
  if (!result.error.empty()) std::fprintf(stderr, "run error: %s\n", result.error.c_str());
  std::printf("SCENARIO %.6f %.6f %.6f %ld %d\n", t1 - t0, t2 - t1, cpu, peakRssKb(),
              result.passed() ? 1 : 0);
  return 0;
}

std::vector<Series> scenarioScaleRows(
    bool quick, const std::function<double(const std::function<void()>&)>& window) {
  const std::vector<int> sizes =
      quick ? std::vector<int>{10, 100} : std::vector<int>{10, 1000, 4000, 10000};
  // A shared machine's speed drifts by half over seconds. So each larger size is measured
  // right after the 10-peer size, in one window, and the ratio of that pair is one round's
  // figure; the verdict is the median over the rounds. The 10-peer size, a few milliseconds
  // per run, counts the median of several runs as its one measurement.
  const int rounds = quick ? 1 : 5;
  constexpr int kSmallRuns = 9;
  std::vector<Series> rows(sizes.size());
  std::vector<std::vector<double>> per_peer(sizes.size());  // every measurement, µs CPU/peer
  std::vector<ScaleRun> last(sizes.size());
  std::vector<bool> ok(sizes.size(), true);
  const auto measure = [&](std::size_t i) {
    const int runs = i == 0 ? kSmallRuns : 1;
    std::vector<double> values;
    for (int k = 0; k < runs; ++k) {
      const ScaleRun r = scaleInChild(sizes[i]);
      ok[i] = ok[i] && r.finished && r.passed;
      values.push_back(r.cpu_s * 1e6 / sizes[i]);
      last[i] = r;
    }
    return Series::median(values);
  };
  for (int round = 0; round < rounds; ++round) {
    for (std::size_t i = 1; i < sizes.size(); ++i) {
      double base = 0.0;
      double large = 0.0;
      const double others = window([&] {  // again from scratch if the window was busy
        base = measure(0);
        large = measure(i);
      });
      per_peer[0].push_back(base);
      per_peer[i].push_back(large);
      rows[0].add(base, others);
      rows[i].add(ok[i] && ok[0] ? large / base : 1e9, others);
    }
  }
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const int peers = sizes[i];
    const ScaleRun& r = last[i];
    Series& row = rows[i];
    row.id = "SC" + std::to_string(peers);
    row.workload = std::to_string(peers) + "-peer scenario, a session each, validate+run " +
                   std::to_string(kDurationMs / 1000) + " s, CPU";
    row.load_sensitive = false;  // CPU time of the child, not wall time
    std::string runs_text;
    for (const double v : per_peer[i]) runs_text += (runs_text.empty() ? "" : " ") + fixed(v, 0);
    if (i == 0) {
      row.unit = "us CPU/peer";
    } else {
      row.unit = "x SC10/peer";
      row.goal = Series::Goal::AtMost;
      row.target = 1.2;
      row.target_text = "<= 1.2x per peer";
    }
    row.note = "us CPU/peer " + runs_text + (i == 0 ? " (each before a larger size)" : "") +
               "; wall: validate " + fixed(r.validate_s * 1e3, 1) + " ms, run " +
               fixed(r.run_s * 1e3, 1) + " ms; peak RSS " +
               fixed(static_cast<double>(r.peak_rss_kb) / 1024.0, 1) + " MB (" +
               fixed(static_cast<double>(r.peak_rss_kb) / peers, 1) + " KB/peer)" +
               (ok[i] ? "" : "; a run or its checks FAILED");
  }
  return rows;
}

}  // namespace steamsim::bench
