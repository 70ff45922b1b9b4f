// SPDX-License-Identifier: MIT
// A small JSON scanner that records where each value starts. It runs only on text the JSON
// parser already accepted, so it follows the grammar without reporting errors.

#include "source_map.hpp"

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace steamsim::scenario::detail {

SourcePos positionOf(std::string_view text, std::size_t offset) {
  SourcePos pos{1, 1};
  const std::size_t end = std::min(offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else if ((c & 0xC0U) != 0x80U) {  // count characters, not UTF-8 continuation bytes
      ++pos.column;
    }
  }
  return pos;
}

namespace {

void appendPointerToken(std::string& out, std::string_view token) {
  if (token.find_first_of("~/") == std::string_view::npos) {
    out += token;
    return;
  }
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
}

// Objects up to this many members look for repeated keys by a linear scan; larger ones
// index their keys.
constexpr std::size_t kIndexKeysFrom = 16;

/// Longer pointers are not mapped: a value under keys of megabytes takes its nearest mapped
/// ancestor's position, so the map stays in proportion to the text.
constexpr std::size_t kMaxMappedPointer = 4096;

}  // namespace

std::string escapePointerToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  appendPointerToken(out, token);
  return out;
}

/// The keys of one object so far, with where each first appeared.
class SeenKeys {
 public:
  const SourcePos* find(const std::string& key) const {
    if (!many_.empty()) {
      auto it = many_.find(key);
      return it == many_.end() ? nullptr : &it->second;
    }
    for (const auto& [name, pos] : few_) {
      if (name == key) return &pos;
    }
    return nullptr;
  }
  void add(std::string key, SourcePos pos) {
    if (many_.empty() && few_.size() < kIndexKeysFrom) {
      few_.emplace_back(std::move(key), pos);
      return;
    }
    if (many_.empty()) {
      for (auto& [name, first] : few_) many_.emplace(std::move(name), first);
      few_.clear();
    }
    many_.emplace(std::move(key), pos);
  }

 private:
  std::vector<std::pair<std::string, SourcePos>> few_;
  std::unordered_map<std::string, SourcePos> many_;
};

class Scanner {
 public:
  Scanner(std::string_view text, SourceMap& map) : text_(text), map_(map) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") advanceBytes(3);  // UTF-8 byte order mark
  }

  void run() {
    skipSpace();
    value(SourcePos{});
  }

 private:
  bool atEnd() const { return i_ >= text_.size(); }
  char peek() const { return atEnd() ? '\0' : text_[i_]; }

  void advance() {
    if (atEnd()) return;
    const auto c = static_cast<unsigned char>(text_[i_]);
    ++i_;
    if (c == '\n') {
      ++pos_.line;
      pos_.column = 1;
    } else if ((c & 0xC0U) != 0x80U) {
      ++pos_.column;
    }
  }
  void advanceBytes(std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) advance();
  }

  void skipSpace() {
    for (;;) {
      const char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
      } else if (c == '/' && i_ + 1 < text_.size() && text_[i_ + 1] == '/') {
        while (!atEnd() && peek() != '\n') advance();
      } else if (c == '/' && i_ + 1 < text_.size() && text_[i_ + 1] == '*') {
        advanceBytes(2);
        while (!atEnd() && !(peek() == '*' && i_ + 1 < text_.size() && text_[i_ + 1] == '/')) {
          advance();
        }
        advanceBytes(2);
      } else {
        return;
      }
    }
  }

  /// The value at path_ (its pointer), whose key (if a member) was at `key_pos`.
  void value(SourcePos key_pos) {
    const SourcePos here = pos_;
    map_.put(path_, SourceMap::Entry{here, key_pos.line == 0 ? here : key_pos});
    const char c = peek();
    if (c == '{') {
      object();
    } else if (c == '[') {
      array();
    } else if (c == '"') {
      (void)string();
    } else {
      while (!atEnd()) {
        const char d = peek();
        if (d == ',' || d == ']' || d == '}' || d == ' ' || d == '\t' || d == '\n' || d == '\r' ||
            d == '/') {
          break;
        }
        advance();
      }
    }
  }

  void object() {
    advance();  // {
    SeenKeys seen;
    const std::size_t parent = path_.size();
    skipSpace();
    while (!atEnd() && peek() != '}') {
      skipSpace();
      const SourcePos key_pos = pos_;
      std::string key = string();
      path_ += '/';
      appendPointerToken(path_, key);
      const std::size_t parent_mapped = mapped_;
      if (path_.size() <= kMaxMappedPointer) mapped_ = path_.size();
      if (const SourcePos* first = seen.find(key)) {
        map_.duplicates_.push_back({path_.substr(0, mapped_), key, key_pos, *first});
      } else {
        seen.add(std::move(key), key_pos);
      }
      skipSpace();
      if (peek() == ':') advance();
      skipSpace();
      value(key_pos);
      path_.resize(parent);
      mapped_ = parent_mapped;
      skipSpace();
      if (peek() == ',') {
        advance();
        skipSpace();
      } else {
        break;
      }
    }
    advance();  // }
  }

  void array() {
    advance();  // [
    const std::size_t parent = path_.size();
    skipSpace();
    std::size_t index = 0;
    while (!atEnd() && peek() != ']') {
      path_ += '/';
      path_ += std::to_string(index++);
      const std::size_t parent_mapped = mapped_;
      if (path_.size() <= kMaxMappedPointer) mapped_ = path_.size();
      value(SourcePos{});
      path_.resize(parent);
      mapped_ = parent_mapped;
      skipSpace();
      if (peek() == ',') {
        advance();
        skipSpace();
      } else {
        break;
      }
    }
    advance();  // ]
  }

  static void appendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::uint32_t hex4() {
    std::uint32_t v = 0;
    for (int k = 0; k < 4 && !atEnd(); ++k) {
      const char h = peek();
      v <<= 4U;
      if (h >= '0' && h <= '9') {
        v |= static_cast<std::uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v |= static_cast<std::uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v |= static_cast<std::uint32_t>(h - 'A' + 10);
      }
      advance();
    }
    return v;
  }

  /// Reads a string literal and returns its decoded text.
  std::string string() {
    std::string out;
    if (peek() != '"') return out;
    advance();
    while (!atEnd() && peek() != '"') {
      char c = peek();
      if (c != '\\') {
        out += c;
        advance();
        continue;
      }
      advance();
      c = peek();
      advance();
      switch (c) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && peek() == '\\') {
            advanceBytes(2);  // \u of the low surrogate
            const std::uint32_t low = hex4();
            cp = 0x10000 + ((cp - 0xD800) << 10U) + (low - 0xDC00);
          }
          appendUtf8(out, cp);
          break;
        }
        default:
          out += c;  // " \ /
      }
    }
    advance();  // closing quote
    return out;
  }

  std::string_view text_;
  SourceMap& map_;
  std::string path_;        // pointer of the value being read
  std::size_t mapped_ = 0;  // length of its longest prefix that is a mapped pointer
  std::size_t i_ = 0;
  SourcePos pos_{1, 1};
};

