// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Packet captures of a simulated network: every datagram that crossed a peer's socket,
/// with IPv4 (or IPv6) and UDP headers carrying the sockets' real addresses and ports, time
/// stamped with the network's clock. Opens in Wireshark and tshark
/// (tools/wireshark/steamsim.lua decodes steamsim's wire format).

#include <cstdint>
#include <memory>
#include <string>

#include "steamsim/capture.hpp"
#include "steamsim/network.hpp"

namespace steamsim {

struct PcapOptions {
  /// Subtracted from every timestamp, µs (e.g. the network's `now()` when a run starts, so
  /// the capture's times are run times). Earlier datagrams are stamped 0.
  std::int64_t time_origin_us = 0;
};

/// Writes captured datagrams to a pcap file (link type RAW: each record starts with its IP
/// header). Allocates nothing per datagram.
class PcapWriter final : public DatagramCapture {
 public:
  /// Creates or truncates `path`. Throws std::runtime_error naming the file and the reason.
  explicit PcapWriter(const std::string& path, PcapOptions options = {});
  ~PcapWriter() override;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  void datagram(const CapturedDatagram& datagram) override;
  /// Writes buffered records to the file. \return false if the file could not be written.
  bool flush();
  /// Records written so far.
  std::uint64_t records() const { return records_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  PcapOptions options_;
  std::uint64_t records_ = 0;
};

/// Starts capturing every datagram of `network` to `path` (see PcapWriter). The network
/// keeps the writer; flush it, or destroy the network, before reading the file.
/// Throws std::runtime_error if the file cannot be created.
/// \return the writer, shared with the network.
std::shared_ptr<PcapWriter> enablePcap(Network& network, const std::string& path,
                                       PcapOptions options = {});

}  // namespace steamsim
