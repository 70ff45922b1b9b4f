#pragma once
// `steamsim run --shard K/N`: the runs of one invocation split into N deterministic parts, so
// N CI jobs can share a sweep.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace steamsim::cli {

struct Shard {
  std::size_t index = 1;  ///< K, from 1
  std::size_t count = 1;  ///< N
  /// Whether run number `run` (0-based, in file-then-seed order) belongs to this shard.
  bool owns(std::size_t run) const { return run % count == index - 1; }
};

/// Parses "K/N" with 1 <= K <= N <= 1000000. \return nullopt if malformed.
std::optional<Shard> parseShard(std::string_view text);
/// Why `text` is not a shard, or empty if it is one (for the option's check).
std::string shardProblem(const std::string& text);

}  // namespace steamsim::cli
