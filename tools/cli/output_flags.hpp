// SPDX-License-Identifier: MIT
#pragma once
// The command-line flags of `steamsim run`'s extra outputs (see run_outputs.hpp).

#include <CLI/CLI.hpp>

#include "run_outputs.hpp"

namespace steamsim::cli {

/// Adds --report, --pcap, --trace-format and --trace-filter to `command`.
inline void addOutputOptions(CLI::App& command, OutputOptions& outputs) {
  command
      .add_option("--report", outputs.report,
                  "Write one self-contained HTML report: a zoomable timeline per run (messages, "
                  "drops, retransmissions, state changes, signals, link conditions, checks), "
                  "per-link counters and latency histogram")
      ->type_name("FILE.html");
  command
      .add_option("--pcap", outputs.pcap,
                  "Write every datagram that crossed a socket to a pcap file (IPv4/UDP with the "
                  "peers' real ports, run-time timestamps; several runs: one file each, named "
                  "FILE-stem.scenario.seedN.pcap). Wireshark: tools/wireshark/steamsim.lua")
      ->type_name("FILE");
  command
      .add_option("--trace-format", outputs.trace_format,
                  "Format of the --trace file: jsonl (JSON Lines, default) or chrome (Trace "
                  "Event JSON for Perfetto and chrome://tracing)")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"jsonl", "chrome"}));
  command
      .add_option("--trace-filter", outputs.trace_filter,
                  "Keep only some trace events; comma-separated terms: peer=a|b, kind=KIND "
                  "(globs like datagram_*), -peer=..., -kind=..., -keepalive. Repeatable")
      ->type_name("EXPR");
}

}  // namespace steamsim::cli
