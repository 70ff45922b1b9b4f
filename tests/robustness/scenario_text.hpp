// SPDX-License-Identifier: MIT
#pragma once
// Builders of scenario texts for the robustness tests.

#include <string>

namespace steamsim::scenario::testing {

/// A valid scenario with `peers` peers p0, p1, ...; `extra` is appended inside the top-level
/// object (start it with a comma).
inline std::string scenarioWithPeers(int peers, const std::string& extra = {},
                                     int duration_ms = 1000) {
  std::string text = "{\"duration_ms\": " + std::to_string(duration_ms) + ", \"peers\": {";
  for (int i = 0; i < peers; ++i) {
    if (i > 0) text += ", ";
    text += "\"p" + std::to_string(i) + "\": {\"steam_id\": " + std::to_string(1000 + i) + "}";
  }
  return text + "}" + extra + "}";
}

}  // namespace steamsim::scenario::testing
