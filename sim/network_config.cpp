// SPDX-License-Identifier: MIT
// Range checks of NetworkConfig (ranges follow Steam's config values).

#include "steamsim/network_config.hpp"

namespace steamsim {
namespace {

constexpr long long kTimeoutMaxMs = 2147483647;  // INT32_MAX, as Steam's config values
constexpr long long kNagleMaxUs = 20000;         // Steam's NagleTime range is 0..20000 µs
constexpr long long kSendRateMin = 1024;         // SendRateMin/Max range, bytes per second
constexpr long long kSendRateMax = 268435456;    // 256 MiB/s
constexpr long long kSendBufferMin = 4096;       // SendBufferSize range, bytes
constexpr long long kSendBufferMax = 268435456;  // 256 MiB

std::string line(const char* field, const std::string& rule, long long value) {
  return std::string(field) + " " + rule + ", got " + std::to_string(value);
}

void within(std::vector<std::string>& out, const char* field, long long value, long long lo,
            long long hi, const char* unit) {
  if (value < lo || value > hi) {
    out.push_back(
        line(field, "must be within " + std::to_string(lo) + ".." + std::to_string(hi) + " " + unit,
             value));
  }
}

}  // namespace

std::vector<std::string> NetworkConfig::validate() const {
  std::vector<std::string> out;
  // Steam's timeouts are 32-bit milliseconds; larger ones would overflow the clock.
  within(out, "timeout_initial", static_cast<long long>(timeout_initial.count()), 1, kTimeoutMaxMs,
         "ms");
  within(out, "timeout_connected", static_cast<long long>(timeout_connected.count()), 1,
         kTimeoutMaxMs, "ms");
  within(out, "idle_timeout", static_cast<long long>(idle_timeout.count()), 1, kTimeoutMaxMs, "ms");
  within(out, "nagle", static_cast<long long>(nagle.count()), 0, kNagleMaxUs, "us");
  within(out, "send_rate", send_rate, kSendRateMin, kSendRateMax, "bytes/s");
  within(out, "send_buffer", send_buffer, kSendBufferMin, kSendBufferMax, "bytes");
  if (broken_session_result != 35 && broken_session_result != 3) {
    out.push_back(line("broken_session_result", "must be 35 (ConnectFailed) or 3 (NoConnection)",
                       broken_session_result));
  }
  if (bind_address.empty()) out.push_back("bind_address must not be empty");
  return out;
}

}  // namespace steamsim
