// SPDX-License-Identifier: MIT
#pragma once
// Tables tying scenario keys to C++ fields: LinkConditions (links), NetworkConfig (config)
// and RealTimeStatus (session ranges). The loader, the writer and acceptedKeys() share them.

#include <optional>
#include <string_view>
#include <vector>

#include "steamsim/message.hpp"
#include "steamsim/scenario/model.hpp"

namespace steamsim::scenario::detail {

struct LinkBoolField {
  std::string_view name;
  std::optional<bool> LinkPatch::*patch;
  bool LinkConditions::*conditions;
};
struct LinkNumberField {
  std::string_view name;
  std::optional<double> LinkPatch::*patch;
  double LinkConditions::*conditions;
};

/// The two bool fields of LinkConditions, by their C++ names.
const std::vector<LinkBoolField>& linkBoolFields();
/// The numeric fields of LinkConditions, by their C++ names.
const std::vector<LinkNumberField>& linkNumberFields();

struct ConfigIntField {
  std::string_view key;          ///< scenario key, e.g. "timeout_initial_ms"
  std::string_view config_name;  ///< NetworkConfig::validate()'s name, e.g. "timeout_initial"
  std::optional<std::int64_t> ConfigPatch::*patch;
  std::int64_t min;  ///< smallest value the loader accepts before NetworkConfig::validate
  std::int64_t max;
};
/// Integer fields of `config`.
const std::vector<ConfigIntField>& configIntFields();

struct StatusField {
  std::string_view name;
  double (*read)(const RealTimeStatus&);
};
/// RealTimeStatus fields a `session` expectation may give a range for.
const std::vector<StatusField>& statusFields();
const StatusField* findStatusField(std::string_view name);

}  // namespace steamsim::scenario::detail
