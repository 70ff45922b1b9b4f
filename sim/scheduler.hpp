// SPDX-License-Identifier: MIT
#pragma once
// Time-ordered event queue of the simulated world (FIFO among equal times).
//
// Actors register once and are woken at the times they ask for. An event carries a token
// the actor chose; actors ignore tokens they no longer expect (lazy cancellation), so
// re-arming a timer never searches the queue. Entries name actors by id, so an actor may
// be destroyed while entries for it are still queued. No allocation in steady state.
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

  /// Queues an event for `id` at `at`.
  void schedule(TimeUs at, ActorId id, std::uint64_t token);

  /// Time of the earliest queued event, kNever if none.
  TimeUs nextTime() const { return heap_.empty() ? kNever : heap_.front().at; }

  /// Pops and runs the earliest event if it is due at or before `limit`.
  /// \return false if no event is due by then. `event_time` is set to the event's time.
  bool runOne(TimeUs limit, TimeUs& event_time);

  std::uint64_t eventsRun() const { return events_run_; }
  /// Events queued, including those for removed actors not yet discarded.
  std::size_t queued() const { return heap_.size(); }

 private:
  struct Entry {
    TimeUs at;
    std::uint64_t seq;
    ActorId id;
    std::uint64_t token;
  };
  static bool earlier(const Entry& a, const Entry& b) {
    return a.at != b.at ? a.at < b.at : a.seq < b.seq;
  }
  void push(const Entry& entry);
  void popFront();
  struct Slot {
    Actor* actor = nullptr;
    std::uint32_t generation = 0;
  };

  TimeUs& clock_;
  std::vector<Entry> heap_;  // 4-ary min-heap by earlier()
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_run_ = 0;
};

/// A one-shot timer owned by an actor: re-arming only queues an event when the new time is
/// earlier than the armed one; events for superseded times are ignored via the token.
class Timer {
 public:
  /// Arms (or re-arms) for `at`. kNever disarms.
  void arm(Scheduler& scheduler, ActorId id, TimeUs at) {
    if (at == armed_at_) return;
    armed_at_ = at;
    ++token_;
    if (at != kNever) scheduler.schedule(at, id, token_);
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
