// SPDX-License-Identifier: MIT
// Finding, loading and running many scenarios.

#include "steamsim/scenario/batch.hpp"

#include <stdlib.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace steamsim::scenario {

namespace fs = std::filesystem;

std::vector<fs::path> collectScenarioFiles(const std::vector<std::string>& paths,
                                           std::vector<Diagnostic>& errors) {
  std::vector<fs::path> files;
  for (const std::string& text : paths) {
    const fs::path path(text);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> found;
      for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".json") {
          found.push_back(it->path());
        }
      }
      if (ec) errors.push_back({text, {}, "", "cannot read the folder: " + ec.message()});
      std::sort(found.begin(), found.end());
      if (found.empty() && !ec) {
        errors.push_back(
            {text, {}, "", "expected scenario files (*.json) in this folder, got none"});
      }
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      files.push_back(path);
    } else {
      errors.push_back({text, {}, "", "no such file or folder"});
    }
  }
  return files;
}

std::vector<Scenario> loadScenarios(const std::vector<fs::path>& files,
                                    std::vector<Diagnostic>& errors) {
  std::vector<Scenario> scenarios;
  for (const fs::path& file : files) {
    LoadResult loaded = loadScenarioFile(file);
    if (loaded.ok()) {
      scenarios.push_back(std::move(*loaded.scenario));
    } else {
      errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
    }
  }
  return scenarios;
}

namespace {

/// Where each run's trace goes: straight into the trace file with one worker; with several,
/// a part file per run in a private temporary folder, appended in job order.
class TraceParts {
 public:
  TraceParts(const std::optional<fs::path>& file, bool parts) {
    if (!file) return;
    out_.open(*file, std::ios::binary | std::ios::trunc);
    if (!out_) throw std::runtime_error("cannot write the trace file " + file->string());
    file_ = *file;
    if (!parts) return;
    std::string pattern = (fs::temp_directory_path() / "steamsim-trace-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a folder for the trace's parts in " +
                               fs::temp_directory_path().string());
    }
    folder_ = pattern;
  }
  ~TraceParts() {
    if (folder_.empty()) return;
    std::error_code ec;
    fs::remove_all(folder_, ec);
  }
  TraceParts(const TraceParts&) = delete;
  TraceParts& operator=(const TraceParts&) = delete;

  bool enabled() const { return out_.is_open(); }
  bool direct() const { return folder_.empty(); }
  std::ofstream& file() { return out_; }
  fs::path part(std::uint64_t index) const { return folder_ / std::to_string(index); }

  /// Appends a finished run's part (with several workers) and removes it.
  void append(std::uint64_t index) {
    if (!enabled() || direct()) return;
    {
      std::ifstream in(part(index), std::ios::binary);
      if (in.peek() != std::ifstream::traits_type::eof()) out_ << in.rdbuf();
    }
    std::error_code ec;
    fs::remove(part(index), ec);
  }

  /// Throws if anything written so far was lost.
  void check() {
    if (!enabled()) return;
    out_.flush();
    if (!out_) throw std::runtime_error("cannot write the trace file " + file_.string());
  }

 private:
  std::ofstream out_;
  fs::path file_;
  fs::path folder_;
};

}  // namespace

void streamJobs(std::uint64_t count, const std::function<Job(std::uint64_t)>& job,
                const BatchOptions& options) {
  const unsigned workers = static_cast<unsigned>(
      std::max<std::uint64_t>(1, std::min<std::uint64_t>(options.workers, count)));
  TraceParts trace(options.trace_file, workers > 1);
  if (trace.enabled()) TraceWriter::writeHeader(trace.file(), options.trace_format);
  const std::uint64_t window = 4ULL * workers;  // runs started ahead of the oldest unreported

  std::mutex mutex;  // guards everything below and the callbacks
  std::condition_variable ready_for_more;
  std::uint64_t next_job = 0;
  std::uint64_t next_report = 0;
  std::uint64_t done = 0;
  std::map<std::uint64_t, RunResult> finished;
  std::string failure;  // a lost trace part: stops the batch

  const auto work = [&] {
    for (;;) {
      std::uint64_t index = 0;
      {
        std::unique_lock lock(mutex);
        ready_for_more.wait(lock, [&] {
          return next_job >= count || !failure.empty() || next_job - next_report < window;
        });
        if (next_job >= count || !failure.empty()) return;
        index = next_job++;
      }
      const Job made = job(index);
      RunOptions run_options;
      run_options.seed = made.seed;
      run_options.context_before = options.context_before;
      run_options.context_after = options.context_after;
      std::ofstream part;
      std::optional<TraceWriter> writer;
      if (trace.enabled()) {
        if (!trace.direct()) part.open(trace.part(index), std::ios::binary | std::ios::trunc);
        writer.emplace(trace.direct() ? trace.file() : part, options.trace_format,
                       options.trace_filter, index);
        run_options.observers.push_back(&*writer);
      }
      if (options.observers) {
        for (RunObserver* o : options.observers(index, made)) run_options.observers.push_back(o);
      }
      RunResult result = runScenario(*made.scenario, run_options);
      bool part_lost = false;
      if (part.is_open() || (trace.enabled() && !trace.direct())) {
        part.close();
        part_lost = part.fail();
      }

      std::lock_guard lock(mutex);
      if (part_lost && failure.empty()) {
        failure = "cannot write the trace's part " + trace.part(index).string();
      }
      finished.emplace(index, std::move(result));
      ++done;
      if (options.on_progress) options.on_progress(done, count);
      while (!finished.empty() && finished.begin()->first == next_report) {
        trace.append(next_report);
        if (options.on_result) options.on_result(next_report, finished.begin()->second);
        finished.erase(finished.begin());
        ++next_report;
      }
      ready_for_more.notify_all();
    }
  };

  if (workers == 1) {
    work();
  } else {
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (unsigned i = 0; i < workers; ++i) threads.emplace_back(work);
    for (std::thread& t : threads) t.join();
  }
  if (!failure.empty()) throw std::runtime_error(failure);
  if (trace.enabled()) TraceWriter::writeFooter(trace.file(), options.trace_format);
  trace.check();
}

std::vector<RunResult> runJobs(const std::vector<Job>& jobs, const BatchOptions& options) {
  std::vector<RunResult> results(jobs.size());
  BatchOptions collect = options;
  collect.on_result = [&](std::size_t index, const RunResult& result) {
    results[index] = result;
    if (options.on_result) options.on_result(index, result);
  };
  streamJobs(
      jobs.size(), [&](std::uint64_t index) { return jobs[index]; }, collect);
  return results;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> parseSeedRange(std::string_view text) {
  const auto parse = [](std::string_view part) -> std::optional<std::uint64_t> {
    if (part.empty()) return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || end != part.data() + part.size()) return std::nullopt;
    return value;
  };
  const std::size_t dots = text.find("..");
  if (dots == std::string_view::npos) {
    auto one = parse(text);
    if (!one) return std::nullopt;
    return std::pair{*one, *one};
  }
  auto lo = parse(text.substr(0, dots));
  auto hi = parse(text.substr(dots + 2));
  if (!lo || !hi || *lo > *hi) return std::nullopt;
  return std::pair{*lo, *hi};
}

}  // namespace steamsim::scenario
