// SPDX-License-Identifier: MIT
// steamsim: runs and validates JSON network scenarios against the simulated Steam
// Networking Messages network. Exit status: 0 passed, 1 an expectation failed, 2 invalid input.

#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <steamsim/scenario/batch.hpp>

#include "commands.hpp"
#include "option_checks.hpp"
#include "output_flags.hpp"
#include "serve.hpp"
#include "doc_paths.hpp"
#include "shard.hpp"

namespace {

using steamsim::cli::ColorChoice;

constexpr const char* kExitStatus = R"(
Exit status: 0 every run passed (or every file is valid), 1 an expectation failed,
2 invalid input (a malformed scenario, a missing file, a bad option).
)";

void addCommon(CLI::App& command, steamsim::cli::CommonOptions& common, std::string& color) {
  command
      .add_option("PATH", common.paths,
                  "Scenario files, or folders searched recursively for *.json")
      ->required()
      ->type_name("");
  command
      .add_option("--color", color,
                  "Colour: auto (on a terminal, unless NO_COLOR is set), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN")
      ->default_str("auto");
  command.add_flag("-q,--quiet", common.quiet, "Print only problems and the summary");
}

ColorChoice colorChoice(const std::string& text) {
  if (text == "always") return ColorChoice::Always;
  if (text == "never") return ColorChoice::Never;
  return ColorChoice::Auto;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "steamsim: scripted network scenarios for the simulated Steam Networking Messages API.\n"
      "A scenario names peers (Steam IDs), link conditions over time, actions and expectations;\n"
      "runs use virtual time and are reproducible from their seed.",
      "steamsim"};
  app.require_subcommand(1);
  const std::string exit_status =
      kExitStatus + steamsim::cli::documentationLine(argc > 0 ? argv[0] : nullptr);
  app.footer(exit_status);
  app.set_version_flag("--version", "steamsim " STEAMSIM_VERSION);

  // ---- run ----
  steamsim::cli::RunCommandOptions run;
  std::string run_color = "auto";
  bool no_progress = false;
  CLI::App* run_cmd = app.add_subcommand("run", "Run scenarios and check their expectations");
  run_cmd->footer(
      "\nEvery file is validated first; if any is invalid, nothing runs. Prints one line per\n"
      "run (PASS/FAIL, seed, checks passed, trace hash, time) and, for each failed check, what\n"
      "was expected, what happened and the trace around it.\n"
      "\nExamples:\n"
      "  steamsim run scenarios/library\n"
      "  steamsim run lobby.json --seed 42 --junit report.xml\n"
      "  steamsim run scenarios/library --seeds 1..50 -j 2\n"
      "  steamsim run lobby.json --report lobby.html --pcap lobby.pcap\n"
      "  steamsim run lobby.json --trace lobby.json.trace --trace-format chrome\n" +
      exit_status);
  addCommon(*run_cmd, run.common, run_color);
  CLI::Option* seed = run_cmd->add_option(
      "--seed", run.seed, "Run every scenario with this seed instead of the one in its file");
  seed->type_name("N")->check(steamsim::cli::seedProblem, "");
  CLI::Option* seeds =
      run_cmd
          ->add_option("--seeds", run.seeds,
                       "Sweep: every scenario once per seed from A to B inclusive (e.g. 1..50)")
          ->type_name("A..B")
          ->check(
              [](const std::string& text) {
                return steamsim::scenario::parseSeedRange(text)
                           ? std::string()
                           : "expected A..B with unsigned integers A <= B, got \"" + text + "\"";
              },
              "");
  seed->excludes(seeds);
  run_cmd
      ->add_option("-j,--jobs", run.jobs,
                   "Runs at the same time, each with its own network (0: one per CPU core)")
      ->type_name("N")
      ->default_val(1)
      ->check(CLI::Range(0U, 1024U));
  run_cmd
      ->add_option("--junit", run.junit,
                   "Write a JUnit XML report (a testsuite per run, a testcase per check)")
      ->type_name("FILE")
      ->check(steamsim::cli::fileNameProblem, "");
  run_cmd->add_option("--json", run.json, "Write a JSON report of every run and check")
      ->type_name("FILE")
      ->check(steamsim::cli::fileNameProblem, "");
  run_cmd
      ->add_option("--trace", run.trace,
                   "Write every trace event (datagrams, impairment, API calls, signals, state "
                   "changes) as JSON Lines")
      ->type_name("FILE")
      ->check(steamsim::cli::fileNameProblem, "");
  addOutputOptions(*run_cmd, run.outputs);
  run_cmd
      ->add_option("--context", run.context,
                   "Trace lines shown before a failed check (half as many after)")
      ->type_name("N")
      ->default_val(12)
      ->check(CLI::Range(0, 10000));
  run_cmd
      ->add_option("--shard", run.shard,
                   "Run only part K of N of the runs (files x seeds, in order, run i going to "
                   "part i mod N + 1), to split a sweep across CI jobs")
      ->type_name("K/N")
      ->check([](const std::string& text) { return steamsim::cli::shardProblem(text); }, "");
  run_cmd->add_flag("-v,--verbose", run.verbose, "List every check, passed ones too");
  run_cmd->add_flag("--no-progress", no_progress,
                    "No progress line (shown on a terminal when there is more than one run)");

  // ---- validate ----
  steamsim::cli::CommonOptions validate;
  std::string validate_color = "auto";
  CLI::App* validate_cmd =
      app.add_subcommand("validate", "Check scenario files without running them");
  validate_cmd->footer(
      "\nChecks JSON syntax, every key, type, range, name and timing. Each problem is printed\n"
      "as  file:line:column: /json/pointer: what was expected, got what\n" +
      exit_status);
  addCommon(*validate_cmd, validate, validate_color);

  // ---- list ----
  steamsim::cli::CommonOptions list;
  std::string list_color = "auto";
  CLI::App* list_cmd = app.add_subcommand("list", "List scenarios: file, name and description");
  list_cmd->footer(exit_status);
  addCommon(*list_cmd, list, list_color);

  // ---- serve ----
  steamsim::cli::ServeCommandOptions serve;
  CLI::App* serve_cmd = steamsim::cli::addServeCommand(app, serve);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : steamsim::cli::kExitInvalid;
  }

  steamsim::cli::raiseOpenFileLimit();  // each peer holds a socket
  run.common.color = colorChoice(run_color);
  run.progress = !no_progress;
  validate.color = colorChoice(validate_color);
  list.color = colorChoice(list_color);
  if (run_cmd->parsed()) return steamsim::cli::runCommand(run);
  if (validate_cmd->parsed()) return steamsim::cli::validateCommand(validate);
  if (list_cmd->parsed()) return steamsim::cli::listCommand(list);
  if (serve_cmd->parsed()) return steamsim::cli::serveCommand(serve);
  return steamsim::cli::kExitInvalid;
}
