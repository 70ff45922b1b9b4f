// SPDX-License-Identifier: MIT
// Fuzz target: a scenario file loaded and, when valid, run, within bounded time and memory.
// The loader's limits are set small here (a few peers, a short run, little scheduled work),
// so every input the loader accepts must also run quickly: that checks the limits really
// bound what a file can make a run do. Any bytes must be handled without a crash, an
// exception, or crossing the time and memory bounds.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "resource_guard.hpp"
#include "steamsim/scenario/loader.hpp"
#include "steamsim/scenario/runner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace steamsim::scenario;
  const steamsim::fuzz::ResourceGuard guard(std::chrono::seconds(20), 256 * 1024);
  LoadLimits limits;
  limits.max_peers = 16;
  limits.max_scheduled_sends = 2000;
  limits.max_scheduled_bytes = 4 * 1024 * 1024;
  limits.max_poll_ticks = 20000;
  limits.max_link_states = 1000;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const LoadResult loaded = loadScenarioText(text, "fuzz.json", limits);
  guard.check("loading");
  if (!loaded.ok()) {
    if (loaded.errors.empty()) std::abort();  // rejected without saying why
    return 0;
  }
  if (loaded.scenario->clock == ClockChoice::Real) return 0;  // wall-clock time: not here
  const RunResult result = runScenario(*loaded.scenario);
  guard.check("running");
  if (result.checks.size() < loaded.scenario->expectations.size()) std::abort();
  return 0;
}
