// steamsim run / validate / list.

#include "commands.hpp"

#include <unistd.h>

#include <fstream>
#include <iostream>
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

  std::vector<sc::Job> jobs;
  if (!options.seeds.empty()) {
    const auto range = sc::parseSeedRange(options.seeds);  // validated by the parser already
    for (const sc::Scenario& s : scenarios) {
      for (std::uint64_t seed = range->first;; ++seed) {
        jobs.push_back({&s, seed});
        if (seed == range->second) break;
      }
    }
  } else {
    for (const sc::Scenario& s : scenarios) jobs.push_back({&s, options.seed});
  }

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

  RunOutputs outputs;
  if (const std::string error = outputs.prepare(options.outputs, jobs, batch); !error.empty()) {
    std::cerr << "steamsim: " << error << "\n";
    return kExitInvalid;
  }

  const bool progress = options.progress && jobs.size() > 1 && sc::isTerminal(STDERR_FILENO);
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
  batch.on_result = [&](std::size_t index, const sc::RunResult& result) {
    outputs.onResult(index, result);
    if (!result.passed()) ++failed_so_far;
    if (result.passed() && out_style.quiet) return;
    clearProgress();
    sc::writeRun(std::cout, result, out_style);
    std::cout << std::flush;
    if (progress && !progress_line.empty()) std::cerr << progress_line << std::flush;
  };

  std::vector<sc::RunResult> results;
  try {
    results = sc::runJobs(jobs, batch);
  } catch (const std::exception& e) {
    clearProgress();
    std::cerr << "steamsim: --trace: " << e.what() << "\n";
    return kExitInvalid;
  }
  clearProgress();
  sc::writeSummary(std::cout, results, out_style);
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
  for (const sc::RunResult& r : results) {
    if (!r.passed()) return kExitFailed;
  }
  return kExitPassed;
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
  if (!options.quiet || !ok) {
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
