// SPDX-License-Identifier: MIT
// Report files: JUnit XML for CI systems and a JSON document for scripts.

#include <cstdio>

#include <nlohmann/json.hpp>

#include "steamsim/scenario/report.hpp"

namespace steamsim::scenario {

namespace {

std::string escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += '?';  // not allowed in XML 1.0
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string seconds(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", ms / 1e3);
  return buffer;
}

std::string details(const CheckResult& check) {
  std::string text = "expected: " + check.expected + "\ngot:      " + check.actual;
  if (!check.explanation.empty()) {
    text += "\nwhy:      " + (check.rule.empty() ? "" : check.rule + ": ") + check.explanation;
    for (const std::string& line : check.proof) text += "\n" + line;
  }
  if (!check.timeline.empty()) {
    text += "\nsession timeline:";
    for (const std::string& line : check.timeline) text += "\n" + line;
  }
  if (!check.context.empty()) {
    text += "\ntrace:\n";
    for (const std::string& line : check.context) text += line + "\n";
  }
  return text;
}

}  // namespace

std::string xmlEscape(std::string_view text) {
  return escape(text, true);
}

void writeJUnit(std::ostream& out, const std::vector<RunResult>& runs) {
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t errors = 0;
  double wall = 0.0;
  for (const RunResult& run : runs) {
    tests += run.checks.size() + (run.error.empty() ? 0U : 1U);
    failures += run.failedChecks();
    errors += run.error.empty() ? 0U : 1U;
    wall += run.wall_ms;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"steamsim\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"" << errors << "\" time=\"" << seconds(wall) << "\">\n";
  for (const RunResult& run : runs) {
    const std::string suite = run.name + " (seed " + std::to_string(run.seed) + ")";
    out << "  <testsuite name=\"" << xmlEscape(suite) << "\" tests=\""
        << run.checks.size() + (run.error.empty() ? 0 : 1) << "\" failures=\"" << run.failedChecks()
        << "\" errors=\"" << (run.error.empty() ? 0 : 1) << "\" skipped=\"0\" time=\""
        << seconds(run.wall_ms) << "\">\n";
    out << "    <properties>\n"
        << "      <property name=\"file\" value=\"" << xmlEscape(run.file) << "\"/>\n"
        << "      <property name=\"seed\" value=\"" << run.seed << "\"/>\n"
        << "      <property name=\"trace_hash\" value=\"" << formatHash(run.trace_hash) << "\"/>\n"
        << "      <property name=\"duration_ms\" value=\"" << run.duration_ms << "\"/>\n"
        << "    </properties>\n";
    if (!run.error.empty()) {
      out << "    <testcase classname=\"" << xmlEscape(run.name) << "\" name=\"run\" file=\""
          << xmlEscape(run.file) << "\" time=\"" << seconds(run.wall_ms) << "\">\n"
          << "      <error message=\"" << xmlEscape(run.error) << "\" type=\"run\">"
          << escape(run.error, false) << "</error>\n"
          << "    </testcase>\n";
    }
    // The checks of a run are decided together, so each gets an equal share of its time.
    const double check_ms =
        run.checks.empty() ? 0.0 : run.wall_ms / static_cast<double>(run.checks.size());
    for (const CheckResult& check : run.checks) {
      out << "    <testcase classname=\"" << xmlEscape(run.name) << "\" name=\""
          << xmlEscape(check.id + ": " + check.title) << "\" file=\"" << xmlEscape(run.file)
          << "\" line=\"" << check.pos.line << "\" time=\"" << seconds(check_ms) << "\"";
      if (check.passed) {
        out << "/>\n";
        continue;
      }
      out << ">\n      <failure message=\""
          << xmlEscape("expected " + check.expected + "; got " + check.actual)
          << "\" type=\"expectation\">" << escape(details(check), false) << "</failure>\n"
          << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

void writeJsonReport(std::ostream& out, const std::vector<RunResult>& runs) {
  using Json = nlohmann::ordered_json;
  Json doc;
  Json list = Json::array();
  std::size_t passed = 0;
  std::size_t checks = 0;
  std::size_t failed_checks = 0;
  for (const RunResult& run : runs) {
    if (run.passed()) ++passed;
    checks += run.checks.size();
    failed_checks += run.failedChecks();
    Json r;
    r["file"] = run.file;
    r["name"] = run.name;
    r["seed"] = run.seed;
    r["passed"] = run.passed();
    if (!run.error.empty()) r["error"] = run.error;
    r["trace_hash"] = formatHash(run.trace_hash);
    r["duration_ms"] = run.duration_ms;
    r["wall_ms"] = run.wall_ms;
    r["trace_events"] = run.trace_events;
    r["datagrams"] = run.counters.datagrams;
    Json cs = Json::array();
    for (const CheckResult& check : run.checks) {
      Json c;
      c["id"] = check.id;
      c["line"] = check.pos.line;
      c["column"] = check.pos.column;
      c["title"] = check.title;
      c["passed"] = check.passed;
      c["expected"] = check.expected;
      c["actual"] = check.actual;
      c["at_ms"] = check.at_ms;
      if (!check.context.empty()) c["trace"] = check.context;
      if (!check.rule.empty()) c["rule"] = check.rule;
      if (!check.explanation.empty()) c["explanation"] = check.explanation;
      if (!check.proof.empty()) c["proof"] = check.proof;
      if (!check.timeline.empty()) c["session_timeline"] = check.timeline;
      cs.push_back(std::move(c));
    }
    r["checks"] = std::move(cs);
    list.push_back(std::move(r));
  }
  doc["runs"] = std::move(list);
  doc["summary"] = {{"runs", runs.size()},
                    {"passed", passed},
                    {"failed", runs.size() - passed},
                    {"checks", checks},
                    {"failed_checks", failed_checks}};
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

}  // namespace steamsim::scenario
