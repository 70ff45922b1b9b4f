// SPDX-License-Identifier: MIT
#pragma once
// Half-open ranges of stream offsets [lo, hi) and a sorted set of them.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <vector>

namespace steamsim::detail {

struct ByteRange {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;  ///< exclusive
  std::uint64_t size() const { return hi - lo; }
};

/// Disjoint, sorted, merged ranges. Small in practice (holes in a stream), so a vector.
class RangeSet {
 public:
  /// Adds [lo, hi), merging with neighbours. \return bytes newly covered.
  std::uint64_t add(std::uint64_t lo, std::uint64_t hi);
  /// Removes [lo, hi). \return bytes removed.
  std::uint64_t subtract(std::uint64_t lo, std::uint64_t hi);
  /// true if [lo, hi) is fully covered.
  bool covers(std::uint64_t lo, std::uint64_t hi) const;
  /// Drops everything below `floor`. \return bytes removed.
  std::uint64_t trimBelow(std::uint64_t floor);
  /// First range, if any.
  const ByteRange* front() const { return ranges_.empty() ? nullptr : &ranges_.front(); }
  void popFront() {
    total_ -= ranges_.front().size();
    ranges_.erase(ranges_.begin());
  }
  bool empty() const { return ranges_.empty(); }
  std::uint64_t totalBytes() const { return total_; }
  const std::vector<ByteRange>& ranges() const { return ranges_; }
  void clear() {
    ranges_.clear();
    total_ = 0;
  }

 private:
  std::vector<ByteRange> ranges_;
  std::uint64_t total_ = 0;
};

}  // namespace steamsim::detail
