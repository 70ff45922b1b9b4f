// SPDX-License-Identifier: MIT
#pragma once
// Time-ordered event queue of the simulated world (FIFO among equal times).
//
// Actors register once and are woken at the times they ask for. An event carries a token
// the actor chose. Besides one-shot events, each actor may keep one timer entry in the
// queue: re-arming it moves that entry (the scheduler knows where it is), so a timer that
// is re-armed often leaves nothing stale behind. Entries name actors by id, so an actor may
// be destroyed while one-shot entries for it are still queued; its timer entry goes with
// it. No allocation in steady state.
//
// The queue is an implicit 4-ary min-heap ordered by (time, sequence number): half the
// depth of a binary heap, and the four children of an entry share two cache lines, which
// matters once tens of thousands of peers keep hundreds of thousands of events queued.
// Every entry has its own sequence number, so the order events run in is fully determined.

#include <cstdint>
#include <vector>

#include "time.hpp"

namespace steamsim::detail {

class Actor {
 public:
  virtual ~Actor() = default;
  /// Called when an event for this actor is due. `now` is the event's time.
  virtual void act(TimeUs now, std::uint64_t token) = 0;
};

/// Handle of a registered actor; stale handles are recognised by their generation.
struct ActorId {
  std::uint32_t index = 0;
  std::uint32_t generation = 0;
};

class Scheduler {
 public:
  /// `clock` is the world's time; it is moved forward to each event's time before the
  /// event runs (never backwards: in real time it may already be later).
  explicit Scheduler(TimeUs& clock) : clock_(clock) {}

  ActorId add(Actor* actor);
  /// The actor will never be called again; queued events for it are discarded.
  void remove(ActorId id);

  /// Queues a one-shot event for `id` at `at`. Tokens are below 2^63.
  void schedule(TimeUs at, ActorId id, std::uint64_t token);
  /// Sets the timer of `id` to fire at `at` with `token`, replacing its previous setting.
  /// Among events at the same time it runs as if it had been queued now.
  void setTimer(TimeUs at, ActorId id, std::uint64_t token);
  /// The timer of `id` will not fire (no effect if it is not set).
  void clearTimer(ActorId id);

  /// Time of the earliest queued event, kNever if none.
  TimeUs nextTime() const { return heap_.empty() ? kNever : heap_.front().at; }

  /// Pops and runs the earliest event if it is due at or before `limit`.
  /// \return false if no event is due by then. `event_time` is set to the event's time.
  bool runOne(TimeUs limit, TimeUs& event_time);

  std::uint64_t eventsRun() const { return events_run_; }
  /// Events queued, including one-shot events for removed actors not yet discarded.
  std::size_t queued() const { return heap_.size(); }

 private:
  struct Entry {
    TimeUs at;
    std::uint64_t seq;
    ActorId id;
    std::uint64_t token : 63;
    std::uint64_t timer : 1;  // the actor's timer entry (its position is kept in its slot)
  };
  static bool earlier(const Entry& a, const Entry& b) {
    return a.at != b.at ? a.at < b.at : a.seq < b.seq;
  }
  static constexpr std::uint32_t kNoPosition = UINT32_MAX;
  static constexpr std::uint64_t kTokenMask = (std::uint64_t{1} << 63U) - 1;
  void place(std::size_t position, const Entry& entry) {
    heap_[position] = entry;
    if (entry.timer) slots_[entry.id.index].timer_position = static_cast<std::uint32_t>(position);
  }
  void push(const Entry& entry);
  /// Places `entry`, which belongs in the hole at `hole` or above it (siftUp) or below it
  /// (siftDown), where it belongs, moving the entries it passes into the hole.
  void siftUp(std::size_t hole, const Entry& entry);
  void siftDown(std::size_t hole, const Entry& entry);
  void erase(std::size_t position);
  void popFront();
  struct Slot {
    Actor* actor = nullptr;
    std::uint32_t generation = 0;
    std::uint32_t timer_position = kNoPosition;  // heap index of its timer entry
  };

  TimeUs& clock_;
  std::vector<Entry> heap_;  // 4-ary min-heap by earlier()
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_run_ = 0;
};

/// An actor's one-shot timer (the scheduler's timer entry for that actor): re-arming for
/// a new time moves its entry; the token tells the current arming from an earlier one.
class Timer {
 public:
  /// Arms (or re-arms) for `at`. kNever disarms.
  void arm(Scheduler& scheduler, ActorId id, TimeUs at) {
    if (at == armed_at_) return;
    armed_at_ = at;
    ++token_;
    if (at != kNever) {
      scheduler.setTimer(at, id, token_);
    } else {
      scheduler.clearTimer(id);
    }
  }
  /// true if `token` is the current arming (and consumes it).
  bool fire(std::uint64_t token) {
    if (token != token_ || armed_at_ == kNever) return false;
    armed_at_ = kNever;
    return true;
  }
  TimeUs armedAt() const { return armed_at_; }

 private:
  TimeUs armed_at_ = kNever;
  std::uint64_t token_ = 0;
};

}  // namespace steamsim::detail
