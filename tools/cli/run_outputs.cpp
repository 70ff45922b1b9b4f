// SPDX-License-Identifier: MIT
// --report, --pcap, --trace-format and --trace-filter of `steamsim run`.

#include "run_outputs.hpp"

#include <filesystem>
#include <fstream>

namespace steamsim::cli {

namespace {

namespace sc = steamsim::scenario;

/// Runs shown in one report when there are many: every failed run up to this many, and the
/// first passing one.
constexpr std::size_t kMaxFailedRunsShown = 20;
constexpr std::size_t kMaxRunsAlwaysShown = 20;

bool writable(const std::string& path) {
  std::ofstream probe(path, std::ios::binary | std::ios::app);
  return static_cast<bool>(probe);
}

}  // namespace

std::string RunOutputs::pcapPath(const std::string& path, const sc::Job& job, std::uint64_t seed,
                                 std::size_t count) {
  if (count <= 1) return path;
  const std::filesystem::path p(path);
  const std::string scenario = std::filesystem::path(job.scenario->file).stem().string();
  return (p.parent_path() / (p.stem().string() + "." + scenario + ".seed" + std::to_string(seed) +
                             p.extension().string()))
      .string();
}

void RunOutputs::PcapObserver::started(Network& network, const sc::Scenario& /*scenario*/,
                                       std::uint64_t /*seed*/, std::int64_t start_us) {
  try {
    writer_ = enablePcap(network, path_, PcapOptions{start_us});
  } catch (const std::exception& e) {
    error = e.what();
  }
}

void RunOutputs::PcapObserver::finished(Network& network, const sc::RunResult& /*result*/) {
  network.setCapture(nullptr);
  if (writer_ && !writer_->flush()) error = "cannot write the capture file " + path_;
  writer_.reset();  // closes the file
}

std::string RunOutputs::prepare(const OutputOptions& options, const std::vector<sc::Job>& jobs,
                                sc::BatchOptions& batch) {
  options_ = options;
  jobs_ = &jobs;
  if (options.trace_format == "chrome") {
    batch.trace_format = sc::TraceFormat::Chrome;
  } else if (!options.trace_format.empty() && options.trace_format != "jsonl") {
    return "--trace-format: expected jsonl or chrome, got \"" + options.trace_format + "\"";
  }
  for (const std::string& expr : options.trace_filter) {
    const std::string error = batch.trace_filter.parse(expr);
    if (!error.empty()) return "--trace-filter: " + error;
  }
  if ((!options.trace_format.empty() || !options.trace_filter.empty()) && !batch.trace_file) {
    return "--trace-format and --trace-filter need --trace FILE";
  }
  if (!options.report.empty() && !writable(options.report)) {
    return "--report: cannot write " + options.report;
  }
  if (!options.pcap.empty() && !jobs.empty()) {
    const sc::Job& job = jobs.front();
    const std::string first =
        pcapPath(options.pcap, job, job.seed.value_or(job.scenario->seed), jobs.size());
    if (!writable(first)) return "--pcap: cannot write " + first;
  }
  if (!options.report.empty()) recorders_.resize(jobs.size());
  if (!options.pcap.empty()) captures_.resize(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (!options.report.empty()) recorders_[i] = std::make_unique<sc::TimelineRecorder>();
    if (!options.pcap.empty()) {
      const std::uint64_t seed = jobs[i].seed.value_or(jobs[i].scenario->seed);
      captures_[i] =
          std::make_unique<PcapObserver>(pcapPath(options.pcap, jobs[i], seed, jobs.size()));
    }
  }
  if (options.report.empty() && options.pcap.empty()) return {};
  batch.observers = [this](std::size_t index, const sc::Job& /*job*/) {
    std::vector<sc::RunObserver*> out;
    if (index < recorders_.size() && recorders_[index]) out.push_back(recorders_[index].get());
    if (index < captures_.size() && captures_[index]) out.push_back(captures_[index].get());
    return out;
  };
  return {};
}

void RunOutputs::onResult(std::size_t index, const sc::RunResult& result) {
  if (index >= recorders_.size() || jobs_->size() <= kMaxRunsAlwaysShown) return;
  std::size_t& kept = result.passed() ? kept_passed_ : kept_failed_;
  const std::size_t limit = result.passed() ? 1 : kMaxFailedRunsShown;
  if (kept >= limit) {
    recorders_[index].reset();
  } else {
    ++kept;
  }
}

std::string RunOutputs::finish() {
  for (const auto& capture : captures_) {
    if (capture && !capture->error.empty()) return "--pcap: " + capture->error;
  }
  if (options_.report.empty()) return {};
  std::vector<const sc::TimelineRecorder*> runs;
  for (const auto& r : recorders_) {
    if (r) runs.push_back(r.get());
  }
  std::string title = "steamsim report";
  if (jobs_->size() == 1) title += ": " + jobs_->front().scenario->name;
  if (jobs_->size() > 1) title += ": " + std::to_string(jobs_->size()) + " runs";
  if (runs.size() < jobs_->size()) {
    title += " (" + std::to_string(runs.size()) + " of " + std::to_string(jobs_->size()) +
             " shown: every failed run up to 20 and the first passing one)";
  }
  std::ofstream out(options_.report, std::ios::binary | std::ios::trunc);
  if (!out) return "--report: cannot write " + options_.report;
  sc::writeHtmlReport(out, runs, title);
  out.flush();
  if (!out) return "--report: cannot write " + options_.report;
  return {};
}

}  // namespace steamsim::cli
