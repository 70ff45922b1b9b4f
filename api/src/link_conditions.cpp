// SPDX-License-Identifier: MIT
// Range checks of LinkConditions.

#include "steamsim/link_conditions.hpp"

#include <cmath>
#include <cstdio>
#include <string_view>

namespace steamsim {
namespace {

constexpr double kMaxDelayMs = 60000.0;

/// A number as a person would write it: "140", "0.5", "nan", "inf".
std::string formatNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

/// Collects one line per problem.
class Problems {
 public:
  explicit Problems(std::vector<std::string>& out) : out_(out) {}

  /// false (and a line) when `value` is NaN or infinite.
  bool finite(std::string_view field, double value) {
    if (std::isfinite(value)) return true;
    add(field, "must be a finite number", value);
    return false;
  }
  void within(std::string_view field, double value, double lo, double hi) {
    if (!finite(field, value)) return;
    if (value < lo || value > hi) {
      add(field, "must be within " + formatNumber(lo) + ".." + formatNumber(hi), value);
    }
  }
  void add(std::string_view field, const std::string& rule, double value) {
    out_.push_back(std::string(field) + " " + rule + ", got " + formatNumber(value));
  }

 private:
  std::vector<std::string>& out_;
};

}  // namespace

std::vector<std::string> LinkConditions::validate() const {
  std::vector<std::string> out;
  Problems problems(out);

  if (problems.finite("rate_limit_bytes_per_s", rate_limit_bytes_per_s) &&
      rate_limit_bytes_per_s < 0.0) {
    problems.add("rate_limit_bytes_per_s", "must be >= 0 (0 = unlimited)", rate_limit_bytes_per_s);
  }
  if (problems.finite("rate_limit_burst_bytes", rate_limit_burst_bytes)) {
    if (rate_limit_burst_bytes < 0.0) {
      problems.add("rate_limit_burst_bytes", "must be >= 0", rate_limit_burst_bytes);
    } else if (rate_limit_burst_bytes == 0.0 && rate_limit_bytes_per_s > 0.0) {
      problems.add("rate_limit_burst_bytes", "must be > 0 when rate_limit_bytes_per_s is set",
                   rate_limit_burst_bytes);
    }
  }

  problems.within("loss_pct", loss_pct, 0.0, 100.0);

  const bool burst_pct_ok = problems.finite("burst_loss_pct", burst_loss_pct);
  if (burst_pct_ok && (burst_loss_pct < 0.0 || burst_loss_pct >= 100.0)) {
    problems.add("burst_loss_pct", "must be >= 0 and < 100", burst_loss_pct);
  }
  const bool burst_len_ok = problems.finite("burst_length_mean", burst_length_mean);
  if (burst_len_ok && burst_length_mean < 1.0) {
    problems.add("burst_length_mean", "must be >= 1", burst_length_mean);
  } else if (burst_len_ok && burst_pct_ok && burst_loss_pct > 0.0 && burst_loss_pct < 100.0) {
    // Good runs last at least one datagram, so a loss share L needs bursts of mean length
    // >= L / (100 - L); shorter bursts cannot reach that share.
    const double min_length = burst_loss_pct / (100.0 - burst_loss_pct);
    if (burst_length_mean < min_length) {
      problems.add(
          "burst_length_mean",
          "must be >= burst_loss_pct / (100 - burst_loss_pct) = " + formatNumber(min_length) +
              " for burst_loss_pct " + formatNumber(burst_loss_pct),
          burst_length_mean);
    }
  }

  problems.within("latency_ms", latency_ms, 0.0, kMaxDelayMs);
  problems.within("jitter_ms", jitter_ms, 0.0, kMaxDelayMs);
  problems.within("reorder_pct", reorder_pct, 0.0, 100.0);
  problems.within("reorder_ms", reorder_ms, 0.0, kMaxDelayMs);
  problems.within("duplicate_pct", duplicate_pct, 0.0, 100.0);
  problems.within("duplicate_ms", duplicate_ms, 0.0, kMaxDelayMs);
  problems.within("corrupt_pct", corrupt_pct, 0.0, 100.0);
  return out;
}

}  // namespace steamsim
