// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Many runs at once: finding scenario files, validating them all, and running scenarios
/// × seeds on parallel workers (each run has its own Network).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "steamsim/scenario/loader.hpp"
#include "steamsim/scenario/runner.hpp"
#include "steamsim/scenario/trace_output.hpp"

namespace steamsim::scenario {

/// The files named by `paths`: files as given, folders searched recursively for *.json
/// (sorted by path). A path that does not exist gives a Diagnostic in `errors`.
std::vector<std::filesystem::path> collectScenarioFiles(const std::vector<std::string>& paths,
                                                        std::vector<Diagnostic>& errors);

/// Loads every file; `errors` gets the diagnostics of all invalid ones.
std::vector<Scenario> loadScenarios(const std::vector<std::filesystem::path>& files,
                                    std::vector<Diagnostic>& errors);

/// One run to make.
struct Job {
  const Scenario* scenario = nullptr;
  std::optional<std::uint64_t> seed;  ///< unset: the scenario's
};

struct BatchOptions {
  unsigned workers = 1;  ///< runs at the same time (at least 1)
  /// When set, every run's trace events are written to this file as JSON Lines, run after
  /// run in job order.
  std::optional<std::filesystem::path> trace_file;
  /// Format of the trace file, and which events it keeps.
  TraceFormat trace_format = TraceFormat::JsonLines;
  TraceFilter trace_filter;
  /// When set, called (from the worker running it) before each run for more observers of
  /// that run, e.g. an HTML report's recorder. They must outlive runJobs.
  std::function<std::vector<RunObserver*>(std::size_t index, const Job& job)> observers;
  std::size_t context_before = 12;
  std::size_t context_after = 6;
  /// Called for each finished run in job order (never concurrently).
  std::function<void(std::size_t index, const RunResult&)> on_result;
  /// Called whenever a run finishes, with how many have finished (never concurrently).
  std::function<void(std::size_t done, std::size_t total)> on_progress;
};

/// Runs every job. \return the results in job order. Throws std::runtime_error if the trace
/// file cannot be written.
std::vector<RunResult> runJobs(const std::vector<Job>& jobs, const BatchOptions& options);

/// Runs `count` jobs, each made only when a worker is ready for it by `job(index)`, so a
/// sweep of any length never holds its job list; each result goes to `options.on_result`
/// in index order and is then dropped (only results finished ahead of a slower earlier run
/// are held, a few per worker). Throws std::runtime_error if the trace cannot be written:
/// before any run when the trace file (or, with several workers, a private folder for the
/// runs' parts) cannot be created; otherwise after the runs.
void streamJobs(std::uint64_t count, const std::function<Job(std::uint64_t index)>& job,
                const BatchOptions& options);

/// Parses "A..B" (inclusive, A <= B) or "N" into a seed range; nullopt if malformed.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parseSeedRange(std::string_view text);

}  // namespace steamsim::scenario
