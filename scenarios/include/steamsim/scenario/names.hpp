// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Names a scenario file may use for numbers (send flags, results, connection states, end
/// reasons), and the keys the loader accepts in each kind of object.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace steamsim::scenario {

/// A name and its number.
struct NamedValue {
  std::string_view name;
  int value;
};

/// Send flag names: unreliable 0, no_nagle 1, no_delay 4, reliable 8, use_current_thread 16,
/// auto_restart_broken_session 32.
const std::vector<NamedValue>& sendFlagNames();
/// Result names, e.g. "OK", "ConnectFailed", matched case-insensitively ignoring underscores.
const std::vector<NamedValue>& resultNames();
/// Connection state names ("connected", "closed_by_peer", ...).
const std::vector<NamedValue>& connectionStateNames();
/// ConnectionEnd names ("Misc_Timeout", "P2PSessionClosed", ...).
const std::vector<NamedValue>& endReasonNames();

/// The value of `name` in `table`, comparing case-insensitively and ignoring '_'.
std::optional<int> lookupName(const std::vector<NamedValue>& table, std::string_view name);

/// "ConnectFailed (35)"; just the number when it has no name.
std::string resultLabel(int result);
/// "Connected (3)".
std::string connectionStateLabel(int state);
/// "Misc_Timeout (5003)".
std::string endReasonLabel(int reason);
/// "reliable|no_nagle (9)", "unreliable (0)".
std::string sendFlagsLabel(int flags);

/// The object kinds of a scenario file and the keys the loader accepts in each, named as
/// the definitions of scenarios/schema/scenario.schema.json (`scenario` is the document,
/// the others are under `$defs`).
const std::vector<std::pair<std::string, std::vector<std::string>>>& acceptedKeys();

/// Levenshtein distance, for "did you mean" suggestions.
std::size_t editDistance(std::string_view a, std::string_view b);
/// The candidate closest to `word` if it is close enough to be a likely typo.
std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates);

}  // namespace steamsim::scenario
