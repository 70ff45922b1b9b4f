// SPDX-License-Identifier: MIT
#pragma once
// Positions of every value (and member key) of a JSON text, by JSON pointer, so the loader
// can report "file:line:column: /pointer: ...". Also finds duplicate object keys, which the
// JSON parser would silently collapse.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "steamsim/scenario/model.hpp"

namespace steamsim::scenario::detail {

/// Line and column (1-based, columns in characters) of a byte offset into `text`.
SourcePos positionOf(std::string_view text, std::size_t offset);

/// Escapes one reference token of a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string escapePointerToken(std::string_view token);

class SourceMap {
 public:
  struct DuplicateKey {
    std::string pointer;  ///< pointer of the repeated member (or, past a length cap, of the
                          ///< nearest ancestor that is mapped)
    std::string key;      ///< the repeated key
    SourcePos pos;        ///< position of the repeated key
    SourcePos first;      ///< position of its first occurrence
  };

  /// Maps a text the JSON parser accepted (comments allowed). Never throws; a text it cannot
  /// follow just gives fewer positions.
  static SourceMap build(std::string_view text);

  /// Position of the value at `pointer`, or of its nearest mapped ancestor.
  SourcePos valueAt(std::string_view pointer) const;
  /// Position of the member key at `pointer` (its value's position for array elements).
  SourcePos keyAt(std::string_view pointer) const;
  /// Repeated keys in document order.
  const std::vector<DuplicateKey>& duplicates() const { return duplicates_; }

 private:
  struct Entry {
    SourcePos value;
    SourcePos key;
  };
  /// A mapped pointer: its text is `keys_[offset, offset + length)`.
  struct Stored {
    std::uint64_t hash = 0;
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
    Entry entry;
  };
  friend class Scanner;
  /// Maps `pointer` to `entry` (a pointer mapped before is mapped again).
  void put(std::string_view pointer, const Entry& entry);
  const Entry* exact(std::string_view pointer) const;
  const Entry* find(std::string_view pointer) const;
  /// The slot where `pointer` is, or the empty slot where it would go.
  std::size_t slotOf(std::string_view pointer, std::uint64_t hash) const;
  void grow();

  // An open-addressing table over flat storage: a document of a hundred thousand values is
  // mapped without an allocation per value, and looked up without chasing nodes.
  std::string keys_;                  // every mapped pointer, back to back
  std::vector<Stored> stored_;        // in the order first mapped
  std::vector<std::uint32_t> slots_;  // index into stored_ plus one; 0 is empty
  std::vector<DuplicateKey> duplicates_;
};

}  // namespace steamsim::scenario::detail
