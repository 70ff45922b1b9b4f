// SPDX-License-Identifier: MIT
// Loading a scenario: syntax, then the document's top level, peers, config and links.
// Timeline entries, expectations and whole-scenario checks are in their own files.

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "fields.hpp"
#include "file_reader.hpp"
#include "json_document.hpp"
#include "loader_support.hpp"
#include "text_prescan.hpp"

namespace steamsim::scenario {

std::string Diagnostic::toString() const {
  if (pos.line == 0) return file + ": " + message;
  std::string out = file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": ";
  if (!pointer.empty()) out += pointer + ": ";
  return out + message;
}

namespace {

using detail::child;
using detail::describe;
using detail::Json;
using detail::Loader;

constexpr double kMaxDurationMs = 86400000.0;  // one day
constexpr std::int64_t kMaxPollMs = 60000;

/// The syntax error of nlohmann's message without its "[json.exception...] ... : " prefix.
std::string syntaxMessage(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  const std::size_t colon = what.find(": ");
  if (colon != std::string::npos) what = what.substr(colon + 2);
  return "invalid JSON: " + what;
}

std::optional<PeerSpec> readPeer(Loader& loader, const std::string& name, const Json& value,
                                 const std::string& pointer) {
  if (name.empty() || name == "*") {
    loader.errorAtKey(pointer,
                      "expected a peer name other than \"\" and \"*\", got " + Json(name).dump());
    return std::nullopt;
  }
  if (!loader.object(value, pointer, "a peer object ({\"steam_id\": ...})")) return std::nullopt;
  loader.checkKeys(value, pointer, "peer");
  const std::size_t errors_before = loader.errorCount();
  PeerSpec peer;
  peer.name = name;
  peer.origin = loader.origin(pointer);
  if (auto it = value.find("steam_id"); it != value.end()) {
    if (auto id = loader.steamId(*it, child(pointer, "steam_id"), false)) peer.steam_id = *id;
  } else {
    loader.missing(pointer, "steam_id", "a Steam ID");
  }
  if (auto it = value.find("accept"); it != value.end()) {
    const std::string p = child(pointer, "accept");
    const std::string text = it->is_string() ? it->get<std::string>() : std::string();
    if (text == "auto") {
      peer.accept = AcceptPolicy::Auto;
    } else if (text == "manual") {
      peer.accept = AcceptPolicy::Manual;
    } else if (text == "ignore") {
      peer.accept = AcceptPolicy::Ignore;
    } else {
      loader.error(p, "expected \"auto\", \"manual\" or \"ignore\", got " + describe(*it));
    }
  }
  if (auto it = value.find("poll_ms"); it != value.end()) {
    if (auto v = loader.integer(*it, child(pointer, "poll_ms"), 1, kMaxPollMs,
                                "a period in milliseconds")) {
      peer.poll_ms = static_cast<int>(*v);
    }
  }
  if (auto it = value.find("reading"); it != value.end()) {
    if (auto v = loader.boolean(*it, child(pointer, "reading"))) peer.reading = *v;
  }
  if (auto it = value.find("external"); it != value.end()) {
    if (auto v = loader.boolean(*it, child(pointer, "external"))) peer.external = *v;
  }
  if (auto it = value.find("game"); it != value.end()) {
    if (auto v = loader.boolean(*it, child(pointer, "game"))) peer.game = *v;
  }
  if (loader.errorCount() != errors_before) return std::nullopt;
  return peer;
}

void readPeers(Loader& loader, const Json& doc, Scenario& s) {
  auto it = doc.find("peers");
  if (it == doc.end()) {
    loader.missing("", "peers", "an object of peers ({\"name\": {\"steam_id\": ...}})");
    return;
  }
  const std::string pointer = "/peers";
  if (!loader.object(*it, pointer, "an object of peers ({\"name\": {\"steam_id\": ...}})")) return;
  if (it->empty()) {
    loader.error(pointer, "expected at least one peer, got {}");
    return;
  }
  if (it->size() > loader.limits().max_peers) {
    loader.error(pointer, "expected at most " + std::to_string(loader.limits().max_peers) +
                              " peers, got " + std::to_string(it->size()));
    return;
  }
  for (const auto& [name, value] : it->items()) {
    if (auto peer = readPeer(loader, name, value, child(pointer, name))) {
      s.peers.push_back(std::move(*peer));
    } else {
      // Keep the name known so references to it do not cascade into more errors.
      PeerSpec placeholder;
      placeholder.name = name;
      s.peers.push_back(placeholder);
    }
  }
  std::unordered_map<SteamId, const PeerSpec*> first_with_id;
  for (const PeerSpec& peer : s.peers) {
    if (peer.steam_id == 0) continue;
    auto [seen, inserted] = first_with_id.emplace(peer.steam_id, &peer);
    if (!inserted) {
      loader.error(child(child(pointer, peer.name), "steam_id"),
                   "expected a Steam ID no other peer has, got " + std::to_string(peer.steam_id) +
                       " (already the Steam ID of \"" + seen->second->name + "\")");
    }
  }
}

void readConfig(Loader& loader, const Json& value, Scenario& s) {
  const std::string pointer = "/config";
  if (!loader.object(value, pointer, "an object of NetworkConfig overrides")) return;
  loader.checkKeys(value, pointer, "config");
  for (const auto& f : detail::configIntFields()) {
    auto it = value.find(std::string(f.key));
    if (it == value.end()) continue;
    if (auto v = loader.integer(*it, child(pointer, f.key), f.min, f.max)) {
      s.config.*f.patch = *v;
    }
  }
  if (auto it = value.find("embed_callbacks"); it != value.end()) {
    if (auto v = loader.boolean(*it, child(pointer, "embed_callbacks"))) {
      s.config.embed_callbacks = *v;
    }
  }
  // NetworkConfig's own range checks, reported at the key they name.
  NetworkConfig config;
  s.config.applyTo(config);
  for (const std::string& problem : config.validate()) {
    const std::string field = problem.substr(0, problem.find(' '));
    for (const auto& f : detail::configIntFields()) {
      if (f.config_name == field) {
        loader.error(child(pointer, f.key), std::string(f.key) + problem.substr(field.size()));
      }
    }
  }
}

void readTopLevel(Loader& loader, const Json& doc, Scenario& s) {
  if (auto it = doc.find("$schema"); it != doc.end()) (void)loader.string(*it, "/$schema");
  if (auto it = doc.find("name"); it != doc.end()) {
    if (auto v = loader.string(*it, "/name")) {
      if (v->empty()) {
        loader.error("/name", "expected a non-empty name, got \"\"");
      } else {
        s.name = *v;
      }
    }
  }
  if (auto it = doc.find("description"); it != doc.end()) {
    if (auto v = loader.string(*it, "/description")) s.description = *v;
  }
  if (auto it = doc.find("seed"); it != doc.end()) {
    if (it->is_number_unsigned()) {
      s.seed = it->get<std::uint64_t>();
    } else {
      loader.error("/seed", "expected an unsigned 64-bit integer, got " + describe(*it));
    }
  }
  if (auto it = doc.find("duration_ms"); it != doc.end()) {
    const double v = it->is_number() ? it->get<double>() : 0.0;
    if (!it->is_number() || !(v > 0.0 && v <= kMaxDurationMs)) {
      loader.error("/duration_ms",
                   "expected a duration in milliseconds > 0 and <= 86400000 (one day), got " +
                       describe(*it));
    } else {
      s.duration_ms = v;
      loader.setDuration(v);
    }
  } else {
    loader.missing("", "duration_ms", "the length of the run in milliseconds");
  }
  if (auto it = doc.find("clock"); it != doc.end()) {
    const std::string text = it->is_string() ? it->get<std::string>() : std::string();
    if (text == "virtual") {
      s.clock = ClockChoice::Virtual;
    } else if (text == "real") {
      s.clock = ClockChoice::Real;
    } else {
      loader.error("/clock", "expected \"virtual\" or \"real\", got " + describe(*it));
    }
  }
  if (auto it = doc.find("config"); it != doc.end()) readConfig(loader, *it, s);
}

template <typename T, typename Read>
void readList(Loader& loader, const Json& doc, const char* key, std::vector<T>& out, Read read,
              std::string_view what) {
  auto it = doc.find(key);
  if (it == doc.end()) return;
  const std::string pointer = std::string("/") + key;
  if (!loader.array(*it, pointer, what)) return;
  for (std::size_t i = 0; i < it->size(); ++i) {
    if (auto item = read(loader, (*it)[i], child(pointer, i))) out.push_back(std::move(*item));
  }
}

std::string fileStem(const std::string& label) {
  std::string stem = label;
  const std::size_t slash = stem.find_last_of("/\\");
  if (slash != std::string::npos) stem = stem.substr(slash + 1);
  const std::size_t dot = stem.rfind('.');
  if (dot != std::string::npos && dot > 0) stem = stem.substr(0, dot);
  return stem;
}

bool byPosition(const Diagnostic& a, const Diagnostic& b) {
  if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
  return a.pos.column < b.pos.column;
}

}  // namespace

LoadResult loadScenarioText(std::string_view text, std::string label, const LoadLimits& limits) {
  LoadResult result;
  if (text.size() > limits.max_file_bytes) {
    result.errors.push_back({label, SourcePos{}, "",
                             "expected a scenario of at most " +
                                 std::to_string(limits.max_file_bytes) + " bytes, got " +
                                 std::to_string(text.size()) + " bytes"});
    return result;
  }
  // Nesting and overflowing numbers first: the parser and the source map then only meet
  // bounded depth, and an overflowing number is reported where it is, with its pointer.
  for (const detail::PrescanProblem& p : detail::prescanText(text, limits.max_depth)) {
    result.errors.push_back({label, detail::positionOf(text, p.offset), p.pointer, p.message});
  }
  if (!result.errors.empty()) return result;
  Json doc;
  try {
    doc = detail::parseDocument(text);
  } catch (const nlohmann::json::parse_error& e) {
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    result.errors.push_back({label, detail::positionOf(text, offset), "", syntaxMessage(e)});
    return result;
  } catch (const nlohmann::json::exception& e) {
    // The pre-scan refuses what the parser cannot hold; this is only a safety net.
    result.errors.push_back({label, SourcePos{1, 1}, "", std::string("invalid JSON: ") + e.what()});
    return result;
  }
  const detail::SourceMap map = detail::SourceMap::build(text);
  Loader loader(label, map, result.errors, limits);
  for (const auto& dup : map.duplicates()) {
    result.errors.push_back({label, dup.pos, dup.pointer,
                             "expected each key once in an object, got " + Json(dup.key).dump() +
                                 " again (first at line " + std::to_string(dup.first.line) +
                                 ", column " + std::to_string(dup.first.column) + ")"});
  }
  if (!loader.object(doc, "", "a scenario object")) {
    std::sort(result.errors.begin(), result.errors.end(), byPosition);
    return result;
  }
  loader.checkKeys(doc, "", "scenario");

  Scenario s;
  s.file = label;
  s.name = fileStem(label);
  readTopLevel(loader, doc, s);
  readPeers(loader, doc, s);
  loader.setPeers(&s.peers);
  readList(loader, doc, "links", s.links, detail::readLinkRule, "an array of link rules");
  readList(loader, doc, "timeline", s.timeline, detail::readTimelineEntry,
           "an array of timeline entries");
  readList(loader, doc, "expect", s.expectations, detail::readExpectation,
           "an array of expectations");
  if (result.errors.empty()) detail::crossCheck(loader, s);

  std::stable_sort(result.errors.begin(), result.errors.end(), byPosition);
  if (result.errors.empty()) result.scenario = std::move(s);
  return result;
}

LoadResult loadScenarioFile(const std::filesystem::path& path, std::string label,
                            const LoadLimits& limits) {
  if (label.empty()) label = path.string();
  std::string text;
  if (std::string problem = detail::readScenarioBytes(path, limits.max_file_bytes, text);
      !problem.empty()) {
    LoadResult result;
    result.errors.push_back({label, SourcePos{}, "", problem});
    return result;
  }
  return loadScenarioText(text, std::move(label), limits);
}

}  // namespace steamsim::scenario
