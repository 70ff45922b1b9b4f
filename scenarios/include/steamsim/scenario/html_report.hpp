// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// The HTML report of scenario runs: one self-contained file (its script and style inline,
/// nothing fetched) with a zoomable timeline per run, a summary of every link and the
/// checks with their explanations.

#include <cstdint>
#include <memory>
#include <ostream>
#include <vector>

#include "steamsim/scenario/observer.hpp"
#include "steamsim/scenario/runner.hpp"

namespace steamsim::scenario {

/// Records what the HTML report shows of one run: every message from send to delivery,
/// every datagram's flight and fate, retransmissions, state changes, signals, API calls,
/// link conditions, partitions, crashes, the link counters and the checks. Memory grows
/// with the run's traffic (a few dozen bytes per datagram and per message).
class TimelineRecorder final : public RunObserver {
 public:
  TimelineRecorder();
  ~TimelineRecorder() override;
  TimelineRecorder(const TimelineRecorder&) = delete;
  TimelineRecorder& operator=(const TimelineRecorder&) = delete;

  void started(Network& network, const Scenario& scenario, std::uint64_t seed,
               std::int64_t start_us) override;
  void sending(SteamId from, SteamId to, int channel, int flags, std::size_t size) override;
  void event(const TraceEvent& event) override;
  void finished(Network& network, const RunResult& result) override;

  /// true once the run finished.
  bool complete() const;
  /// This run's data as a JSON document (the report's input).
  void writeJson(std::ostream& out) const;

 private:
  struct Data;
  std::unique_ptr<Data> data_;
};

/// Writes the report of `runs` (recorded and finished) to `out`. `title` heads the page.
void writeHtmlReport(std::ostream& out, const std::vector<const TimelineRecorder*>& runs,
                     const std::string& title = "steamsim report");

}  // namespace steamsim::scenario
