// SPDX-License-Identifier: MIT
#pragma once
// The HTML report's style sheet and script (scenarios/report/*), compiled in.

namespace steamsim::scenario::detail {

extern const char* const kReportCss;
extern const char* const kReportJs;

}  // namespace steamsim::scenario::detail
