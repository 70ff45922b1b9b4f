// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Reading scenario files: JSON syntax (comments allowed), then every key, type, range and
/// name is checked before anything runs. Problems are reported as
/// `file:line:column: /json/pointer: what was expected, got what`.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "steamsim/scenario/model.hpp"

namespace steamsim::scenario {

/// One problem found in a scenario file.
struct Diagnostic {
  std::string file;     ///< the label the file was loaded under (usually its path)
  SourcePos pos;        ///< 0:0 when the file could not be read at all
  std::string pointer;  ///< JSON pointer of the offending value; empty for syntax errors
  std::string message;  ///< "expected ..., got ..."

  /// `file:line:column: /pointer: message`. The pointer part is left out for syntax errors
  /// and for the document itself, the position when the file could not be read.
  std::string toString() const;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// A loaded scenario, or the reasons it is invalid (sorted by position).
struct LoadResult {
  std::optional<Scenario> scenario;  ///< set only when `errors` is empty
  std::vector<Diagnostic> errors;
  bool ok() const { return scenario.has_value(); }
};

/// Bounds that keep loading and running any scenario file within bounded time and memory
/// (scenarios/README.md, "Limits"). Anything beyond them is refused with a Diagnostic.
struct LoadLimits {
  /// Largest file read, bytes (16 MiB); only regular files are read at all.
  std::uint64_t max_file_bytes = 16U * 1024U * 1024U;
  /// Deepest nesting of objects and arrays (the document itself is level 1).
  std::size_t max_depth = 64;
  /// Most peers in one scenario.
  std::size_t max_peers = 16384;
  /// Most messages all timeline sends together schedule (sends past the end not counted).
  std::uint64_t max_scheduled_sends = 1000000;
  /// Most payload bytes all those messages carry together (256 MiB).
  std::uint64_t max_scheduled_bytes = 256U * 1024U * 1024U;
  /// Most channel reads of all game loops together: every peer's ticks (duration_ms /
  /// poll_ms + 1) times the channels the scenario names.
  std::uint64_t max_poll_ticks = 100000000;
  /// Most messages the `received` expectations examine in all: each one, times the
  /// messages scheduled to its peer.
  std::uint64_t max_check_reads = 200000000;
  /// Most distinct link states the link rules create (links named pairwise, or by a peer
  /// on one end and another on the other end); memory grows with this, not with peers².
  std::size_t max_link_states = 1000000;
};

/// Reads and validates a file. `label` names the file in diagnostics and in
/// Scenario::file (default: the path as given). Refuses anything but a regular file, and
/// files larger than `limits.max_file_bytes`, without reading them. Never throws.
LoadResult loadScenarioFile(const std::filesystem::path& path, std::string label = {},
                            const LoadLimits& limits = {});

/// Validates a scenario held in memory; `label` stands for its file name.
LoadResult loadScenarioText(std::string_view text, std::string label,
                            const LoadLimits& limits = {});

/// The scenario as a document the loader reads back to an equal Scenario (only keys that
/// differ from their defaults or were given are written).
nlohmann::ordered_json toJson(const Scenario& scenario);

}  // namespace steamsim::scenario