SourceMap SourceMap::build(std::string_view text) {
  SourceMap map;
  map.stored_.reserve(text.size() / 12);  // about one value per dozen bytes of JSON
  map.keys_.reserve(text.size() * 2);     // each value's pointer spells its parents' too
  Scanner(text, map).run();
  return map;
}

std::size_t SourceMap::slotOf(std::string_view pointer, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
    const std::uint32_t index = slots_[at];
    if (index == 0) return at;
    const Stored& s = stored_[index - 1];
    if (s.hash == hash && std::string_view(keys_).substr(s.offset, s.length) == pointer) return at;
  }
}

void SourceMap::grow() {
  std::vector<std::uint32_t> slots(slots_.empty() ? 64 : slots_.size() * 2, 0);
  slots_.swap(slots);
  const std::size_t mask = slots_.size() - 1;
  for (std::uint32_t i = 0; i < stored_.size(); ++i) {
    std::size_t at = stored_[i].hash & mask;
    while (slots_[at] != 0) at = (at + 1) & mask;
    slots_[at] = i + 1;
  }
}

void SourceMap::put(std::string_view pointer, const Entry& entry) {
  if (pointer.size() > kMaxMappedPointer) return;  // its nearest mapped ancestor stands in
  if (2 * (stored_.size() + 1) > slots_.size()) grow();
  const std::uint64_t hash = std::hash<std::string_view>{}(pointer);
  const std::size_t at = slotOf(pointer, hash);
  if (slots_[at] != 0) {
    stored_[slots_[at] - 1].entry = entry;
    return;
  }
  stored_.push_back({hash, static_cast<std::uint32_t>(keys_.size()),
                     static_cast<std::uint32_t>(pointer.size()), entry});
  keys_ += pointer;
  slots_[at] = static_cast<std::uint32_t>(stored_.size());
}

const SourceMap::Entry* SourceMap::exact(std::string_view pointer) const {
  if (slots_.empty()) return nullptr;
  const std::uint32_t index = slots_[slotOf(pointer, std::hash<std::string_view>{}(pointer))];
  return index == 0 ? nullptr : &stored_[index - 1].entry;
}

const SourceMap::Entry* SourceMap::find(std::string_view pointer) const {
  for (;;) {
    if (const Entry* e = exact(pointer)) return e;
    if (pointer.empty()) return nullptr;
    const std::size_t slash = pointer.rfind('/');
    pointer = pointer.substr(0, slash == std::string_view::npos ? 0 : slash);
  }
}

SourcePos SourceMap::valueAt(std::string_view pointer) const {
  const Entry* e = find(pointer);
  return e != nullptr ? e->value : SourcePos{1, 1};
}

SourcePos SourceMap::keyAt(std::string_view pointer) const {
  const Entry* e = find(pointer);
  return e != nullptr ? e->key : SourcePos{1, 1};
}

}  // namespace steamsim::scenario::detail
