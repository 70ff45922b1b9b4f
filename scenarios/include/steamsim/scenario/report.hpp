#pragma once
/// \file
/// Reports of scenario runs: the terminal summary, JUnit XML and a JSON document.

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "steamsim/scenario/loader.hpp"
#include "steamsim/scenario/runner.hpp"

namespace steamsim::scenario {

/// How the terminal report looks.
struct TerminalStyle {
  bool color = false;    ///< ANSI colours
  bool verbose = false;  ///< list every check of passing runs too
  bool quiet = false;    ///< only failed runs and the summary
};

/// true if `fd` is a terminal and the NO_COLOR environment variable is unset or empty.
bool colorWanted(int fd);
/// true if `fd` is a terminal.
bool isTerminal(int fd);

/// One run: a PASS/FAIL line with the seed, the checks count, the trace hash and timing; for
/// a failed run, each failed check with what was expected, what happened and its trace.
void writeRun(std::ostream& out, const RunResult& run, const TerminalStyle& style);
/// The closing summary: runs, checks, failures.
void writeSummary(std::ostream& out, const std::vector<RunResult>& runs,
                  const TerminalStyle& style);
/// Invalid files: every diagnostic, one per line.
void writeDiagnostics(std::ostream& out, const std::vector<Diagnostic>& errors,
                      const TerminalStyle& style);

/// JUnit XML: one <testsuite> per run, one <testcase> per check (its time an equal share of
/// the run's wall time), <failure> with the message and the details, <error> when the run
/// could not complete.
void writeJUnit(std::ostream& out, const std::vector<RunResult>& runs);
/// A JSON document with every run, every check and a summary.
void writeJsonReport(std::ostream& out, const std::vector<RunResult>& runs);

/// `text` with &, <, >, " and ' escaped and characters XML 1.0 forbids replaced.
std::string xmlEscape(std::string_view text);

}  // namespace steamsim::scenario
