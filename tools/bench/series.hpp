// SPDX-License-Identifier: MIT
#pragma once
// One row of steamsim_bench's report: a figure measured once per round, the CPU other
// processes used during each measurement, and the row's target. The verdict uses only the
// measurements taken while the machine was idle enough, and their median.

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

namespace steamsim::bench {

struct Series {
  enum class Goal { None, AtMost, AtLeast, StableWithin };
  enum class Verdict { Info, Met, Missed, NoVerdict, Unsteady };

  std::string id;
  std::string workload;
  std::string unit;
  Goal goal = Goal::None;
  double target = 0.0;  ///< AtMost/AtLeast: the limit; StableWithin: max (max-min)/median
  /// StableWithin: the row whose spread in the same rounds shows how steady the machine
  /// itself was; a spread it already exceeds cannot be judged.
  std::string steadiness_reference;
  std::string target_text;
  bool load_sensitive = true;  ///< false: memory or virtual-time figures, valid under load
  std::vector<double> values;  ///< one per round
  std::vector<double> others;  ///< cores other processes used during each measurement
  std::string note;            ///< reference figures, per-run details

  void add(double value, double others_cores) {
    values.push_back(value);
    others.push_back(others_cores);
  }

  /// The measurements that count: taken while others used fewer than `max_others` cores.
  std::vector<double> valid(double max_others) const {
    std::vector<double> out;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!load_sensitive || others[i] < max_others) out.push_back(values[i]);
    }
    return out;
  }

  static double median(std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  }
  /// (max - min) / median of `v`; 0 for fewer than two values.
  static double spread(const std::vector<double>& v) {
    if (v.size() < 2) return 0.0;
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    const double m = median(v);
    return m != 0.0 ? (*hi - *lo) / m : 0.0;
  }

  /// The median of the valid measurements, or of all when none is valid.
  double figure(double max_others) const {
    const std::vector<double> v = valid(max_others);
    return median(v.empty() ? values : v);
  }

  /// Met or missed from the median of at least `min_valid` valid measurements; NoVerdict
  /// when fewer were taken on an idle enough machine. For StableWithin, Unsteady when
  /// `machine_spread` (the steadiness reference's spread) is over the target already.
  Verdict verdict(double max_others, std::size_t min_valid, double machine_spread = 0.0) const {
    if (goal == Goal::None) return Verdict::Info;
    const std::vector<double> v = valid(max_others);
    if (v.size() < min_valid || v.empty()) return Verdict::NoVerdict;
    if (goal == Goal::StableWithin && machine_spread > target) return Verdict::Unsteady;
    const double m = median(v);
    switch (goal) {
      case Goal::AtMost:
        return m <= target ? Verdict::Met : Verdict::Missed;
      case Goal::AtLeast:
        return m >= target ? Verdict::Met : Verdict::Missed;
      case Goal::StableWithin:
        return spread(v) <= target ? Verdict::Met : Verdict::Missed;
      case Goal::None:
        break;
    }
    return Verdict::Info;
  }
};

}  // namespace steamsim::bench
