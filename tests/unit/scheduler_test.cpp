// SPDX-License-Identifier: MIT
// Scheduler: events run in (time, scheduling order) exactly as a reference priority queue
// orders them, under random schedules with many equal times, events scheduled from inside
// events, actors removed and re-added, and limits that stop between events. Timers, set
// again and again, run as the latest setting queued afresh would, and leave nothing behind.

#include "scheduler.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <tuple>
#include <vector>

namespace steamsim::detail {
namespace {

struct Ran {
  TimeUs at;
  int actor;
  std::uint64_t token;
  bool operator==(const Ran&) const = default;
};

/// The order the scheduler must follow: earliest time, then first scheduled.
class Reference {
 public:
  void schedule(TimeUs at, int actor, std::uint32_t generation, std::uint64_t token) {
    queue_.push({at, seq_++, actor, generation, token});
  }
  /// The next event due by `limit` for an actor still registered with that generation.
  std::optional<Ran> pop(TimeUs limit, const std::vector<std::uint32_t>& live_generation) {
    while (!queue_.empty()) {
      const auto [at, seq, actor, generation, token] = queue_.top();
      if (at > limit) return std::nullopt;
      queue_.pop();
      if (generation == 0 || live_generation[static_cast<std::size_t>(actor)] != generation) {
        continue;  // scheduled with a stale handle, or the actor was removed since
      }
      return Ran{at, actor, token};
    }
    return std::nullopt;
  }
  TimeUs nextTime() const { return queue_.empty() ? kNever : std::get<0>(queue_.top()); }

 private:
  using Item = std::tuple<TimeUs, std::uint64_t, int, std::uint32_t, std::uint64_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue_;
  std::uint64_t seq_ = 0;
};

class RecordingActor final : public Actor {
 public:
  RecordingActor(int index, std::vector<Ran>& log, std::function<void(int, TimeUs)> then)
      : index_(index), log_(log), then_(std::move(then)) {}
  void act(TimeUs now, std::uint64_t token) override {
    log_.push_back({now, index_, token});
    if (then_) then_(index_, now);
  }

 private:
  int index_;
  std::vector<Ran>& log_;
  std::function<void(int, TimeUs)> then_;
};

TEST(Scheduler, RunsEqualTimesInSchedulingOrder) {
  TimeUs clock = 0;
  Scheduler scheduler(clock);
  std::vector<Ran> log;
  RecordingActor actor(0, log, nullptr);
  const ActorId id = scheduler.add(&actor);
  for (std::uint64_t token = 0; token < 50; ++token) scheduler.schedule(100, id, token);
  scheduler.schedule(50, id, 1000);
  TimeUs event_time = 0;
  while (scheduler.runOne(kNever - 1, event_time)) {
  }
  ASSERT_EQ(log.size(), 51U);
  EXPECT_EQ(log[0], (Ran{50, 0, 1000}));
  for (std::uint64_t token = 0; token < 50; ++token) {
    EXPECT_EQ(log[token + 1], (Ran{100, 0, token}));
  }
  EXPECT_EQ(clock, 100);
  EXPECT_EQ(scheduler.eventsRun(), 51U);
}

TEST(Scheduler, StopsAtTheLimitAndKeepsLaterEvents) {
  TimeUs clock = 0;
  Scheduler scheduler(clock);
  std::vector<Ran> log;
  RecordingActor actor(0, log, nullptr);
  const ActorId id = scheduler.add(&actor);
  scheduler.schedule(30, id, 3);
  scheduler.schedule(10, id, 1);
  scheduler.schedule(20, id, 2);
  TimeUs event_time = 0;
  EXPECT_TRUE(scheduler.runOne(20, event_time));
  EXPECT_EQ(event_time, 10);
  EXPECT_TRUE(scheduler.runOne(20, event_time));
  EXPECT_EQ(event_time, 20);
  EXPECT_FALSE(scheduler.runOne(20, event_time));
  EXPECT_EQ(scheduler.nextTime(), 30);
  EXPECT_EQ(scheduler.queued(), 1U);
  EXPECT_EQ(clock, 20);
}

TEST(Scheduler, DiscardsEventsOfRemovedActorsEvenWhenTheirSlotIsReused) {
  TimeUs clock = 0;
  Scheduler scheduler(clock);
  std::vector<Ran> log;
  RecordingActor first(0, log, nullptr);
  RecordingActor second(1, log, nullptr);
  const ActorId old_id = scheduler.add(&first);
  scheduler.schedule(10, old_id, 1);
  scheduler.remove(old_id);
  const ActorId new_id = scheduler.add(&second);  // same slot, next generation
  EXPECT_EQ(new_id.index, old_id.index);
  scheduler.schedule(20, new_id, 2);
  scheduler.schedule(5, old_id, 3);  // a stale handle: never runs
  TimeUs event_time = 0;
  while (scheduler.runOne(100, event_time)) {
  }
  ASSERT_EQ(log.size(), 1U);
  EXPECT_EQ(log[0], (Ran{20, 1, 2}));
  EXPECT_EQ(scheduler.eventsRun(), 1U);
  EXPECT_EQ(scheduler.nextTime(), kNever);
}

// Random schedules against the reference: times from a small range (many ties), events
// scheduling further events from inside act(), actors removed and re-added, and runs up to
// random limits. The scheduler must run the same events in the same order.
TEST(Scheduler, MatchesAReferencePriorityQueueUnderRandomSchedules) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 random(seed);
    TimeUs clock = 0;
    Scheduler scheduler(clock);
    Reference reference;
    std::vector<Ran> log;
    constexpr int kActors = 24;
    std::vector<std::unique_ptr<RecordingActor>> actors;
    std::vector<ActorId> ids(kActors);
    std::vector<std::uint32_t> live(kActors, 0);  // reference's view: generation, 0 removed
    std::uint32_t next_generation = 1;
    std::uint64_t next_token = 0;

