// SPDX-License-Identifier: MIT
// Typed readers and error reporting of the loader.

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "loader_support.hpp"

namespace steamsim::scenario::detail {

std::string formatNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

std::string describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::null:
      return "null";
    case Json::value_t::string: {
      std::string text = value.get<std::string>();
      if (text.size() > 40) text = text.substr(0, 37) + "...";
      return Json(text).dump();
    }
    default:
      return value.dump();
  }
}

std::string joinOr(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

std::string child(const std::string& pointer, std::string_view token) {
  return pointer + "/" + escapePointerToken(token);
}

std::string child(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

void Loader::error(const std::string& pointer, std::string message) {
  errors_.push_back({file_, map_.valueAt(pointer), pointer, std::move(message)});
}

void Loader::errorAtKey(const std::string& pointer, std::string message) {
  errors_.push_back({file_, map_.keyAt(pointer), pointer, std::move(message)});
}

void Loader::missing(const std::string& parent, std::string_view key, std::string_view what) {
  errors_.push_back({file_, map_.valueAt(parent), child(parent, key),
                     "expected " + std::string(what) + ", got nothing (\"" + std::string(key) +
                         "\" is required)"});
}

bool Loader::object(const Json& value, const std::string& pointer, std::string_view what) {
  if (value.is_object()) return true;
  error(pointer, "expected " + std::string(what) + ", got " + describe(value));
  return false;
}

bool Loader::array(const Json& value, const std::string& pointer, std::string_view what) {
  if (value.is_array()) return true;
  error(pointer, "expected " + std::string(what) + ", got " + describe(value));
  return false;
}

void Loader::checkKeys(const Json& object, const std::string& pointer, std::string_view kind) {
  const std::vector<std::string>* keys = nullptr;
  for (const auto& [name, list] : acceptedKeys()) {
    if (name == kind) keys = &list;
  }
  if (keys == nullptr) return;
  for (const auto& [key, value] : object.items()) {
    if (std::find(keys->begin(), keys->end(), key) != keys->end()) continue;
    std::string message = "expected one of the keys ";
    for (std::size_t i = 0; i < keys->size(); ++i) {
      if (i > 0) message += ", ";
      message += (*keys)[i];
    }
    message += ", got unknown key " + Json(key).dump();
    if (auto suggestion = nearest(key, *keys))
      message += " (did you mean \"" + *suggestion + "\"?)";
    errorAtKey(child(pointer, key), std::move(message));
  }
}

std::optional<std::string> Loader::string(const Json& value, const std::string& pointer) {
  if (value.is_string()) return value.get<std::string>();
  error(pointer, "expected a string, got " + describe(value));
  return std::nullopt;
}

std::optional<bool> Loader::boolean(const Json& value, const std::string& pointer) {
  if (value.is_boolean()) return value.get<bool>();
  error(pointer, "expected true or false, got " + describe(value));
  return std::nullopt;
}

std::optional<std::int64_t> Loader::integer(const Json& value, const std::string& pointer,
                                            std::int64_t lo, std::int64_t hi,
                                            std::string_view what) {
  const std::string range = " within " + std::to_string(lo) + ".." + std::to_string(hi);
  std::optional<std::int64_t> result;
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      result = static_cast<std::int64_t>(u);
    }
  } else if (value.is_number_integer()) {
    result = value.get<std::int64_t>();
  } else if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15) {
      result = static_cast<std::int64_t>(d);
    } else {
      error(pointer, "expected " + std::string(what) + range + ", got " + describe(value));
      return std::nullopt;
    }
  } else {
    error(pointer, "expected " + std::string(what) + ", got " + describe(value));
    return std::nullopt;
  }
  if (!result || *result < lo || *result > hi) {
    error(pointer, "expected " + std::string(what) + range + ", got " + describe(value));
    return std::nullopt;
  }
  return result;
}

std::optional<double> Loader::number(const Json& value, const std::string& pointer, double lo,
                                     double hi, std::string_view what) {
  if (!value.is_number()) {
    error(pointer, "expected " + std::string(what) + ", got " + describe(value));
    return std::nullopt;
  }
  const double d = value.get<double>();
  if (!(d >= lo && d <= hi)) {
    error(pointer, "expected " + std::string(what) + " within " + formatNumber(lo) + ".." +
                       formatNumber(hi) + ", got " + describe(value));
    return std::nullopt;
  }
  return d;
}

std::optional<SteamId> Loader::steamId(const Json& value, const std::string& pointer,
                                       bool allow_zero) {
  std::optional<SteamId> id;
  if (value.is_number_unsigned()) {
    id = value.get<std::uint64_t>();
  } else if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (!text.empty() && text.size() <= 20 &&
        text.find_first_not_of("0123456789") == std::string::npos) {
      errno = 0;
      char* end = nullptr;
      const unsigned long long parsed = std::strtoull(text.c_str(), &end, 10);
      if (errno == 0 && end != nullptr && *end == '\0') id = static_cast<SteamId>(parsed);
    }
  }
  if (!id) {
    error(pointer, "expected a 64-bit Steam ID (an unsigned integer), got " + describe(value));
    return std::nullopt;
  }
  if (*id == 0 && !allow_zero) {
    error(pointer, "expected a non-zero Steam ID, got 0");
    return std::nullopt;
  }
  return id;
}

