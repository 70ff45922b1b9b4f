// SPDX-License-Identifier: MIT
#include "realtime_driver.hpp"

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <thread>

#include "world.hpp"

namespace steamsim::detail {

namespace {
// Upper bound between timer wake-ups, so a missed wake() costs at most this much latency.
constexpr auto kMaxSleep = std::chrono::milliseconds(50);
}  // namespace

struct RealTimeDriver::Impl {
  explicit Impl(World& w)
      : world(w),
        timer(io),
        work(asio::make_work_guard(io)),
        start(std::chrono::steady_clock::now()) {}

  TimeUs nowUs() const {
    const auto elapsed = std::chrono::steady_clock::now() - start;
    return kVirtualEpochUs + std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  }

  // Runs due events and re-arms the timer for the next one (on the driver thread).
  void tick() {
    TimeUs next = kNever;
    {
      std::lock_guard lock(world.mutex());
      const TimeUs now = nowUs();
      world.setNow(now);
      world.runDue(now);
      next = world.scheduler().nextTime();
    }
    world.notifyWork();
    auto when = std::chrono::steady_clock::now() + kMaxSleep;
    if (next != kNever) {
      const auto at = start + std::chrono::microseconds(next - kVirtualEpochUs);
      when = std::min(when, at);
    }
    timer.expires_at(when);
    timer.async_wait([this](const std::error_code& ec) {
      if (!ec) tick();
    });
  }

  World& world;
  asio::io_context io;
  asio::steady_timer timer;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::chrono::steady_clock::time_point start;
  std::atomic<bool> wake_pending{false};
  std::thread thread;
};

RealTimeDriver::RealTimeDriver(World& world) : impl_(std::make_unique<Impl>(world)) {
  asio::post(impl_->io, [this] { impl_->tick(); });
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

RealTimeDriver::~RealTimeDriver() {
  impl_->work.reset();
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

TimeUs RealTimeDriver::wallNowUs() const {
  return impl_->nowUs();
}

void RealTimeDriver::wake() {
  if (impl_->wake_pending.exchange(true)) return;  // one wake-up covers every caller
  asio::post(impl_->io, [this] {
    impl_->wake_pending = false;
    impl_->timer.cancel();  // the pending wait ends with operation_aborted
    impl_->tick();
  });
}

}  // namespace steamsim::detail
