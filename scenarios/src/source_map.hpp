// SPDX-License-Identifier: MIT
#pragma once
// Positions of every value (and member key) of a JSON text, by JSON pointer, so the loader
// can report "file:line:column: /pointer: ...". Also finds duplicate object keys, which the
// JSON parser would silently collapse.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
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
    std::string pointer;  ///< pointer of the repeated member
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
  friend class Scanner;
  const Entry* find(std::string_view pointer) const;

  std::unordered_map<std::string, Entry> entries_;
  std::vector<DuplicateKey> duplicates_;
};

}  // namespace steamsim::scenario::detail
