// SPDX-License-Identifier: MIT
// steamsim run / validate / list.

#include "commands.hpp"
#include "option_checks.hpp"

#include "shard.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <thread>

#include <steamsim/scenario.hpp>

namespace steamsim::cli {

namespace {

namespace sc = steamsim::scenario;

bool colorFor(ColorChoice choice, int fd) {
  switch (choice) {
    case ColorChoice::Always:
      return true;
    case ColorChoice::Never:
      return false;
    case ColorChoice::Auto:
      break;
  }
  return sc::colorWanted(fd);
}

/// Finds and loads the scenarios; prints every problem. \return false if any input is invalid.
bool loadAll(const CommonOptions& options, std::vector<sc::Scenario>& scenarios,
             const sc::TerminalStyle& err_style, std::size_t* invalid_files = nullptr) {
  std::vector<sc::Diagnostic> errors;
  const auto files = sc::collectScenarioFiles(options.paths, errors);
  std::size_t bad = 0;
  for (const auto& file : files) {
    sc::LoadResult loaded = sc::loadScenarioFile(file);
    if (loaded.ok()) {
      scenarios.push_back(std::move(*loaded.scenario));
    } else {
      ++bad;
      errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
    }
  }
  sc::writeDiagnostics(std::cerr, errors, err_style);
  if (invalid_files != nullptr) *invalid_files = bad;
  return errors.empty();
}

/// `text` word-wrapped to `width` columns, every line starting with `indent`.
std::string wrap(const std::string& text, const std::string& indent, std::size_t width) {
  std::string out;
  std::string line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}

/// Opens a report file for writing, or prints why not.
bool openReport(const std::string& path, const char* flag, std::ofstream& out) {
  out.open(path, std::ios::binary | std::ios::trunc);
  if (out) return true;
  std::cerr << "steamsim: " << flag << ": cannot write " << path << "\n";
  return false;
}

}  // namespace

int runCommand(const RunCommandOptions& options) {
  sc::TerminalStyle out_style;
  out_style.color = colorFor(options.common.color, STDOUT_FILENO);
  out_style.quiet = options.common.quiet;
  out_style.verbose = options.verbose;
  sc::TerminalStyle err_style;
  err_style.color = colorFor(options.common.color, STDERR_FILENO);

  std::vector<sc::Scenario> scenarios;
  std::size_t invalid = 0;
  if (!loadAll(options.common, scenarios, err_style, &invalid)) {
    std::cerr << "steamsim: nothing was run: "
              << (invalid > 0 ? std::to_string(invalid) + " invalid scenario file(s)"
                              : std::string("invalid paths"))
              << "\n";
    return kExitInvalid;
  }

  // Every output checked before anything runs: none may overwrite an input or another.
  std::vector<std::filesystem::path> inputs;
  for (const sc::Scenario& s : scenarios) inputs.emplace_back(s.file);
  const std::vector<std::string> output_problems = outputProblems(options, inputs);
  for (const std::string& problem : output_problems) std::cerr << "steamsim: " << problem << "\n";
  if (!output_problems.empty()) return kExitInvalid;

  // Runs are made one at a time as workers are ready: a sweep never holds its job list.
  std::uint64_t first_seed = 0;
  std::uint64_t seeds_per_scenario = 1;
  if (!options.seeds.empty()) {
    const auto range = sc::parseSeedRange(options.seeds);  // validated by the parser already
    first_seed = range->first;
    seeds_per_scenario = range->second - range->first + 1;  // 0: all 2^64 seeds
    if (!scenarios.empty() &&
        (seeds_per_scenario == 0 ||
         seeds_per_scenario > std::numeric_limits<std::uint64_t>::max() / scenarios.size())) {
      std::cerr << "steamsim: --seeds: expected a sweep of fewer than 2^64 runs in all, got "
                << options.seeds << " for " << scenarios.size() << " scenario(s)\n";
      return kExitInvalid;
    }
  }
  const std::uint64_t all_runs = seeds_per_scenario * scenarios.size();
  // A shard takes every N-th run from its K-th, in file-then-seed order.
  std::uint64_t shard_first = 0;
  std::uint64_t shard_stride = 1;
  std::uint64_t run_count = all_runs;
  if (!options.shard.empty()) {
    const Shard shard = *parseShard(options.shard);  // validated by the parser already
    shard_first = shard.index - 1;
    shard_stride = shard.count;
    run_count = all_runs > shard_first ? (all_runs - shard_first - 1) / shard_stride + 1 : 0;
    if (!options.common.quiet) {
      std::cout << "shard " << shard.index << "/" << shard.count << ": " << run_count << " of "
                << all_runs << " run(s)\n";
    }
  }
  const auto jobAt = [&](std::uint64_t local) {
    const std::uint64_t index = shard_first + local * shard_stride;
    sc::Job job{&scenarios[index / seeds_per_scenario], options.seed};
    if (!options.seeds.empty()) job.seed = first_seed + index % seeds_per_scenario;
    return job;
  };

  // Open report files before running, so a bad path costs nothing.
  std::ofstream junit;
  std::ofstream json;
  if (!options.junit.empty() && !openReport(options.junit, "--junit", junit)) return kExitInvalid;
  if (!options.json.empty() && !openReport(options.json, "--json", json)) return kExitInvalid;

  sc::BatchOptions batch;
  batch.workers =
      options.jobs == 0 ? std::max(1U, std::thread::hardware_concurrency()) : options.jobs;
  batch.context_before = options.context;
  batch.context_after = options.context / 2;
  if (!options.trace.empty()) batch.trace_file = options.trace;

  // --report and --pcap keep something per run, so only they need the runs listed.
  std::vector<sc::Job> listed_jobs;
  if (!options.outputs.report.empty() || !options.outputs.pcap.empty()) {
    if (run_count > kMaxRunsWithOutputs) {
      std::cerr << "steamsim: --report/--pcap: expected at most " << kMaxRunsWithOutputs
                << " runs, got " << run_count << " (split the sweep with --shard)\n";
      return kExitInvalid;
    }
    listed_jobs.reserve(static_cast<std::size_t>(run_count));
    for (std::uint64_t i = 0; i < run_count; ++i) listed_jobs.push_back(jobAt(i));
  }
  RunOutputs outputs;
  if (const std::string error = outputs.prepare(options.outputs, listed_jobs, batch);
      !error.empty()) {
    std::cerr << "steamsim: " << error << "\n";
    return kExitInvalid;
  }

  const bool progress = options.progress && run_count > 1 && sc::isTerminal(STDERR_FILENO);
  std::size_t failed_so_far = 0;
  std::string progress_line;
  const auto clearProgress = [&] {
    if (progress && !progress_line.empty()) std::cerr << "\r\033[K" << std::flush;
  };
  batch.on_progress = [&](std::size_t done, std::size_t total) {
    if (!progress) return;
    progress_line = "[" + std::to_string(done) + "/" + std::to_string(total) + "] " +
                    std::to_string(failed_so_far) + " failed";
    std::cerr << "\r\033[K" << progress_line << std::flush;
  };
  // Results are kept only for the report files; the summary needs counts alone.
  const bool keep_results = junit.is_open() || json.is_open();
  std::vector<sc::RunResult> results;
  sc::RunTally tally;
  batch.on_result = [&](std::size_t index, const sc::RunResult& result) {
    outputs.onResult(index, result);
    tally.add(result);
    if (keep_results) results.push_back(result);
    if (!result.passed()) ++failed_so_far;
    if (result.passed() && out_style.quiet) return;
    clearProgress();
    sc::writeRun(std::cout, result, out_style);
    std::cout << std::flush;
    if (progress && !progress_line.empty()) std::cerr << progress_line << std::flush;
  };

  try {
    sc::streamJobs(run_count, jobAt, batch);
  } catch (const std::exception& e) {
    clearProgress();
    std::cerr << "steamsim: --trace: " << e.what() << "\n";
    return kExitInvalid;
  }
  clearProgress();
  sc::writeSummary(std::cout, tally, out_style);
  if (const std::string error = outputs.finish(); !error.empty()) {
    std::cerr << "steamsim: " << error << "\n";
    return kExitInvalid;
  }

  if (junit.is_open()) {
    sc::writeJUnit(junit, results);
    junit.flush();
    if (!junit) {
      std::cerr << "steamsim: --junit: cannot write " << options.junit << "\n";
      return kExitInvalid;
    }
  }
  if (json.is_open()) {
    sc::writeJsonReport(json, results);
    json.flush();
    if (!json) {
      std::cerr << "steamsim: --json: cannot write " << options.json << "\n";
      return kExitInvalid;
    }
  }
  return tally.failed_runs > 0 ? kExitFailed : kExitPassed;
}

int validateCommand(const CommonOptions& options) {
  sc::TerminalStyle err_style;
  err_style.color = colorFor(options.color, STDERR_FILENO);
  std::vector<sc::Diagnostic> path_errors;
  const auto files = sc::collectScenarioFiles(options.paths, path_errors);
  sc::writeDiagnostics(std::cerr, path_errors, err_style);
  std::size_t valid = 0;
  for (const auto& file : files) {
    sc::LoadResult loaded = sc::loadScenarioFile(file);
    if (!loaded.ok()) {
      sc::writeDiagnostics(std::cerr, loaded.errors, err_style);
      continue;
    }
    ++valid;
    if (!options.quiet) {
      const sc::Scenario& s = *loaded.scenario;
      std::cout << "ok  " << file.string() << "  \"" << s.name << "\": " << s.peers.size()
                << " peer(s), " << s.timeline.size() << " timeline entr"
                << (s.timeline.size() == 1 ? "y" : "ies") << ", " << s.expectations.size()
                << " expectation(s)\n";
    }
  }
  const std::size_t invalid = files.size() - valid;
  const bool ok = invalid == 0 && path_errors.empty();
  // With no file to count (only bad paths), the path errors say it all.
  if (!files.empty() && (!options.quiet || !ok)) {
    std::cout << valid << " valid, " << invalid << " invalid scenario file(s)\n";
  }
  return ok ? kExitPassed : kExitInvalid;
}

int listCommand(const CommonOptions& options) {
  sc::TerminalStyle err_style;
  err_style.color = colorFor(options.color, STDERR_FILENO);
  std::vector<sc::Scenario> scenarios;
  const bool ok = loadAll(options, scenarios, err_style);
  for (const sc::Scenario& s : scenarios) {
    std::cout << s.file << "\n  " << s.name << "\n";
    if (!s.description.empty() && !options.quiet) std::cout << wrap(s.description, "    ", 96);
  }
  return ok ? kExitPassed : kExitInvalid;
}

}  // namespace steamsim::cli
