// SPDX-License-Identifier: MIT
#pragma once
// A linear, non-recursive pass over a scenario's raw text before the JSON parser sees it:
// refuses nesting deeper than a limit and numbers no double can hold, each with its
// position and JSON pointer, so neither the parser nor the source map ever meets them.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace steamsim::scenario::detail {

struct PrescanProblem {
  std::size_t offset = 0;  ///< byte offset of the offending value
  std::string pointer;     ///< JSON pointer of the offending value
  std::string message;     ///< "expected ..., got ..."
};

/// Problems of `text` (at most a few; scanning stops at too deep a nesting). Text that is
/// not valid JSON is followed as far as it makes sense; the parser reports its errors.
std::vector<PrescanProblem> prescanText(std::string_view text, std::size_t max_depth);

}  // namespace steamsim::scenario::detail
