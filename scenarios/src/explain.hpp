// SPDX-License-Identifier: MIT
#pragma once
// Explaining a failed check: the session timeline of the pair it concerns and the behaviour
// rule (B-number, SPEC §3) that produced the outcome, with the trace lines that show it.

#include <cstdint>
#include <string>
#include <vector>

#include "session_history.hpp"
#include "trace_format.hpp"

namespace steamsim::scenario::detail {

struct Explanation {
  std::string rule;  ///< "B13", or empty when no rule applies
  std::string text;
  std::vector<std::string> proof;
  std::vector<std::string> timeline;
};

/// What the failed check was about, to prefer the finding that answers it.
enum class CheckTopic { Received, SessionRequest, SessionFailed, Session, Action };

/// Explains what happened between `peer` and `remote` up to `until_us` (absolute clock).
/// `start_us` is run time 0, for the printed times.
Explanation explain(const SessionHistory& history, SteamId peer, SteamId remote,
                    std::int64_t until_us, std::int64_t start_us, CheckTopic topic,
                    const NameOf& name);

}  // namespace steamsim::scenario::detail
