// SPDX-License-Identifier: MIT
#pragma once
// Small, fast, seeded PRNG (xoshiro256**) with independent streams per directed link.
// Never the global rand(): every draw is reproducible from the network seed.

#include <cmath>
#include <cstdint>

#include "steamsim/types.hpp"

namespace steamsim::detail {

/// SplitMix64 step: used to expand seeds into independent states.
constexpr std::uint64_t splitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 1) {
    std::uint64_t s = seed;
    for (auto& word : state_) word = splitMix64(s);
  }

  /// A stream of its own for `from -> to` under `seed`: adding or using another link never
  /// shifts this one's draws.
  static Rng forLink(std::uint64_t seed, SteamId from, SteamId to) {
    return forStream(seed, from, to);
  }
  /// An independent stream keyed by (seed, a, b).
  static Rng forStream(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
    std::uint64_t s = seed;
    std::uint64_t mixed = splitMix64(s);
    s = mixed ^ a;
    mixed = splitMix64(s);
    s = mixed ^ (b * 0xD1B54A32D192ED03ULL);
    return Rng(splitMix64(s));
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17U;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  /// Uniform in [0, 1).
  double uniform01() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  /// true with probability pct / 100.
  bool chancePct(double pct) { return uniform01() * 100.0 < pct; }
  /// Uniform integer in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n) { return next() % n; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << static_cast<unsigned>(k)) | (x >> static_cast<unsigned>(64 - k));
  }
  std::uint64_t state_[4]{};
};

}  // namespace steamsim::detail
