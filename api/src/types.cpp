// SPDX-License-Identifier: MIT
#include "steamsim/types.hpp"

#include <ostream>

namespace steamsim {

std::string_view toString(Result result) {
  switch (result) {
    case Result::None:
      return "None";
    case Result::OK:
      return "OK";
    case Result::Fail:
      return "Fail";
    case Result::NoConnection:
      return "NoConnection";
    case Result::InvalidParam:
      return "InvalidParam";
    case Result::InvalidState:
      return "InvalidState";
    case Result::AccessDenied:
      return "AccessDenied";
    case Result::Timeout:
      return "Timeout";
    case Result::ServiceUnavailable:
      return "ServiceUnavailable";
    case Result::LimitExceeded:
      return "LimitExceeded";
    case Result::ConnectFailed:
      return "ConnectFailed";
    case Result::Ignored:
      return "Ignored";
    default:
      return "Result";
  }
}

std::string_view toString(ConnectionState state) {
  switch (state) {
    case ConnectionState::None:
      return "None";
    case ConnectionState::Connecting:
      return "Connecting";
    case ConnectionState::FindingRoute:
      return "FindingRoute";
    case ConnectionState::Connected:
      return "Connected";
    case ConnectionState::ClosedByPeer:
      return "ClosedByPeer";
    case ConnectionState::ProblemDetectedLocally:
      return "ProblemDetectedLocally";
    case ConnectionState::FinWait:
      return "FinWait";
    case ConnectionState::Linger:
      return "Linger";
    case ConnectionState::Dead:
      return "Dead";
  }
  return "ConnectionState";
}

std::ostream& operator<<(std::ostream& out, Result result) {
  return out << toString(result) << " (" << static_cast<int>(result) << ")";
}

std::ostream& operator<<(std::ostream& out, ConnectionState state) {
  return out << toString(state) << " (" << static_cast<int>(state) << ")";
}

}  // namespace steamsim
