// SPDX-License-Identifier: MIT
#pragma once
// Parsing a scenario's JSON text into a document that keeps its members in file order.
// nlohmann's own DOM parser looks every new key up by a linear scan of its object, which
// makes an object of n members cost n^2/2 key comparisons (seconds for 10,000 peers); this
// one indexes the members of large objects, so parsing stays linear.

#include <string_view>

#include <nlohmann/json.hpp>

namespace steamsim::scenario::detail {

/// Parses `text` (comments allowed) like nlohmann::ordered_json::parse: members in file
/// order, a repeated key keeps its first position and takes the later value. Throws
/// nlohmann::json::parse_error on a syntax error (and the exceptions nlohmann throws for
/// what it cannot hold).
nlohmann::ordered_json parseDocument(std::string_view text);

}  // namespace steamsim::scenario::detail
