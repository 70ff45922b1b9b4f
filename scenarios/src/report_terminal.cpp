// SPDX-License-Identifier: MIT
// The terminal report.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "steamsim/scenario/report.hpp"

namespace steamsim::scenario {

namespace {

struct Paint {
  bool on;
  std::string operator()(std::string_view code, std::string_view text) const {
    if (!on) return std::string(text);
    return "\033[" + std::string(code) + "m" + std::string(text) + "\033[0m";
  }
};
constexpr std::string_view kRed = "1;31";
constexpr std::string_view kGreen = "1;32";
constexpr std::string_view kYellow = "33";
constexpr std::string_view kDim = "2";
constexpr std::string_view kBold = "1";

std::string formatMs(double ms) {
  char buffer[32];
  if (ms >= 1000.0) {
    std::snprintf(buffer, sizeof buffer, "%.2f s", ms / 1e3);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.0f ms", ms);
  }
  return buffer;
}

std::string position(const RunResult& run, const CheckResult& check) {
  if (check.pos.line == 0) return run.file;
  return run.file + ":" + std::to_string(check.pos.line) + ":" + std::to_string(check.pos.column);
}

/// Indents every line after the first of a multi-line text.
std::string indentRest(const std::string& text, const std::string& indent) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  return out;
}

}  // namespace

bool isTerminal(int fd) {
  return ::isatty(fd) == 1;
}

bool colorWanted(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return isTerminal(fd);
}

void writeRun(std::ostream& out, const RunResult& run, const TerminalStyle& style) {
  const Paint paint{style.color};
  const bool passed = run.passed();
  if (passed && style.quiet) return;
  const std::size_t failed = run.failedChecks();
  out << (passed ? paint(kGreen, "PASS") : paint(kRed, "FAIL")) << "  " << paint(kBold, run.name)
      << paint(kDim, "  seed " + std::to_string(run.seed) + "  " +
                         std::to_string(run.checks.size() - failed) + "/" +
                         std::to_string(run.checks.size()) + " checks  trace " +
                         formatHash(run.trace_hash) + "  " + formatMs(run.duration_ms) +
                         " simulated in " + formatMs(run.wall_ms))
      << "\n";
  if (!run.error.empty()) {
    out << "      " << paint(kRed, "error:") << " " << run.file
        << ": the run could not complete: " << run.error << "\n";
  }
  for (const CheckResult& check : run.checks) {
    if (check.passed) {
      if (style.verbose) {
        out << "      " << paint(kGreen, "ok") << "    " << check.title << ": "
            << paint(kDim, indentRest(check.actual, "          ")) << "\n";
      }
      continue;
    }
    out << "      " << paint(kRed, "FAILED") << " " << position(run, check) << ": " << check.id
        << ": " << paint(kBold, check.title) << "\n";
    out << "        expected: " << check.expected << "\n";
    out << "        got:      " << indentRest(check.actual, "        ") << "\n";
    if (!check.explanation.empty()) {
      out << "        why:      " << (check.rule.empty() ? "" : paint(kBold, check.rule) + ": ")
          << check.explanation << "\n";
      for (const std::string& line : check.proof) out << line << "\n";
    }
    if (!check.timeline.empty()) {
      out << paint(kYellow, "        session timeline:") << "\n";
      for (const std::string& line : check.timeline) out << paint(kDim, line) << "\n";
    }
    if (!check.context.empty()) {
      char at[32];
      std::snprintf(at, sizeof at, "%.3f", check.at_ms);
      out << paint(kYellow, "        trace around " + std::string(at) + " ms:") << "\n";
      for (const std::string& line : check.context) out << paint(kDim, line) << "\n";
    }
  }
}

void RunTally::add(const RunResult& run) {
  ++runs;
  if (!run.passed()) ++failed_runs;
  if (!run.error.empty()) ++errors;
  checks += run.checks.size();
  failed_checks += run.failedChecks();
  wall_ms += run.wall_ms;
}

void writeSummary(std::ostream& out, const std::vector<RunResult>& runs,
                  const TerminalStyle& style) {
  RunTally tally;
  for (const RunResult& run : runs) tally.add(run);
  writeSummary(out, tally, style);
}

void writeSummary(std::ostream& out, const RunTally& tally, const TerminalStyle& style) {
  const Paint paint{style.color};
  const std::string counts =
      std::to_string(tally.runs) + " run(s), " + std::to_string(tally.runs - tally.failed_runs) +
      " passed, " + std::to_string(tally.failed_runs) + " failed; " + std::to_string(tally.checks) +
      " check(s), " + std::to_string(tally.failed_checks) + " failed" +
      (tally.errors > 0 ? "; " + std::to_string(tally.errors) + " run error(s)" : "");
  out << (tally.failed_runs == 0 ? paint(kGreen, "passed: ") : paint(kRed, "FAILED: ")) << counts
      << paint(kDim, "  (" + formatMs(tally.wall_ms) + " of runs)") << "\n";
}

void writeDiagnostics(std::ostream& out, const std::vector<Diagnostic>& errors,
                      const TerminalStyle& style) {
  const Paint paint{style.color};
  for (const Diagnostic& d : errors) {
    // Exactly Diagnostic::toString(), with the location in bold and the message in red.
    const std::string text = d.toString();
    std::size_t split = d.file.size() + 2;  // "file: "
    if (d.pos.line != 0) {
      split = d.file.size() + std::to_string(d.pos.line).size() +
              std::to_string(d.pos.column).size() + 4;  // "file:l:c: "
    }
    if (!d.pointer.empty()) split += d.pointer.size() + 2;
    split = std::min(split, text.size());
    out << paint(kBold, text.substr(0, split)) << paint(kRed, text.substr(split)) << "\n";
  }
}

}  // namespace steamsim::scenario
