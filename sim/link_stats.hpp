#pragma once
// Measured statistics of one connection: ping from acknowledged round trips, and packet,
// byte and quality figures over a sliding 5-second window of 1-second buckets.

#include <array>
#include <cstdint>

#include "time.hpp"

namespace steamsim::detail {

class PingEstimator {
 public:
  /// Adds a round-trip sample (µs). Samples closer than 100 ms to the previous are ignored,
  /// except the first.
  void addSample(TimeUs rtt_us, TimeUs now);
  /// Smoothed ping in ms, -1 while unknown: the first sample, then the lower of two, then
  /// the mean of the two lowest of the last three.
  int pingMs() const;
  /// Smoothed ping in µs, or -1.
  TimeUs pingUs() const { return ping_us_; }
  bool known() const { return count_ > 0; }

 private:
  TimeUs smoothed() const;

  TimeUs ping_us_ = -1;  // smoothed(), kept up to date by addSample
  std::array<TimeUs, 3> samples_{};
  int count_ = 0;
  int next_ = 0;
  TimeUs last_sample_at_ = 0;
};

class TrafficWindow {
 public:
  static constexpr int kBuckets = 5;  // seconds

  void countOut(TimeUs now, std::size_t bytes);
  void countIn(TimeUs now, std::size_t bytes);
  /// Sequenced packets received, and how many were lost / out of order / duplicate.
  void countSequence(TimeUs now, std::uint32_t received, std::int64_t dropped, std::uint32_t weird);

  struct Rates {
    float packets_out_per_second = 0;
    float bytes_out_per_second = 0;
    float packets_in_per_second = 0;
    float bytes_in_per_second = 0;
    float quality = -1;  ///< 1 - (dropped + weird) / received, -1 if nothing received
  };
  /// Figures over the last 5 s (or since `start` if younger).
  Rates rates(TimeUs now);
  void start(TimeUs now);

 private:
  struct Bucket {
    std::int64_t second = -1;
    std::uint64_t packets_out = 0, bytes_out = 0, packets_in = 0, bytes_in = 0;
    std::uint64_t seq_received = 0, seq_weird = 0;
    std::int64_t seq_dropped = 0;  // may go down when late packets fill gaps
  };
  Bucket& bucket(TimeUs now);

  std::array<Bucket, kBuckets> buckets_{};
  TimeUs start_ = 0;
};

}  // namespace steamsim::detail
