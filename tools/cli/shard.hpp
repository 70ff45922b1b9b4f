// SPDX-License-Identifier: MIT
#pragma once
// `steamsim run --shard K/N`: the runs of one invocation split into N deterministic parts, so
// N CI jobs can share a sweep.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace steamsim::cli {

/// Runs K-1, K-1+N, K-1+2N, ... (0-based, in file-then-seed order) belong to shard K of N.
struct Shard {
  std::size_t index = 1;  ///< K, from 1
  std::size_t count = 1;  ///< N
};

/// Parses "K/N" with 1 <= K <= N <= 1000000. \return nullopt if malformed.
std::optional<Shard> parseShard(std::string_view text);
/// Why `text` is not a shard, or empty if it is one (for the option's check).
std::string shardProblem(const std::string& text);

}  // namespace steamsim::cli
