// Finding, loading and running many scenarios.

#include "steamsim/scenario/batch.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <fstream>
#include <mutex>
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

std::vector<RunResult> runJobs(const std::vector<Job>& jobs, const BatchOptions& options) {
  std::vector<RunResult> results(jobs.size());
  std::vector<bool> finished(jobs.size(), false);
  // Each run writes its trace to a part file next to the trace file; parts are appended in
  // job order as they become ready, so memory stays flat however long the runs are.
  const auto part = [&](std::size_t index) {
    return fs::path(options.trace_file->string() + ".part" + std::to_string(index));
  };
  std::ofstream trace_out;
  if (options.trace_file) {
    trace_out.open(*options.trace_file, std::ios::binary | std::ios::trunc);
    if (!trace_out) {
      throw std::runtime_error("cannot write the trace file " + options.trace_file->string());
    }
    TraceWriter::writeHeader(trace_out, options.trace_format);
  }

  std::mutex mutex;  // guards finished, next_report, done and the callbacks
  std::size_t next_report = 0;
  std::size_t done = 0;
  std::atomic<std::size_t> next_job{0};

  const auto work = [&] {
    for (;;) {
      const std::size_t index = next_job.fetch_add(1);
      if (index >= jobs.size()) return;
      RunOptions run_options;
      run_options.seed = jobs[index].seed;
      run_options.context_before = options.context_before;
      run_options.context_after = options.context_after;
      std::ofstream trace;
      std::optional<TraceWriter> writer;
      if (options.trace_file) {
        trace.open(part(index), std::ios::binary | std::ios::trunc);
        writer.emplace(trace, options.trace_format, options.trace_filter, index);
        run_options.observers.push_back(&*writer);
      }
      if (options.observers) {
        for (RunObserver* o : options.observers(index, jobs[index])) {
          run_options.observers.push_back(o);
        }
      }
      RunResult result = runScenario(*jobs[index].scenario, run_options);
      if (options.trace_file) trace.close();

      std::lock_guard lock(mutex);
      results[index] = std::move(result);
      finished[index] = true;
      ++done;
      if (options.on_progress) options.on_progress(done, jobs.size());
      while (next_report < jobs.size() && finished[next_report]) {
        if (options.trace_file) {
          {
            std::ifstream in(part(next_report), std::ios::binary);
            if (in.peek() != std::ifstream::traits_type::eof()) trace_out << in.rdbuf();
          }
          std::error_code ec;
          fs::remove(part(next_report), ec);
        }
        if (options.on_result) options.on_result(next_report, results[next_report]);
        ++next_report;
      }
    }
  };

  const unsigned workers = std::max(
      1U, std::min(options.workers, static_cast<unsigned>(std::max<std::size_t>(jobs.size(), 1))));
  if (workers == 1) {
    work();
  } else {
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (unsigned i = 0; i < workers; ++i) threads.emplace_back(work);
    for (std::thread& t : threads) t.join();
  }
  if (options.trace_file) {
    TraceWriter::writeFooter(trace_out, options.trace_format);
    trace_out.flush();
    if (!trace_out) {
      throw std::runtime_error("cannot write the trace file " + options.trace_file->string());
    }
  }
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
