// SPDX-License-Identifier: MIT
// Reading one link rule: which links it names and the LinkConditions fields it sets.

#include "fields.hpp"
#include "loader_support.hpp"

namespace steamsim::scenario::detail {

namespace {

/// Reports LinkConditions::validate()'s problems with `patch` applied to the defaults, each
/// at the key it names when the rule sets that key.
void validatePatch(Loader& loader, const Json& value, const std::string& pointer,
                   const LinkPatch& patch) {
  LinkConditions conditions;
  patch.applyTo(conditions);
  for (const std::string& problem : conditions.validate()) {
    const std::string field = problem.substr(0, problem.find(' '));
    loader.error(value.contains(field) ? child(pointer, field) : pointer, problem);
  }
}

}  // namespace

std::optional<LinkRule> readLinkRule(Loader& loader, const Json& value,
                                     const std::string& pointer) {
  if (!loader.object(value, pointer, "a link rule object")) return std::nullopt;
  loader.checkKeys(value, pointer, "link");
  const std::size_t errors_before = loader.errorCount();
  LinkRule rule;
  rule.origin = loader.origin(pointer);

  auto between = value.find("between");
  if (between != value.end()) {
    const std::string p = child(pointer, "between");
    for (const char* key : {"from", "to"}) {
      if (value.contains(key)) {
        loader.errorAtKey(child(pointer, key),
                          std::string("expected either \"between\" or \"from\"/\"to\", got both "
                                      "\"between\" and \"") +
                              key + "\"");
      }
    }
    if (!between->is_array() || between->size() != 2) {
      loader.error(p, "expected two peer names ([\"a\", \"b\"]), got " + describe(*between));
    } else {
      auto a = loader.peerName((*between)[0], child(p, 0), true);
      auto b = loader.peerName((*between)[1], child(p, 1), true);
      if (a && b) {
        rule.from = *a;
        rule.to = *b;
        rule.both_directions = true;
      }
    }
  } else {
    if (auto it = value.find("from"); it != value.end()) {
      if (auto name = loader.peerName(*it, child(pointer, "from"), true)) rule.from = *name;
    }
    if (auto it = value.find("to"); it != value.end()) {
      if (auto name = loader.peerName(*it, child(pointer, "to"), true)) rule.to = *name;
    }
  }

  if (auto it = value.find("reset"); it != value.end()) {
    if (auto v = loader.boolean(*it, child(pointer, "reset"))) rule.patch.reset = *v;
  }
  for (const auto& f : linkBoolFields()) {
    auto it = value.find(std::string(f.name));
    if (it == value.end()) continue;
    if (auto v = loader.boolean(*it, child(pointer, f.name))) rule.patch.*f.patch = *v;
  }
  for (const auto& f : linkNumberFields()) {
    auto it = value.find(std::string(f.name));
    if (it == value.end()) continue;
    if (!it->is_number()) {
      loader.error(child(pointer, f.name), "expected a number, got " + describe(*it));
      continue;
    }
    rule.patch.*f.patch = it->get<double>();
  }
  if (loader.errorCount() == errors_before) validatePatch(loader, value, pointer, rule.patch);
  if (loader.errorCount() == errors_before && rule.patch.empty()) {
    loader.error(pointer,
                 "expected at least one link field (loss_pct, latency_ms, down, ...) or "
                 "\"reset\": true, got none");
  }
  if (loader.errorCount() != errors_before) return std::nullopt;
  return rule;
}

}  // namespace steamsim::scenario::detail
