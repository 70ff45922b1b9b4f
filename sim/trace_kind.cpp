// SPDX-License-Identifier: MIT
// The names of trace kinds.

#include <string_view>

#include "steamsim/trace.hpp"

namespace steamsim {

std::string_view toString(TraceKind kind) {
  switch (kind) {
    case TraceKind::DatagramSent:
      return "datagram_sent";
    case TraceKind::DatagramDropped:
      return "datagram_dropped";
    case TraceKind::DatagramDelayed:
      return "datagram_delayed";
    case TraceKind::DatagramDuplicated:
      return "datagram_duplicated";
    case TraceKind::DatagramCorrupted:
      return "datagram_corrupted";
    case TraceKind::DatagramDelivered:
      return "datagram_delivered";
    case TraceKind::DatagramRejected:
      return "datagram_rejected";
    case TraceKind::ApiCall:
      return "api_call";
    case TraceKind::Signal:
      return "signal";
    case TraceKind::StateChange:
      return "state_change";
    case TraceKind::PeerEvent:
      return "peer_event";
    case TraceKind::MessageDelivered:
      return "message_delivered";
    case TraceKind::Retransmission:
      return "retransmission";
  }
  return "unknown";
}

}  // namespace steamsim
