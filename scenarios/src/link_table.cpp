// SPDX-License-Identifier: MIT
// LinkTable: invariant — when both "a -> *" and "* -> b" have a state, "a -> b" has its own
// (made when the second of them appears), so a link's state is found in constant time.

#include "link_table.hpp"

namespace steamsim::scenario::detail {

LinkTable::LinkTable(std::vector<std::string> peers) : peers_(std::move(peers)) {}

const LinkConditions& LinkTable::at(const std::string& from, const std::string& to) const {
  if (auto it = pairs_.find({from, to}); it != pairs_.end()) return it->second;
  if (auto it = from_.find(from); it != from_.end()) return it->second;
  if (auto it = to_.find(to); it != to_.end()) return it->second;
  return all_;
}

bool LinkTable::matchesSomeLink(const LinkRule& rule) const {
  if (peers_.size() < 2) return false;
  return rule.from == "*" || rule.to == "*" || rule.from != rule.to;
}

LinkConditions& LinkTable::pairState(const std::string& from, const std::string& to) {
  auto it = pairs_.find({from, to});
  if (it != pairs_.end()) return it->second;
  const LinkConditions now = at(from, to);
  pair_sources_[to].push_back(from);
  return pairs_.emplace(Pair{from, to}, now).first->second;
}

void LinkTable::ensureFrom(const std::string& from) {
  if (from_.count(from) != 0) return;
  for (const auto& [to, conditions] : to_) {
    if (to != from) (void)pairState(from, to);
  }
  from_.emplace(from, all_);
}

void LinkTable::ensureTo(const std::string& to) {
  if (to_.count(to) != 0) return;
  for (const auto& [from, conditions] : from_) {
    if (from != to) (void)pairState(from, to);
  }
  to_.emplace(to, all_);
}

void LinkTable::apply(const LinkRule& rule, const std::function<void(const Changed&)>& changed) {
  applyDirected(rule.from, rule.to, rule.patch, changed);
  if (rule.both_directions && rule.from != rule.to) {
    applyDirected(rule.to, rule.from, rule.patch, changed);
  }
}

void LinkTable::applyDirected(const std::string& from, const std::string& to,
                              const LinkPatch& patch,
                              const std::function<void(const Changed&)>& changed) {
  const auto report = [&](const LinkConditions& c, auto&& link) {
    if (changed) changed(Changed{&c, link});
  };
  const auto pairLink = [](const Pair& p) { return [p]() -> std::optional<Pair> { return p; }; };
  if (from != "*" && to != "*") {
    if (from == to) return;  // a peer's link to itself carries nothing
    LinkConditions& c = pairState(from, to);
    patch.applyTo(c);
    report(c, pairLink({from, to}));
    return;
  }
  if (from != "*") {
    ensureFrom(from);
    LinkConditions& c = from_.at(from);
    patch.applyTo(c);
    report(c, [this, from] { return linkOfFrom(from); });
    for (auto it = pairs_.lower_bound({from, std::string()});
         it != pairs_.end() && it->first.first == from; ++it) {
      patch.applyTo(it->second);
      report(it->second, pairLink(it->first));
    }
    return;
  }
  if (to != "*") {
    ensureTo(to);
    LinkConditions& c = to_.at(to);
    patch.applyTo(c);
    report(c, [this, to] { return linkOfTo(to); });
    if (auto sources = pair_sources_.find(to); sources != pair_sources_.end()) {
      for (const std::string& source : sources->second) {
        auto it = pairs_.find({source, to});
        patch.applyTo(it->second);
        report(it->second, pairLink(it->first));
      }
    }
    return;
  }
  patch.applyTo(all_);
  report(all_, [this] { return linkOfAll(); });
  for (auto& [name, c] : from_) {
    patch.applyTo(c);
    report(c, [this, name = name] { return linkOfFrom(name); });
  }
  for (auto& [name, c] : to_) {
    patch.applyTo(c);
    report(c, [this, name = name] { return linkOfTo(name); });
  }
  for (auto& [pair, c] : pairs_) {
    patch.applyTo(c);
    report(c, pairLink(pair));
  }
}

// The look-ups below run only to name a link in an error message. Each skipped candidate
// is a held pair or the peer itself, so each is linear in peers plus held pairs.

std::optional<LinkTable::Pair> LinkTable::linkOfFrom(const std::string& from) const {
  for (const std::string& to : peers_) {
    if (to != from && to_.count(to) == 0 && !pairHeld(from, to)) return Pair{from, to};
  }
  return std::nullopt;
}

std::optional<LinkTable::Pair> LinkTable::linkOfTo(const std::string& to) const {
  for (const std::string& from : peers_) {
    if (from != to && from_.count(from) == 0 && !pairHeld(from, to)) return Pair{from, to};
  }
  return std::nullopt;
}

std::optional<LinkTable::Pair> LinkTable::linkOfAll() const {
  std::vector<const std::string*> receivers;  // peers with no "* -> b" state
  for (const std::string& to : peers_) {
    if (to_.count(to) == 0) receivers.push_back(&to);
  }
  for (const std::string& from : peers_) {
    if (from_.count(from) != 0) continue;
    for (const std::string* to : receivers) {
      if (*to != from && !pairHeld(from, *to)) return Pair{from, *to};
    }
  }
  return std::nullopt;
}

}  // namespace steamsim::scenario::detail
