// SPDX-License-Identifier: MIT
#pragma once
// Trace events as text: one readable line for failure context, one JSON object per line for
// --trace files.

#include <cstdint>
#include <functional>
#include <string>

#include "steamsim/trace.hpp"

namespace steamsim::scenario::detail {

/// Name of a Steam ID for display: the peer's name, or the number.
using NameOf = std::function<std::string(SteamId)>;

/// "   12.345 ms  datagram_dropped     guest -> host  1300 B  loss".
std::string formatTraceLine(const TraceEvent& event, std::int64_t start_us, const NameOf& name);

/// {"run":..,"seed":..,"t_us":..,"kind":..,"from":..,"to":..,...} without a newline.
std::string traceJsonLine(const TraceEvent& event, std::int64_t start_us, const NameOf& name,
                          const std::string& run_name, std::uint64_t seed);

}  // namespace steamsim::scenario::detail
