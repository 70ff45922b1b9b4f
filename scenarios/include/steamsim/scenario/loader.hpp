// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Reading scenario files: JSON syntax (comments allowed), then every key, type, range and
/// name is checked before anything runs. Problems are reported as
/// `file:line:column: /json/pointer: what was expected, got what`.

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

/// Reads and validates a file. `label` names the file in diagnostics and in
/// Scenario::file (default: the path as given). Never throws.
LoadResult loadScenarioFile(const std::filesystem::path& path, std::string label = {});

/// Validates a scenario held in memory; `label` stands for its file name.
LoadResult loadScenarioText(std::string_view text, std::string label);

/// The scenario as a document the loader reads back to an equal Scenario (only keys that
/// differ from their defaults or were given are written).
nlohmann::ordered_json toJson(const Scenario& scenario);

}  // namespace steamsim::scenario
