// SPDX-License-Identifier: MIT
#include "scheduler.hpp"

namespace steamsim::detail {

ActorId Scheduler::add(Actor* actor) {
  std::uint32_t index = 0;
  if (!free_slots_.empty()) {
    index = free_slots_.back();
    free_slots_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.push_back({});
  }
  Slot& slot = slots_[index];
  slot.actor = actor;
  ++slot.generation;
  return ActorId{index, slot.generation};
}

void Scheduler::remove(ActorId id) {
  if (id.index >= slots_.size()) return;
  Slot& slot = slots_[id.index];
  if (slot.generation != id.generation || slot.actor == nullptr) return;
  slot.actor = nullptr;
  ++slot.generation;  // queued entries for the old generation become stale
  free_slots_.push_back(id.index);
}

void Scheduler::schedule(TimeUs at, ActorId id, std::uint64_t token) {
  queue_.push(Entry{at, next_seq_++, id, token});
}

bool Scheduler::runOne(TimeUs limit, TimeUs& event_time) {
  while (!queue_.empty()) {
    const Entry entry = queue_.top();
    if (entry.at > limit) return false;
    queue_.pop();
    const Slot& slot = slots_[entry.id.index];
    if (slot.actor == nullptr || slot.generation != entry.id.generation) continue;
    event_time = entry.at;
    if (clock_ < entry.at) clock_ = entry.at;
    ++events_run_;
    slot.actor->act(entry.at, entry.token);
    return true;
  }
  return false;
}

}  // namespace steamsim::detail
