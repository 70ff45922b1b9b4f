#include "realtime_driver.hpp"

#include <algorithm>

#include "world.hpp"

namespace steamsim::detail {

namespace {
// Upper bound between wake-ups, so a missed wake() costs at most this much latency.
constexpr TimeUs kMaxSleepUs = 50'000;
// An application thread that ran due events this recently is trusted to run the next ones
// itself (it calls the API again soon); the driver checks back when that stops being true.
// This is also the longest a send waits for the driver when the application stops calling.
constexpr TimeUs kCallerGraceUs = 1000;
}  // namespace

RealTimeDriver::RealTimeDriver(World& world)
    : world_(world), start_(std::chrono::steady_clock::now()) {
  thread_ = std::thread([this] { run(); });
}

RealTimeDriver::~RealTimeDriver() {
  {
    std::lock_guard lock(world_.mutex());
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

TimeUs RealTimeDriver::wallNowUs() const {
  const auto elapsed = std::chrono::steady_clock::now() - start_;
  return kVirtualEpochUs + std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
}

std::chrono::steady_clock::time_point RealTimeDriver::wallTime(TimeUs at) const {
  return start_ + std::chrono::microseconds(at - kVirtualEpochUs);
}

void RealTimeDriver::wake(TimeUs due, TimeUs now) {
  // An application that drives the network runs it itself; otherwise wake up if sleeping
  // past `due`.
  if (now < world_.lastCallerRun() + kCallerGraceUs || due >= sleeping_until_) return;
  sleeping_until_ = due;
  cv_.notify_one();
}

void RealTimeDriver::run() {
  std::unique_lock lock(world_.mutex());
  while (!stop_) {
    const TimeUs now = wallNowUs();
    TimeUs until = now + kMaxSleepUs;
    const TimeUs caller_until = world_.lastCallerRun() + kCallerGraceUs;
    if (now < caller_until) {
      until = caller_until;  // the application drives the network: leave the work to it
    } else {
      world_.setNow(now);
      if (!world_.runDue(lock, now) && world_.scheduler().nextTime() <= now) {
        until = now + kCallerGraceUs;  // another thread is moving datagrams: check back
      } else {
        until = std::min(until, world_.scheduler().nextTime());
      }
      world_.notifyWork();
    }
    if (stop_) break;
    sleeping_until_ = until;
    cv_.wait_until(lock, wallTime(until));
    sleeping_until_ = 0;  // awake: wake() need not notify
  }
}

}  // namespace steamsim::detail
