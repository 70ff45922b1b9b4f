#pragma once
// Where the scenario format's documentation and JSON Schema are on this machine, for the
// help text: next to an installed `steamsim` (<prefix>/share/...), else in the source tree
// the program was built from.

#include <string>

namespace steamsim::cli {

/// "Scenario format: <path>; JSON Schema: <path>" with paths that exist, or a sentence
/// naming where they are in steamsim's source when neither copy is found.
std::string documentationLine(const char* argv0);

}  // namespace steamsim::cli
