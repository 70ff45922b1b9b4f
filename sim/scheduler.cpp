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
  if (slot.timer_position != kNoPosition) erase(slot.timer_position);
  slot.actor = nullptr;
  ++slot.generation;  // queued one-shot entries for the old generation become stale
  free_slots_.push_back(id.index);
}

namespace {
constexpr std::size_t kArity = 4;
}  // namespace

void Scheduler::siftUp(std::size_t hole, const Entry& entry) {
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / kArity;
    if (!earlier(entry, heap_[parent])) break;
    place(hole, heap_[parent]);
    hole = parent;
  }
  place(hole, entry);
}

void Scheduler::siftDown(std::size_t hole, const Entry& entry) {
  const std::size_t size = heap_.size();
  for (;;) {
    const std::size_t first = hole * kArity + 1;
    if (first >= size) break;
    const std::size_t end = std::min(first + kArity, size);
    std::size_t best = first;
    for (std::size_t c = first + 1; c < end; ++c) {
      if (earlier(heap_[c], heap_[best])) best = c;
    }
    if (!earlier(heap_[best], entry)) break;
    place(hole, heap_[best]);
    hole = best;
  }
  place(hole, entry);
}

void Scheduler::push(const Entry& entry) {
  heap_.push_back(entry);
  siftUp(heap_.size() - 1, entry);
}

void Scheduler::erase(std::size_t position) {
  const Entry removed = heap_[position];
  if (removed.timer) slots_[removed.id.index].timer_position = kNoPosition;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (position == heap_.size()) return;
  // The last entry fills the hole: it may belong above or below it.
  if (position > 0 && earlier(last, heap_[(position - 1) / kArity])) {
    siftUp(position, last);
  } else {
    siftDown(position, last);
  }
}

void Scheduler::popFront() {
  erase(0);
}

void Scheduler::schedule(TimeUs at, ActorId id, std::uint64_t token) {
  push(Entry{at, next_seq_++, id, token & kTokenMask, 0});
}

void Scheduler::setTimer(TimeUs at, ActorId id, std::uint64_t token) {
  const Entry entry{at, next_seq_++, id, token & kTokenMask, 1};
  const std::uint32_t position = slots_[id.index].timer_position;
  if (position == kNoPosition) {
    push(entry);
  } else if (earlier(entry, heap_[position])) {
    siftUp(position, entry);
  } else {
    siftDown(position, entry);
  }
}

void Scheduler::clearTimer(ActorId id) {
  const std::uint32_t position = slots_[id.index].timer_position;
  if (position != kNoPosition) erase(position);
}

bool Scheduler::runOne(TimeUs limit, TimeUs& event_time) {
  while (!heap_.empty()) {
    const Entry entry = heap_.front();
    if (entry.at > limit) return false;
    const Slot& slot = slots_[entry.id.index];
    if (slot.actor == nullptr || slot.generation != entry.id.generation) {
      popFront();
      continue;
    }
    // A timer entry stays queued while its actor acts: an actor that re-arms its timer then
    // moves the entry down from the front once, instead of a pop and a push. Entries never
    // tie, so the order events run in is the same either way.
    if (!entry.timer) popFront();
    event_time = entry.at;
    if (clock_ < entry.at) clock_ = entry.at;
    ++events_run_;
    slot.actor->act(entry.at, entry.token);
    if (entry.timer) {  // fired and not set again: it goes (slots_ may have grown)
      const std::uint32_t position = slots_[entry.id.index].timer_position;
      if (position != kNoPosition && heap_[position].seq == entry.seq) erase(position);
    }
    return true;
  }
  return false;
}

}  // namespace steamsim::detail
