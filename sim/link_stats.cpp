#include "link_stats.hpp"

#include <algorithm>

namespace steamsim::detail {

void PingEstimator::addSample(TimeUs rtt_us, TimeUs now) {
  if (count_ > 0 && now - last_sample_at_ < 100'000) return;
  last_sample_at_ = now;
  samples_[static_cast<std::size_t>(next_)] = std::max<TimeUs>(rtt_us, 0);
  next_ = (next_ + 1) % 3;
  count_ = std::min(count_ + 1, 3);
  ping_us_ = smoothed();
}

TimeUs PingEstimator::smoothed() const {
  if (count_ == 0) return -1;
  if (count_ == 1) return samples_[0];
  if (count_ == 2) return std::min(samples_[0], samples_[1]);
  std::array<TimeUs, 3> sorted = samples_;
  std::sort(sorted.begin(), sorted.end());
  return (sorted[0] + sorted[1]) / 2;
}

int PingEstimator::pingMs() const {
  const TimeUs us = pingUs();
  return us < 0 ? -1 : static_cast<int>((us + 500) / 1000);
}

void TrafficWindow::start(TimeUs now) {
  start_ = now;
  buckets_ = {};
}

TrafficWindow::Bucket& TrafficWindow::bucket(TimeUs now) {
  const std::int64_t second = now / 1'000'000;
  Bucket& b = buckets_[static_cast<std::size_t>(second % kBuckets)];
  if (b.second != second) b = Bucket{second};
  return b;
}

void TrafficWindow::countOut(TimeUs now, std::size_t bytes) {
  Bucket& b = bucket(now);
  ++b.packets_out;
  b.bytes_out += bytes;
}

void TrafficWindow::countIn(TimeUs now, std::size_t bytes) {
  Bucket& b = bucket(now);
  ++b.packets_in;
  b.bytes_in += bytes;
}

void TrafficWindow::countSequence(TimeUs now, std::uint32_t received, std::int64_t dropped,
                                  std::uint32_t weird) {
  Bucket& b = bucket(now);
  b.seq_received += received;
  b.seq_dropped += dropped;
  b.seq_weird += weird;
}

TrafficWindow::Rates TrafficWindow::rates(TimeUs now) {
  const std::int64_t second = now / 1'000'000;
  Bucket sum;
  for (const Bucket& b : buckets_) {
    if (b.second < 0 || b.second <= second - kBuckets || b.second > second) continue;
    sum.packets_out += b.packets_out;
    sum.bytes_out += b.bytes_out;
    sum.packets_in += b.packets_in;
    sum.bytes_in += b.bytes_in;
    sum.seq_received += b.seq_received;
    sum.seq_dropped += b.seq_dropped;
    sum.seq_weird += b.seq_weird;
  }
  // The buckets cover from the start of the oldest second kept (or the start) until now.
  const TimeUs window_start = std::max(start_, (second - kBuckets + 1) * 1'000'000);
  const double span_s = std::max(static_cast<double>(now - window_start) / 1e6, 0.1);
  Rates r;
  r.packets_out_per_second = static_cast<float>(static_cast<double>(sum.packets_out) / span_s);
  r.bytes_out_per_second = static_cast<float>(static_cast<double>(sum.bytes_out) / span_s);
  r.packets_in_per_second = static_cast<float>(static_cast<double>(sum.packets_in) / span_s);
  r.bytes_in_per_second = static_cast<float>(static_cast<double>(sum.bytes_in) / span_s);
  const std::int64_t dropped = std::max<std::int64_t>(sum.seq_dropped, 0);
  const double expected = static_cast<double>(sum.seq_received) + static_cast<double>(dropped);
  if (sum.seq_received > 0) {
    const double bad = static_cast<double>(dropped) + static_cast<double>(sum.seq_weird);
    r.quality = static_cast<float>(std::clamp(1.0 - bad / expected, 0.0, 1.0));
  }
  return r;
}

}  // namespace steamsim::detail
