// SPDX-License-Identifier: MIT
#pragma once
// The loader's working state: the document, its source map, the diagnostics collected so
// far, and typed readers that report "expected ..., got ..." at the right position.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "source_map.hpp"
#include "steamsim/scenario/loader.hpp"
#include "steamsim/scenario/names.hpp"

namespace steamsim::scenario::detail {

using Json = nlohmann::ordered_json;

/// "\"text\"", "42", "true", "null", "an object", "an array": a value as a message shows it.
std::string describe(const Json& value);
/// A number as people write it ("140", "0.5").
std::string formatNumber(double value);
/// "a, b or c".
std::string joinOr(const std::vector<std::string>& items);

class Loader {
 public:
  Loader(std::string file, const SourceMap& map, std::vector<Diagnostic>& errors,
         const LoadLimits& limits)
      : file_(std::move(file)), map_(map), errors_(errors), limits_(limits) {}

  const LoadLimits& limits() const { return limits_; }

  // ---- reporting ----
  /// An error about the value at `pointer`.
  void error(const std::string& pointer, std::string message);
  /// An error about the member key at `pointer` (unknown or misplaced keys).
  void errorAtKey(const std::string& pointer, std::string message);
  /// A required key is missing from the object at `parent`.
  void missing(const std::string& parent, std::string_view key, std::string_view what);
  std::size_t errorCount() const { return errors_.size(); }
  Origin origin(const std::string& pointer) const { return {pointer, map_.valueAt(pointer)}; }

  // ---- structure ----
  /// false (with an error) unless `value` is an object.
  bool object(const Json& value, const std::string& pointer, std::string_view what = "an object");
  /// false (with an error) unless `value` is an array.
  bool array(const Json& value, const std::string& pointer, std::string_view what = "an array");
  /// Reports every key of `object` not among the keys of `kind` (see acceptedKeys()).
  void checkKeys(const Json& object, const std::string& pointer, std::string_view kind);

  // ---- scalars (each reports its own errors and returns nullopt on any) ----
  std::optional<std::string> string(const Json& value, const std::string& pointer);
  std::optional<bool> boolean(const Json& value, const std::string& pointer);
  /// An integer within lo..hi (a number with a fraction is refused).
  std::optional<std::int64_t> integer(const Json& value, const std::string& pointer,
                                      std::int64_t lo, std::int64_t hi,
                                      std::string_view what = "an integer");
  /// A finite number within lo..hi.
  std::optional<double> number(const Json& value, const std::string& pointer, double lo, double hi,
                               std::string_view what = "a number");
  /// A non-zero 64-bit Steam ID (integer, or decimal digits in a string).
  std::optional<SteamId> steamId(const Json& value, const std::string& pointer, bool allow_zero);
  /// An int or a name from `table`.
  std::optional<int> named(const Json& value, const std::string& pointer,
                           const std::vector<NamedValue>& table, std::string_view what);
  /// One value or an array of values of `named`.
  std::optional<std::vector<int>> namedList(const Json& value, const std::string& pointer,
                                            const std::vector<NamedValue>& table,
                                            std::string_view what);
  /// A time in milliseconds within 0..duration (when the duration is known).
  std::optional<double> time(const Json& value, const std::string& pointer, std::string_view use);

  // ---- names ----
  /// The scenario's peers (indexed once here, so every name look-up is constant time).
  void setPeers(const std::vector<PeerSpec>* peers);
  void setDuration(std::optional<double> duration_ms) { duration_ms_ = duration_ms; }
  std::optional<double> duration() const { return duration_ms_; }
  /// A peer name of the scenario.
  std::optional<std::string> peerName(const Json& value, const std::string& pointer,
                                      bool allow_star = false);
  /// A peer name or a bare Steam ID.
  std::optional<Target> target(const Json& value, const std::string& pointer);
  /// The peer with that name, or null.
  const PeerSpec* findPeer(std::string_view peer_name) const {
    auto it = by_name_.find(std::string(peer_name));
    return it != by_name_.end() ? it->second : nullptr;
  }
  /// The Steam ID of a peer name (which must exist).
  SteamId steamIdOf(std::string_view peer_name) const;
  std::vector<std::string> peerNames() const;

 private:
  std::string file_;
  const SourceMap& map_;
  std::vector<Diagnostic>& errors_;
  const LoadLimits& limits_;
  const std::vector<PeerSpec>* peers_ = nullptr;
  std::unordered_map<std::string, const PeerSpec*> by_name_;
  std::unordered_map<SteamId, const PeerSpec*> by_id_;  // the last peer with that Steam ID
  std::optional<double> duration_ms_;
};

/// "/a/b" + "c" -> "/a/b/c" (escaping the token).
std::string child(const std::string& pointer, std::string_view token);
std::string child(const std::string& pointer, std::size_t index);

// Parts of the loader, one file each.
std::optional<LinkRule> readLinkRule(Loader& loader, const Json& value, const std::string& pointer);
std::optional<TimelineEntry> readTimelineEntry(Loader& loader, const Json& value,
                                               const std::string& pointer);
std::optional<Expectation> readExpectation(Loader& loader, const Json& value,
                                           const std::string& pointer);
/// Checks needing the whole scenario: link values in force at every moment, crash/restart
/// order, actions of ignoring peers, expectations that could never be met.
void crossCheck(Loader& loader, const Scenario& scenario);

}  // namespace steamsim::scenario::detail
