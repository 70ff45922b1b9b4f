// SPDX-License-Identifier: MIT
#pragma once
// The link conditions a scenario's rules put in force, without a table of every peer pair:
// one state for links no rule names a peer of, one per peer named on one end ("a -> *",
// "* -> b"), and one per pair named on both ends (or by a rule on each end). Memory grows
// with the rules, not with the square of the peer count.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "steamsim/link_conditions.hpp"
#include "steamsim/scenario/model.hpp"

namespace steamsim::scenario::detail {

class LinkTable {
 public:
  /// One state a rule changed; `link` finds a real link in that state (first in peer order).
  struct Changed {
    const LinkConditions* conditions = nullptr;
    std::function<std::optional<std::pair<std::string, std::string>>()> link;
  };

  /// `peers`: the scenario's peer names, in file order.
  explicit LinkTable(std::vector<std::string> peers);

  /// Applies one rule (both directions for `between`). `changed` sees every state it changed.
  void apply(const LinkRule& rule, const std::function<void(const Changed&)>& changed = {});
  /// Conditions in force on `from -> to` (two different peers of the scenario).
  const LinkConditions& at(const std::string& from, const std::string& to) const;
  /// true if `rule` names at least one link between two different peers.
  bool matchesSomeLink(const LinkRule& rule) const;
  /// Distinct states held (what memory grows with).
  std::size_t states() const { return 1 + from_.size() + to_.size() + pairs_.size(); }

 private:
  using Pair = std::pair<std::string, std::string>;
  void applyDirected(const std::string& from, const std::string& to, const LinkPatch& patch,
                     const std::function<void(const Changed&)>& changed);
  LinkConditions& pairState(const std::string& from, const std::string& to);
  void ensureFrom(const std::string& from);
  void ensureTo(const std::string& to);
  bool pairHeld(const std::string& from, const std::string& to) const {
    return pairs_.count({from, to}) != 0;
  }
  std::optional<Pair> linkOfAll() const;
  std::optional<Pair> linkOfFrom(const std::string& from) const;
  std::optional<Pair> linkOfTo(const std::string& to) const;

  std::vector<std::string> peers_;
  LinkConditions all_;
  std::unordered_map<std::string, LinkConditions> from_;                    // "a -> *"
  std::unordered_map<std::string, LinkConditions> to_;                      // "* -> b"
  std::map<Pair, LinkConditions> pairs_;                                    // "a -> b"
  std::unordered_map<std::string, std::vector<std::string>> pair_sources_;  // b -> every a
};

}  // namespace steamsim::scenario::detail