    auto scheduleRandom = [&](int actor, TimeUs base) {
      const TimeUs at = base + static_cast<TimeUs>(random() % 40);
      const std::uint64_t token = next_token++;
      scheduler.schedule(at, ids[static_cast<std::size_t>(actor)], token);
      reference.schedule(at, actor, live[static_cast<std::size_t>(actor)], token);
    };
    auto addActor = [&](int actor) {
      ids[static_cast<std::size_t>(actor)] =
          scheduler.add(actors[static_cast<std::size_t>(actor)].get());
      live[static_cast<std::size_t>(actor)] = next_generation++;
    };
    auto removeActor = [&](int actor) {
      scheduler.remove(ids[static_cast<std::size_t>(actor)]);
      live[static_cast<std::size_t>(actor)] = 0;
    };
    for (int a = 0; a < kActors; ++a) {
      actors.push_back(std::make_unique<RecordingActor>(a, log, [&](int self, TimeUs now) {
        // An event sometimes schedules more, for itself or another actor (as timers and
        // deliveries do).
        const auto roll = random() % 4;
        if (roll == 0) scheduleRandom(self, now);
        if (roll == 1) scheduleRandom(static_cast<int>(random() % kActors), now);
      }));
      addActor(a);
    }

    TimeUs limit = 0;
    for (int round = 0; round < 300; ++round) {
      const int burst = static_cast<int>(random() % 30);
      for (int k = 0; k < burst; ++k) scheduleRandom(static_cast<int>(random() % kActors), clock);
      if (random() % 10 == 0) {
        const int actor = static_cast<int>(random() % kActors);
        removeActor(actor);
        if (random() % 2 == 0) addActor(actor);
      }
      ASSERT_EQ(scheduler.nextTime() == kNever, reference.nextTime() == kNever);
      limit += static_cast<TimeUs>(random() % 25);
      TimeUs event_time = 0;
      for (;;) {
        const std::size_t before = log.size();
        const bool ran = scheduler.runOne(limit, event_time);
        std::optional<Ran> expected = reference.pop(limit, live);
        ASSERT_EQ(ran, expected.has_value()) << "seed " << seed << " round " << round;
        if (!ran) break;
        ASSERT_GT(log.size(), before);
        ASSERT_EQ(log[before], *expected) << "seed " << seed << " round " << round;
        ASSERT_EQ(event_time, expected->at);
      }
    }
    std::uint64_t expected_runs = log.size();
    EXPECT_EQ(scheduler.eventsRun(), expected_runs);
  }
}

