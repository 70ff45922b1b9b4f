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
    value("", SourcePos{});
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

  void record(const std::string& pointer, SourcePos value_pos, SourcePos key_pos) {
    map_.entries_[pointer] = SourceMap::Entry{value_pos, key_pos};
  }

  void value(const std::string& pointer, SourcePos key_pos) {
    const SourcePos here = pos_;
    record(pointer, here, key_pos.line == 0 ? here : key_pos);
    const char c = peek();
    if (c == '{') {
      object(pointer);
    } else if (c == '[') {
      array(pointer);
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

  void object(const std::string& pointer) {
    advance();  // {
    SeenKeys seen;
    skipSpace();
    while (!atEnd() && peek() != '}') {
      skipSpace();
      const SourcePos key_pos = pos_;
      std::string key = string();
      std::string member;
      member.reserve(pointer.size() + 1 + key.size());
      member += pointer;
      member += '/';
      appendPointerToken(member, key);
      if (const SourcePos* first = seen.find(key)) {
        map_.duplicates_.push_back({member, key_pos, *first});
      } else {
        seen.add(std::move(key), key_pos);
      }
      skipSpace();
      if (peek() == ':') advance();
      skipSpace();
      value(member, key_pos);
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

  void array(const std::string& pointer) {
    advance();  // [
    skipSpace();
    std::size_t index = 0;
    while (!atEnd() && peek() != ']') {
      value(pointer + "/" + std::to_string(index++), SourcePos{});
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
  std::size_t i_ = 0;
  SourcePos pos_{1, 1};
};

SourceMap SourceMap::build(std::string_view text) {
  SourceMap map;
  map.entries_.reserve(text.size() / 12);  // about one value per dozen bytes of JSON
  Scanner(text, map).run();
  return map;
}

const SourceMap::Entry* SourceMap::find(std::string_view pointer) const {
  std::string p(pointer);
  for (;;) {
    auto it = entries_.find(p);
    if (it != entries_.end()) return &it->second;
    if (p.empty()) return nullptr;
    const std::size_t slash = p.rfind('/');
    p.erase(slash == std::string::npos ? 0 : slash);
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
