// SPDX-License-Identifier: MIT
#include "scheduler.hpp"

#include <algorithm>

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

namespace {
constexpr std::size_t kArity = 4;
}  // namespace

void Scheduler::push(const Entry& entry) {
  // Sift up from the new leaf, moving parents down into the hole.
  std::size_t hole = heap_.size();
  heap_.push_back(entry);
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / kArity;
    if (!earlier(entry, heap_[parent])) break;
    heap_[hole] = heap_[parent];
    hole = parent;
  }
  heap_[hole] = entry;
}

void Scheduler::popFront() {
  const Entry last = heap_.back();
  heap_.pop_back();
  const std::size_t size = heap_.size();
  if (size == 0) return;
  // Sift the last entry down from the root, moving the earliest child up into the hole.
  std::size_t hole = 0;
  for (;;) {
    const std::size_t first = hole * kArity + 1;
    if (first >= size) break;
    const std::size_t end = std::min(first + kArity, size);
    std::size_t best = first;
    for (std::size_t c = first + 1; c < end; ++c) {
      if (earlier(heap_[c], heap_[best])) best = c;
    }
    if (!earlier(heap_[best], last)) break;
    heap_[hole] = heap_[best];
    hole = best;
  }
  heap_[hole] = last;
}

void Scheduler::schedule(TimeUs at, ActorId id, std::uint64_t token) {
  push(Entry{at, next_seq_++, id, token});
}

bool Scheduler::runOne(TimeUs limit, TimeUs& event_time) {
  while (!heap_.empty()) {
    const Entry entry = heap_.front();
    if (entry.at > limit) return false;
    popFront();
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
