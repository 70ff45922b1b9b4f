// SPDX-License-Identifier: MIT
#pragma once
// Time and memory bounds for one fuzz input: a target aborts (so the fuzzer or the corpus
// replay reports the input) when handling it took longer or grew the process's peak
// resident memory by more than its bound.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace steamsim::fuzz {

class ResourceGuard {
 public:
  ResourceGuard(std::chrono::seconds max_time, long max_growth_kb)
      : max_time_(max_time),
        max_growth_kb_(max_growth_kb),
        start_(Clock::now()),
        rss_before_kb_(peakRssKb()) {}
  ResourceGuard(const ResourceGuard&) = delete;
  ResourceGuard& operator=(const ResourceGuard&) = delete;

  /// Aborts if the bounds were crossed; `what` names the stage for the message.
  void check(const char* what) const {
    const auto took = Clock::now() - start_;
    const long grew = peakRssKb() - rss_before_kb_;
    if (took > max_time_) {
      std::fprintf(stderr, "%s took %.1f s (bound %lld s)\n", what,
                   std::chrono::duration<double>(took).count(),
                   static_cast<long long>(max_time_.count()));
      std::abort();
    }
    if (grew > max_growth_kb_) {
      std::fprintf(stderr, "%s grew peak memory by %ld KB (bound %ld KB)\n", what, grew,
                   max_growth_kb_);
      std::abort();
    }
  }

 private:
  using Clock = std::chrono::steady_clock;
  static long peakRssKb() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
  }

  std::chrono::seconds max_time_;
  long max_growth_kb_;
  Clock::time_point start_;
  long rss_before_kb_;
};

}  // namespace steamsim::fuzz