std::optional<int> Loader::named(const Json& value, const std::string& pointer,
                                 const std::vector<NamedValue>& table, std::string_view what) {
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (auto v = lookupName(table, text)) return v;
    std::vector<std::string> names;
    for (const NamedValue& entry : table) names.emplace_back(entry.name);
    std::string message = "expected " + std::string(what) + " (a number or one of " +
                          joinOr(names) + "), got " + describe(value);
    if (auto suggestion = nearest(text, names))
      message += " (did you mean \"" + *suggestion + "\"?)";
    error(pointer, std::move(message));
    return std::nullopt;
  }
  if (value.is_number()) {
    auto v = integer(value, pointer, std::numeric_limits<int>::min(),
                     std::numeric_limits<int>::max(), what);
    if (!v) return std::nullopt;
    return static_cast<int>(*v);
  }
  error(pointer, "expected " + std::string(what) + " (a number or a name), got " + describe(value));
  return std::nullopt;
}

std::optional<std::vector<int>> Loader::namedList(const Json& value, const std::string& pointer,
                                                  const std::vector<NamedValue>& table,
                                                  std::string_view what) {
  std::vector<int> out;
  if (!value.is_array()) {
    auto one = named(value, pointer, table, what);
    if (!one) return std::nullopt;
    out.push_back(*one);
    return out;
  }
  if (value.empty()) {
    error(pointer, "expected " + std::string(what) + " or a non-empty array of them, got []");
    return std::nullopt;
  }
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto one = named(value[i], child(pointer, i), table, what);
    if (one) {
      out.push_back(*one);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<double> Loader::time(const Json& value, const std::string& pointer,
                                   std::string_view use) {
  if (!value.is_number()) {
    error(pointer, "expected a time in milliseconds, got " + describe(value));
    return std::nullopt;
  }
  const double t = value.get<double>();
  if (!(t >= 0.0)) {
    error(pointer, "expected a time in milliseconds >= 0, got " + describe(value));
    return std::nullopt;
  }
  if (duration_ms_ && t > *duration_ms_) {
    error(pointer, "expected a time within the run (0.." + formatNumber(*duration_ms_) +
                       " ms, duration_ms), got " + describe(value) + "; " + std::string(use));
    return std::nullopt;
  }
  return t;
}

void Loader::setPeers(const std::vector<PeerSpec>* peers) {
  peers_ = peers;
  by_name_.clear();
  by_id_.clear();
  if (peers_ == nullptr) return;
  for (const PeerSpec& p : *peers_) {
    by_name_.emplace(p.name, &p);
    by_id_[p.steam_id] = &p;
  }
}

std::vector<std::string> Loader::peerNames() const {
  std::vector<std::string> names;
  if (peers_ != nullptr) {
    for (const PeerSpec& p : *peers_) names.push_back(p.name);
  }
  return names;
}

std::optional<std::string> Loader::peerName(const Json& value, const std::string& pointer,
                                            bool allow_star) {
  if (value.is_string()) {
    const std::string& name = value.get_ref<const std::string&>();
    if ((allow_star && name == "*") || by_name_.count(name) != 0) return name;
  }
  // An error: only now list the names (a few of them, in file order).
  constexpr std::size_t kListed = 8;
  constexpr std::size_t kSuggestFrom = 4096;  // "did you mean" looks at this many names
  const std::vector<std::string> names = peerNames();
  std::vector<std::string> quoted;
  const std::size_t listed = names.size() > kListed ? kListed - 1 : names.size();
  for (std::size_t i = 0; i < listed; ++i) quoted.push_back(Json(names[i]).dump());
  if (listed < names.size()) {
    quoted.push_back("one of " + std::to_string(names.size() - listed) + " more");
  }
  if (allow_star) quoted.emplace_back("\"*\"");
  const std::string expected = "expected a peer name (" + joinOr(quoted) + ")";
  std::string message = expected + ", got " + describe(value);
  if (value.is_string() && names.size() <= kSuggestFrom) {
    if (auto suggestion = nearest(value.get<std::string>(), names)) {
      message += " (did you mean \"" + *suggestion + "\"?)";
    }
  }
  error(pointer, std::move(message));
  return std::nullopt;
}

std::optional<Target> Loader::target(const Json& value, const std::string& pointer) {
  if (value.is_number()) {
    auto id = steamId(value, pointer, true);
    if (!id) return std::nullopt;
    Target t;
    t.steam_id = *id;
    if (auto it = by_id_.find(*id); it != by_id_.end()) t.peer = it->second->name;
    return t;
  }
  auto name = peerName(value, pointer);
  if (!name) return std::nullopt;
  return Target{*name, steamIdOf(*name)};
}

SteamId Loader::steamIdOf(std::string_view peer_name) const {
  auto it = by_name_.find(std::string(peer_name));
  return it != by_name_.end() ? it->second->steam_id : 0;
}

}  // namespace steamsim::scenario::detail