TEST(Scheduler, ATimerSetAgainKeepsOneEntryAndRunsOnceAtItsLatestTime) {
  TimeUs clock = 0;
  Scheduler scheduler(clock);
  std::vector<Ran> log;
  RecordingActor actor(0, log, nullptr);
  const ActorId id = scheduler.add(&actor);
  for (std::uint64_t token = 1; token <= 100; ++token) {
    scheduler.setTimer(static_cast<TimeUs>(1000 - token * 7 % 500), id, token);
    EXPECT_EQ(scheduler.queued(), 1U);
  }
  scheduler.setTimer(300, id, 101);
  scheduler.schedule(300, id, 7);  // one-shot, queued after the timer's last setting
  TimeUs event_time = 0;
  while (scheduler.runOne(kNever - 1, event_time)) {
  }
  ASSERT_EQ(log.size(), 2U);
  EXPECT_EQ(log[0], (Ran{300, 0, 101}));
  EXPECT_EQ(log[1], (Ran{300, 0, 7}));
  EXPECT_EQ(scheduler.eventsRun(), 2U);
  EXPECT_EQ(scheduler.queued(), 0U);
}

TEST(Scheduler, AClearedTimerAndTheTimerOfARemovedActorNeverRun) {
  TimeUs clock = 0;
  Scheduler scheduler(clock);
  std::vector<Ran> log;
  RecordingActor first(0, log, nullptr);
  RecordingActor second(1, log, nullptr);
  const ActorId a = scheduler.add(&first);
  const ActorId b = scheduler.add(&second);
  scheduler.setTimer(10, a, 1);
  scheduler.setTimer(20, b, 2);
  scheduler.clearTimer(a);
  scheduler.clearTimer(a);  // not set: no effect
  scheduler.remove(b);
  EXPECT_EQ(scheduler.queued(), 0U);
  const ActorId reused = scheduler.add(&first);  // b's slot, next generation: no timer
  scheduler.clearTimer(reused);
  scheduler.setTimer(30, reused, 3);
  TimeUs event_time = 0;
  while (scheduler.runOne(kNever - 1, event_time)) {
  }
  ASSERT_EQ(log.size(), 1U);
  EXPECT_EQ(log[0], (Ran{30, 0, 3}));
}

// A timer's entry stays queued while its actor acts on it: whatever the actor does then
// (sets it again, leaves it, removes itself, hands its slot to a new actor with a timer of
// its own), the timer runs once per setting and nothing stale is left behind.
TEST(Scheduler, ATimerHandledFromInsideItsOwnEventRunsOncePerSetting) {
  TimeUs clock = 0;
  Scheduler scheduler(clock);
  std::vector<Ran> log;
  ActorId rearming{};
  ActorId leaving{};
  ActorId replaced{};
  RecordingActor newcomer(3, log, nullptr);
  std::uint64_t rearms = 0;
  RecordingActor a(0, log, [&](int, TimeUs now) {
    if (++rearms <= 3) scheduler.setTimer(now + 10, rearming, 100 + rearms);
  });
  RecordingActor b(1, log, nullptr);  // fires once, sets nothing
  RecordingActor c(2, log, [&](int, TimeUs now) {
    scheduler.remove(replaced);
    const ActorId id = scheduler.add(&newcomer);  // takes c's slot
    ASSERT_EQ(id.index, replaced.index);
    scheduler.setTimer(now + 5, id, 300);
  });
  rearming = scheduler.add(&a);
  leaving = scheduler.add(&b);
  replaced = scheduler.add(&c);
  scheduler.setTimer(10, rearming, 100);
  scheduler.setTimer(12, leaving, 200);
  scheduler.setTimer(14, replaced, 250);
  TimeUs event_time = 0;
  while (scheduler.runOne(kNever - 1, event_time)) {
  }
  const std::vector<Ran> expected = {{10, 0, 100}, {12, 1, 200}, {14, 2, 250}, {19, 3, 300},
                                     {20, 0, 101}, {30, 0, 102}, {40, 0, 103}};
  EXPECT_EQ(log, expected);
  EXPECT_EQ(scheduler.queued(), 0U);
  EXPECT_EQ(scheduler.eventsRun(), expected.size());
}

