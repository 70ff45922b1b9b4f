// SPDX-License-Identifier: MIT
// A failed check of a scenario run, explained from the run's session history.

#include <cmath>

#include "explain.hpp"
#include "scenario_run.hpp"

namespace steamsim::scenario::detail {

void ScenarioRun::explainFailure(CheckState& state) {
  const std::size_t index = static_cast<std::size_t>(&state - checks_.data());
  CheckTopic topic = CheckTopic::Action;
  for (std::size_t e = 0; e < expectation_check_.size(); ++e) {
    if (expectation_check_[e] != index) continue;
    const auto& check = s_.expectations[e].check;
    if (std::holds_alternative<ReceivedCheck>(check)) {
      topic = CheckTopic::Received;
    } else if (const auto* s = std::get_if<SignalCheck>(&check)) {
      topic = s->kind == SignalKind::SessionRequest ? CheckTopic::SessionRequest
                                                    : CheckTopic::SessionFailed;
    } else {
      topic = CheckTopic::Session;
    }
  }
  if (state.relevant.empty()) return;
  const SteamId peer = state.relevant.front();
  SteamId remote = state.relevant.size() > 1 ? state.relevant[1] : 0;
  std::lock_guard lock(trace_mutex_);
  if (remote == 0) remote = history_.busiestPartner(peer);
  if (remote == 0) return;
  const std::int64_t until = t0_ + std::llround(state.result.at_ms * 1000.0);
  Explanation x =
      explain(history_, peer, remote, until, t0_, topic, [this](SteamId id) { return nameOf(id); });
  state.result.rule = std::move(x.rule);
  state.result.explanation = std::move(x.text);
  state.result.proof = std::move(x.proof);
  state.result.timeline = std::move(x.timeline);
}

}  // namespace steamsim::scenario::detail
