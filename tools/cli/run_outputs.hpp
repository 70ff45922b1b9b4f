// SPDX-License-Identifier: MIT
#pragma once
// Outputs of `steamsim run` beyond the reports of results: the HTML report (--report), packet
// captures (--pcap) and the trace file's format and filter (--trace-format, --trace-filter).

#include <memory>
#include <string>
#include <vector>

#include <steamsim/pcap.hpp>
#include <steamsim/scenario.hpp>
#include <steamsim/scenario/html_report.hpp>

namespace steamsim::cli {

struct OutputOptions {
  std::string report;                     ///< --report FILE.html
  std::string pcap;                       ///< --pcap FILE
  std::string trace_format;               ///< --trace-format jsonl|chrome
  std::vector<std::string> trace_filter;  ///< --trace-filter EXPR (each)
};

class RunOutputs {
 public:
  /// Checks the options and sets up `batch` for `jobs` (which must outlive this object).
  /// \return an empty string, or what is wrong ("--trace-filter: ...").
  std::string prepare(const OutputOptions& options, const std::vector<scenario::Job>& jobs,
                      scenario::BatchOptions& batch);
  /// Called with each finished run, in job order: frees what the report will not show.
  void onResult(std::size_t index, const scenario::RunResult& result);
  /// Writes the HTML report. \return an empty string, or why it could not be written.
  std::string finish();

  /// The capture file of job `index` of `count`: `path` itself for a single run, else
  /// `<stem>.<scenario file stem>.seed<N><extension>`.
  static std::string pcapPath(const std::string& path, const scenario::Job& job, std::uint64_t seed,
                              std::size_t count);

 private:
  /// An observer writing one run's datagrams to a capture file.
  class PcapObserver final : public scenario::RunObserver {
   public:
    explicit PcapObserver(std::string path) : path_(std::move(path)) {}
    void started(Network& network, const scenario::Scenario& scenario, std::uint64_t seed,
                 std::int64_t start_us) override;
    void finished(Network& network, const scenario::RunResult& result) override;
    std::string error;  ///< set if the file could not be written

   private:
    std::string path_;
    std::shared_ptr<PcapWriter> writer_;
  };

  OutputOptions options_;
  const std::vector<scenario::Job>* jobs_ = nullptr;
  std::vector<std::unique_ptr<scenario::TimelineRecorder>> recorders_;
  std::vector<std::unique_ptr<PcapObserver>> captures_;
  std::size_t kept_passed_ = 0;
  std::size_t kept_failed_ = 0;
};

}  // namespace steamsim::cli
