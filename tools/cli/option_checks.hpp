// SPDX-License-Identifier: MIT
#pragma once
// Checks of command-line values and outputs done before anything runs, so a bad option
// costs nothing and no output silently overwrites an input or another output.

#include <filesystem>
#include <string>
#include <vector>

#include "commands.hpp"

namespace steamsim::cli {

/// "" if `text` is a seed (decimal digits only, 0..18446744073709551615), else why not.
std::string seedProblem(const std::string& text);
/// "" if `text` can name a file (not empty), else why not.
std::string fileNameProblem(const std::string& text);

/// Every problem with the run's output files: one named twice, one that is a scenario
/// being read. Each is a line for the terminal ("--json: ...").
std::vector<std::string> outputProblems(const RunCommandOptions& options,
                                        const std::vector<std::filesystem::path>& inputs);

/// Raises the soft limit on open files to the hard limit (each peer holds a socket).
void raiseOpenFileLimit();

}  // namespace steamsim::cli
