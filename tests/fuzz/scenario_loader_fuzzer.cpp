// SPDX-License-Identifier: MIT
// Fuzz target: the scenario loader. Any bytes must load or be rejected with diagnostics,
// never crash or throw, within bounded time and memory (deep nesting, huge numbers and
// thousands of peers included); a scenario that loads survives a round trip through toJson.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "resource_guard.hpp"
#include "steamsim/scenario/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace steamsim::scenario;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Bounds far above what loading any file within the limits needs (16 MiB of text).
  const steamsim::fuzz::ResourceGuard guard(std::chrono::seconds(20), 512 * 1024);
  const LoadResult result = loadScenarioText(text, "fuzz.json");
  guard.check("loading");
  if (!result.ok()) {
    if (result.errors.empty()) std::abort();  // rejected without saying why
    for (const Diagnostic& d : result.errors) {
      if (d.toString().empty() || d.message.empty()) std::abort();
    }
    return 0;
  }
  // A valid scenario written back must load again to the same document.
  const std::string written = toJson(*result.scenario).dump();
  const LoadResult again = loadScenarioText(written, "fuzz.json");
  if (!again.ok() || toJson(*again.scenario).dump() != written) std::abort();
  return 0;
}