// Timers and one-shot events mixed, against the reference with lazy cancellation (every
// setting queued, only an actor's current one run): the same events in the same order, and
// the queue never holds more than the one-shot events plus one entry per timer.
TEST(Scheduler, TimersMatchAReferenceThatQueuesEverySetting) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 random(seed);
    TimeUs clock = 0;
    Scheduler scheduler(clock);
    constexpr int kActors = 16;
    // Reference: (time, seq, actor, generation, token, timer?)
    using Item = std::tuple<TimeUs, std::uint64_t, int, std::uint32_t, std::uint64_t, bool>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> reference;
    std::uint64_t seq = 0;
    std::vector<std::uint64_t> armed(kActors, 0);  // current timer token, 0 if none
    std::vector<std::uint32_t> live(kActors, 0);
    std::uint32_t next_generation = 1;
    std::uint64_t next_token = 1;
    std::vector<Ran> log;
    std::vector<std::unique_ptr<RecordingActor>> actors;
    std::vector<ActorId> ids(kActors);
    std::size_t one_shots_queued = 0;

    auto index = [](int actor) { return static_cast<std::size_t>(actor); };
    auto setTimer = [&](int actor, TimeUs base) {
      if (live[index(actor)] == 0) return;
      const TimeUs at = base + static_cast<TimeUs>(random() % 40);
      const std::uint64_t token = next_token++;
      scheduler.setTimer(at, ids[index(actor)], token);
      reference.push({at, seq++, actor, live[index(actor)], token, true});
      armed[index(actor)] = token;
    };
    auto clearTimer = [&](int actor) {
      if (live[index(actor)] == 0) return;
      scheduler.clearTimer(ids[index(actor)]);
      armed[index(actor)] = 0;
    };
    auto scheduleOnce = [&](int actor, TimeUs base) {
      const TimeUs at = base + static_cast<TimeUs>(random() % 40);
      const std::uint64_t token = next_token++;
      scheduler.schedule(at, ids[index(actor)], token);
      reference.push({at, seq++, actor, live[index(actor)], token, false});
      ++one_shots_queued;
    };
    auto referencePop = [&](TimeUs limit) -> std::optional<Ran> {
      while (!reference.empty()) {
        const auto [at, s, actor, generation, token, timer] = reference.top();
        if (at > limit) return std::nullopt;
        reference.pop();
        if (!timer) --one_shots_queued;
        if (generation == 0 || live[index(actor)] != generation) continue;
        if (timer) {
          if (armed[index(actor)] != token) continue;  // superseded or cleared
          armed[index(actor)] = 0;
        }
        return Ran{at, actor, token};
      }
      return std::nullopt;
    };
    for (int a = 0; a < kActors; ++a) {
      actors.push_back(std::make_unique<RecordingActor>(a, log, [&](int self, TimeUs now) {
        const auto roll = random() % 6;
        if (roll == 0) setTimer(self, now);
        if (roll == 1) setTimer(static_cast<int>(random() % kActors), now);
        if (roll == 2) scheduleOnce(self, now);
        if (roll == 3) clearTimer(static_cast<int>(random() % kActors));
      }));
      ids[index(a)] = scheduler.add(actors.back().get());
      live[index(a)] = next_generation++;
    }
    TimeUs limit = 0;
    for (int round = 0; round < 300; ++round) {
      const int burst = static_cast<int>(random() % 30);
      for (int k = 0; k < burst; ++k) {
        const int actor = static_cast<int>(random() % kActors);
        if (random() % 3 == 0) {
          scheduleOnce(actor, clock);
        } else {
          setTimer(actor, clock);
        }
      }
      if (random() % 10 == 0) {
        const int actor = static_cast<int>(random() % kActors);
        scheduler.remove(ids[index(actor)]);
        live[index(actor)] = 0;
        armed[index(actor)] = 0;
        if (random() % 2 == 0) {
          ids[index(actor)] = scheduler.add(actors[index(actor)].get());
          live[index(actor)] = next_generation++;
        }
      }
      std::size_t timers_armed = 0;
      for (const std::uint64_t token : armed) timers_armed += token != 0 ? 1 : 0;
      ASSERT_LE(scheduler.queued(), one_shots_queued + timers_armed) << "seed " << seed;
      limit += static_cast<TimeUs>(random() % 25);
      TimeUs event_time = 0;
      for (;;) {
        // The reference pops first: the event may set or clear timers when it runs.
        const std::optional<Ran> expected = referencePop(limit);
        const std::size_t before = log.size();
        const bool ran = scheduler.runOne(limit, event_time);
        ASSERT_EQ(ran, expected.has_value()) << "seed " << seed << " round " << round;
        if (!ran) break;
        ASSERT_EQ(log[before], *expected) << "seed " << seed << " round " << round;
      }
    }
    EXPECT_EQ(scheduler.eventsRun(), log.size());
  }
}

}  // namespace
}  // namespace steamsim::detail
