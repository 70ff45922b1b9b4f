// SPDX-License-Identifier: MIT
// The raw-text pre-scan: nesting depth and overflowing numbers, in one pass with an explicit
// stack (no recursion); the pointer text is built only when a problem is reported.

#include "text_prescan.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "source_map.hpp"

namespace steamsim::scenario::detail {

namespace {

constexpr std::size_t kMaxReported = 16;
constexpr std::size_t kMaxTokenShown = 40;

struct Frame {
  bool object = false;
  bool key_next = false;  // an object expects a key (after '{' or ',')
  std::size_t index = 0;  // array element index
  std::string key;        // the current member's key
};

class Prescan {
 public:
  Prescan(std::string_view text, std::size_t max_depth) : text_(text), max_depth_(max_depth) {}

  std::vector<PrescanProblem> run() {
    while (i_ < text_.size() && problems_.size() < kMaxReported) {
      const char c = text_[i_];
      if (c == '/' && i_ + 1 < text_.size() && (text_[i_ + 1] == '/' || text_[i_ + 1] == '*')) {
        skipComment();
      } else if (c == '"') {
        std::string s = readString();
        if (!stack_.empty() && stack_.back().object && stack_.back().key_next) {
          stack_.back().key = std::move(s);
          stack_.back().key_next = false;
        }
      } else if (c == '{' || c == '[') {
        if (stack_.size() >= max_depth_) {
          problems_.push_back({i_, pointer(),
                               "expected at most " + std::to_string(max_depth_) +
                                   " levels of nested objects and arrays, got deeper nesting"});
          return std::move(problems_);
        }
        stack_.push_back(Frame{c == '{', c == '{', 0, {}});
        ++i_;
      } else if (c == '}' || c == ']') {
        if (!stack_.empty()) stack_.pop_back();
        ++i_;
      } else if (c == ',') {
        if (!stack_.empty()) {
          if (stack_.back().object) {
            stack_.back().key_next = true;
          } else {
            ++stack_.back().index;
          }
        }
        ++i_;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        number();
      } else {
        ++i_;
      }
    }
    return std::move(problems_);
  }

 private:
  void skipComment() {
    if (text_[i_ + 1] == '/') {
      while (i_ < text_.size() && text_[i_] != '\n') ++i_;
      return;
    }
    const std::size_t end = text_.find("*/", i_ + 2);
    i_ = end == std::string_view::npos ? text_.size() : end + 2;
  }

  /// Reads a string literal; keys are decoded only as far as pointers need (escapes of
  /// quotes and backslashes; other escapes are kept as written).
  std::string readString() {
    std::string out;
    ++i_;  // opening quote
    while (i_ < text_.size() && text_[i_] != '"') {
      if (text_[i_] == '\\' && i_ + 1 < text_.size()) {
        const char e = text_[i_ + 1];
        if (e == '"' || e == '\\' || e == '/') {
          out += e;
        } else {
          out += text_.substr(i_, 2);
        }
        i_ += 2;
        continue;
      }
      out += text_[i_++];
    }
    ++i_;  // closing quote
    return out;
  }

  void number() {
    const std::size_t start = i_;
    while (i_ < text_.size()) {
      const char d = text_[i_];
      if ((d >= '0' && d <= '9') || d == '-' || d == '+' || d == '.' || d == 'e' || d == 'E') {
        ++i_;
      } else {
        break;
      }
    }
    const std::string token(text_.substr(start, i_ - start));
    errno = 0;
    const double value = std::strtod(token.c_str(), nullptr);
    if (!std::isinf(value)) return;
    const std::string shown =
        token.size() > kMaxTokenShown ? token.substr(0, kMaxTokenShown - 3) + "..." : token;
    problems_.push_back({start, pointer(), "expected a number a double can hold, got " + shown});
  }

  /// The pointer of the value being read.
  std::string pointer() const {
    std::string out;
    for (const Frame& f : stack_) {
      out += '/';
      out += f.object ? escapePointerToken(f.key) : std::to_string(f.index);
    }
    return out;
  }

  std::string_view text_;
  std::size_t max_depth_;
  std::size_t i_ = 0;
  std::vector<Frame> stack_;
  std::vector<PrescanProblem> problems_;
};

}  // namespace

std::vector<PrescanProblem> prescanText(std::string_view text, std::size_t max_depth) {
  return Prescan(text, max_depth).run();
}

}  // namespace steamsim::scenario::detail
