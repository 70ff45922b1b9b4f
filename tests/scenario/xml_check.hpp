// SPDX-License-Identifier: MIT
#pragma once
// A small XML well-formedness check for the JUnit reports: balanced tags, quoted attributes,
// known entities only, no raw '<' or '&' in text, one root element.

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace steamsim::scenario::test {

/// Empty if `xml` is well-formed; otherwise what is wrong and where (byte offset).
inline std::string xmlProblem(std::string_view xml) {
  std::vector<std::string> open;
  std::size_t i = 0;
  bool root_seen = false;
  const auto fail = [&](const std::string& what) { return what + " at byte " + std::to_string(i); };
  const auto entityOk = [&](std::size_t at) {
    const std::size_t semi = xml.find(';', at);
    if (semi == std::string_view::npos || semi - at > 10) return false;
    const std::string_view name = xml.substr(at + 1, semi - at - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") {
      return true;
    }
    if (name.size() >= 2 && name[0] == '#') {
      for (std::size_t k = 1; k < name.size(); ++k) {
        if (!std::isdigit(static_cast<unsigned char>(name[k]))) return false;
      }
      return true;
    }
    return false;
  };
  if (xml.substr(0, 5) == "<?xml") {
    i = xml.find("?>");
    if (i == std::string_view::npos) return "unterminated XML declaration";
    i += 2;
  }
  while (i < xml.size()) {
    const char c = xml[i];
    if (c == '&') {
      if (!entityOk(i)) return fail("bad entity");
      ++i;
      continue;
    }
    if (c != '<') {
      if (open.empty() && !std::isspace(static_cast<unsigned char>(c))) {
        return fail("text outside the root element");
      }
      ++i;
      continue;
    }
    const std::size_t end = xml.find('>', i);
    if (end == std::string_view::npos) return fail("unterminated tag");
    std::string_view tag = xml.substr(i + 1, end - i - 1);
    if (!tag.empty() && tag[0] == '/') {
      const std::string name(tag.substr(1));
      if (open.empty() || open.back() != name) return fail("mismatched </" + name + ">");
      open.pop_back();
      i = end + 1;
      continue;
    }
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (self_closing) tag.remove_suffix(1);
    std::size_t k = 0;
    while (k < tag.size() && !std::isspace(static_cast<unsigned char>(tag[k]))) ++k;
    const std::string name(tag.substr(0, k));
    if (name.empty()) return fail("empty tag name");
    // Attributes: name="value" with no '<' and only known entities inside.
    while (k < tag.size()) {
      while (k < tag.size() && std::isspace(static_cast<unsigned char>(tag[k]))) ++k;
      if (k >= tag.size()) break;
      const std::size_t eq = tag.find('=', k);
      if (eq == std::string_view::npos || eq + 1 >= tag.size() || tag[eq + 1] != '"') {
        return fail("attribute without a quoted value in <" + name + ">");
      }
      const std::size_t close = tag.find('"', eq + 2);
      if (close == std::string_view::npos) return fail("unterminated attribute in <" + name + ">");
      for (std::size_t v = eq + 2; v < close; ++v) {
        if (tag[v] == '<') return fail("'<' inside an attribute");
        if (tag[v] == '&' && !entityOk(i + 1 + v)) return fail("bad entity in an attribute");
      }
      k = close + 1;
    }
    if (open.empty()) {
      if (root_seen) return fail("a second root element <" + name + ">");
      root_seen = true;
    }
    if (!self_closing) open.push_back(name);
    i = end + 1;
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  if (!root_seen) return "no root element";
  return {};
}

/// Number of occurrences of `needle` in `text`.
inline std::size_t countOf(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

}  // namespace steamsim::scenario::test
