// SPDX-License-Identifier: MIT
#include "byte_range.hpp"

namespace steamsim::detail {

std::uint64_t RangeSet::add(std::uint64_t lo, std::uint64_t hi) {
  if (lo >= hi) return 0;
  // First range whose end reaches lo (could merge).
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), lo,
                             [](const ByteRange& r, std::uint64_t v) { return r.hi < v; });
  std::uint64_t new_lo = lo;
  std::uint64_t new_hi = hi;
  std::uint64_t removed = 0;
  auto first = it;
  while (it != ranges_.end() && it->lo <= hi) {
    new_lo = std::min(new_lo, it->lo);
    new_hi = std::max(new_hi, it->hi);
    removed += it->size();
    ++it;
  }
  it = ranges_.erase(first, it);
  ranges_.insert(it, ByteRange{new_lo, new_hi});
  const std::uint64_t added = (new_hi - new_lo) - removed;
  total_ += added;
  return added;
}

std::uint64_t RangeSet::subtract(std::uint64_t lo, std::uint64_t hi) {
  if (lo >= hi) return 0;
  auto first = std::lower_bound(ranges_.begin(), ranges_.end(), lo,
                                [](const ByteRange& r, std::uint64_t v) { return r.hi <= v; });
  auto last = first;
  std::uint64_t removed = 0;
  while (last != ranges_.end() && last->lo < hi) {
    removed += std::min(last->hi, hi) - std::max(last->lo, lo);
    ++last;
  }
  if (removed == 0) return 0;
  // At most two pieces survive: the part of the first range below lo, and of the last above hi.
  const ByteRange head{first->lo, lo};
  const ByteRange tail{hi, std::prev(last)->hi};
  auto it = ranges_.erase(first, last);
  if (tail.lo < tail.hi) it = ranges_.insert(it, tail);
  if (head.lo < head.hi) ranges_.insert(it, head);
  total_ -= removed;
  return removed;
}

bool RangeSet::covers(std::uint64_t lo, std::uint64_t hi) const {
  if (lo >= hi) return true;
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), lo,
                             [](std::uint64_t v, const ByteRange& r) { return v < r.lo; });
  if (it == ranges_.begin()) return false;
  --it;
  return it->lo <= lo && it->hi >= hi;
}

std::uint64_t RangeSet::trimBelow(std::uint64_t floor) {
  std::uint64_t removed = 0;
  auto it = ranges_.begin();
  while (it != ranges_.end() && it->hi <= floor) {
    removed += it->size();
    ++it;
  }
  it = ranges_.erase(ranges_.begin(), it);
  if (it != ranges_.end() && it->lo < floor) {
    removed += floor - it->lo;
    it->lo = floor;
  }
  total_ -= removed;
  return removed;
}

}  // namespace steamsim::detail
